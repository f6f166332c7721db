package understand

import (
	"bufio"
	"flag"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
)

var fitCalibration = flag.Bool("calibrate", false, "fit the calibration weights on the dev questions and print them")

// sample is one candidate of one dev question and whether it is the
// topic the question needs.
type sample struct {
	f     features
	right bool
}

// devSamples reads the dev split of the question evaluation and returns
// the features of the candidates the matcher gives each question.
func devSamples(t *testing.T, m *Matcher) []sample {
	t.Helper()
	f, err := os.Open("../testdata/eval.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.SplitN(sc.Text(), "\t", 4)
		if len(p) != 4 || p[0] != "dev" {
			continue
		}
		r := read(p[3])
		res := m.matchWords(r.norm, nil, "")
		if res.Verdict == matchOut || len(res.Candidates) == 0 {
			continue
		}
		top := res.Candidates[0].Score
		margin := 1.0
		if len(res.Candidates) > 1 {
			margin = 1 - res.Candidates[1].Score/top
		}
		for i, c := range res.Candidates {
			out = append(out, sample{candidateFeatures(c, top, margin, i == 0, res.Domain), c.TopicID == p[2]})
		}
	}
	return out
}

func vec(f features) [6]float64 { return [6]float64{1, f.score, f.rel, f.coverage, f.margin, f.strong} }

// fit is L2-regularised logistic regression by Newton's method.
func fit(samples []sample) [6]float64 {
	var w [6]float64
	const lambda = 0.1
	for iter := 0; iter < 50; iter++ {
		var g [6]float64
		var h [6][6]float64
		for _, s := range samples {
			x := vec(s.f)
			z := 0.0
			for i := range x {
				z += w[i] * x[i]
			}
			p := 1 / (1 + math.Exp(-z))
			y := 0.0
			if s.right {
				y = 1
			}
			for i := range x {
				g[i] += (p - y) * x[i]
				for j := range x {
					h[i][j] += p * (1 - p) * x[i] * x[j]
				}
			}
		}
		for i := 1; i < 6; i++ {
			g[i] += lambda * w[i]
			h[i][i] += lambda
		}
		step := solve(h, g)
		for i := range w {
			w[i] -= step[i]
		}
	}
	return w
}

// solve solves a·x = b by Gaussian elimination.
func solve(a [6][6]float64, b [6]float64) [6]float64 {
	n := 6
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		if a[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			k := a[r][c] / a[c][c]
			for j := c; j < n; j++ {
				a[r][j] -= k * a[c][j]
			}
			b[r] -= k * b[c]
		}
	}
	var x [6]float64
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for j := r + 1; j < n; j++ {
			s -= a[r][j] * x[j]
		}
		if a[r][r] != 0 {
			x[r] = s / a[r][r]
		}
	}
	return x
}

// TestCalibration checks that the scores mean what they say on the dev
// questions: among candidates scored at 0.5 or more, most are right, and
// among those under 0.5, most are wrong. With -calibrate it refits the
// weights and prints them, to be copied into calibration.
func TestCalibration(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatcher(cat.Topics())
	samples := devSamples(t, m)
	if *fitCalibration {
		w := fit(samples)
		t.Logf("calibration = {bias: %.3f, score: %.3f, rel: %.3f, coverage: %.3f, margin: %.3f, strong: %.3f}",
			w[0], w[1], w[2], w[3], w[4], w[5])
	}
	var bucket [5]struct{ n, right int }
	for _, s := range samples {
		p := logistic(s.f)
		b := min(int(p*5), 4)
		bucket[b].n++
		if s.right {
			bucket[b].right++
		}
	}
	for i, b := range bucket {
		if b.n > 0 {
			t.Logf("score %.1f-%.1f: %3d candidates, %.2f right", float64(i)/5, float64(i+1)/5, b.n, float64(b.right)/float64(b.n))
		}
	}
	var hi, hiRight, lo, loRight int
	for i, b := range bucket {
		if i >= 3 {
			hi += b.n
			hiRight += b.right
		} else if i <= 1 {
			lo += b.n
			loRight += b.right
		}
	}
	if hi > 0 && float64(hiRight)/float64(hi) < 0.7 {
		t.Errorf("candidates scored 0.6 or more are right %.2f of the time, want at least 0.7", float64(hiRight)/float64(hi))
	}
	if lo > 0 && float64(loRight)/float64(lo) > 0.3 {
		t.Errorf("candidates scored under 0.4 are right %.2f of the time, want at most 0.3", float64(loRight)/float64(lo))
	}
}
