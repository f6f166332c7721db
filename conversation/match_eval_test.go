package conversation_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation"
)

const outOfScope = "out_of_scope"

type evalRow struct {
	split, lang, topic, question string
	line                         int
}

func loadEval(t *testing.T) []evalRow {
	t.Helper()
	f, err := os.Open("testdata/eval.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []evalRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 || strings.TrimSpace(line) == "" {
			continue
		}
		p := strings.SplitN(line, "\t", 4)
		if len(p) != 4 {
			t.Fatalf("eval.tsv:%d: want 4 tab-separated fields, got %d", n, len(p))
		}
		rows = append(rows, evalRow{split: p[0], lang: p[1], topic: p[2], question: p[3], line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("testdata/eval.tsv has no rows")
	}
	return rows
}

// tally counts one slice of the evaluation.
type tally struct{ n, right, confident int }

func (c tally) String() string {
	if c.n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f (%d/%d)", float64(c.right)/float64(c.n), c.right, c.n)
}

func (c tally) acc() float64 {
	if c.n == 0 {
		return 0
	}
	return float64(c.right) / float64(c.n)
}

type evalReport struct {
	bySlice map[string]*tally // "all", "dev", "heldout", "en", "es", "dev/en"...
	// Out-of-scope detection: a refusal is a positive.
	oosTP, oosFP, oosFN int
	// Ranking alone, on topic rows, whatever the verdict: how often the
	// topic is the first candidate, or among the three.
	ranked, first, inTop3 int
	misses                []string
}

func (r *evalReport) add(key string, right, confident bool) {
	c := r.bySlice[key]
	if c == nil {
		c = &tally{}
		r.bySlice[key] = c
	}
	c.n++
	if right {
		c.right++
	}
	if confident {
		c.confident++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (r *evalReport) precision() float64 { return ratio(r.oosTP, r.oosTP+r.oosFP) }
func (r *evalReport) recall() float64    { return ratio(r.oosTP, r.oosTP+r.oosFN) }

// evaluate scores a matcher on rows. A topic row is right when the verdict
// is not out of scope and the first candidate is the topic (an Unsure
// verdict shows it as the first "did you mean" button); it is
// confident-right when the verdict is also Confident. An out-of-scope row
// is right when the verdict is OutOfScope.
func evaluate(m *conversation.Matcher, rows []evalRow) *evalReport {
	r := &evalReport{bySlice: map[string]*tally{}}
	for _, row := range rows {
		res := m.Match(row.question)
		var right, confident bool
		got := outOfScope
		if res.Verdict != conversation.OutOfScope && len(res.Candidates) > 0 {
			got = res.Candidates[0].TopicID
		}
		if row.topic == outOfScope {
			right = res.Verdict == conversation.OutOfScope
			confident = right
			if right {
				r.oosTP++
			} else {
				r.oosFN++
			}
		} else {
			right = got == row.topic
			r.ranked++
			for i, c := range res.Candidates {
				if c.TopicID == row.topic {
					if i == 0 {
						r.first++
					}
					r.inTop3++
				}
			}
			confident = right && res.Verdict == conversation.Confident
			if res.Verdict == conversation.OutOfScope {
				r.oosFP++
			}
		}
		kind := "topic"
		if row.topic == outOfScope {
			kind = "oos"
		}
		for _, key := range []string{"all", row.split, row.lang, row.split + "/" + row.lang, kind, row.split + "/" + kind} {
			r.add(key, right, confident)
		}
		if !right {
			verdict := [...]string{"out", "unsure", "confident"}[res.Verdict]
			var cands []string
			for _, c := range res.Candidates {
				cands = append(cands, fmt.Sprintf("%s:%.2f", c.TopicID, c.Score))
			}
			r.misses = append(r.misses, fmt.Sprintf("line %d %s/%s want %s, got %s [%s] %q",
				row.line, row.split, row.lang, row.topic, verdict, strings.Join(cands, " "), row.question))
		}
	}
	return r
}

func (r *evalReport) slice(key string) tally {
	if c := r.bySlice[key]; c != nil {
		return *c
	}
	return tally{}
}

// TestMatchAccuracy measures the matcher on testdata/eval.tsv against the
// real knowledge base. Run with -v to see the numbers and the misses.
func TestMatchAccuracy(t *testing.T) {
	cat, err := conversation.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rows := loadEval(t)
	for _, row := range rows {
		if row.topic != outOfScope && cat.Topic(row.topic) == nil {
			t.Errorf("eval.tsv:%d: unknown topic %q", row.line, row.topic)
		}
	}
	r := evaluate(conversation.NewMatcher(cat.Topics()), rows)
	t.Logf("%-12s %-22s %s", "slice", "top-1", "confident and right")
	for _, key := range []string{"all", "dev", "heldout", "en", "es", "dev/en", "dev/es", "heldout/en", "heldout/es", "topic", "oos"} {
		c := r.slice(key)
		t.Logf("%-12s %-22s %.3f", key, c, ratio(c.confident, c.n))
	}
	t.Logf("ranking alone (topic rows, whatever the verdict): first %.3f, in the top 3 %.3f",
		ratio(r.first, r.ranked), ratio(r.inTop3, r.ranked))
	t.Logf("out of scope: precision %.3f recall %.3f (refused %d of %d, wrongly refused %d in-scope)",
		r.precision(), r.recall(), r.oosTP, r.oosTP+r.oosFN, r.oosFP)
	if testing.Verbose() {
		for _, m := range r.misses {
			t.Log("miss: " + m)
		}
	}
	if acc := r.slice("all").acc(); acc < 0.90 {
		t.Errorf("overall top-1 accuracy %.3f, want at least 0.90", acc)
	}
}

// TestCompareMethods logs the comparison table of docs/matching.md.
func TestCompareMethods(t *testing.T) {
	cat, err := conversation.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rows := loadEval(t)
	t.Logf("| method | dev | heldout | overall | en | es | out-of-scope P / R | ranking first / top 3 |")
	t.Logf("|---|---|---|---|---|---|---|---|")
	for _, mm := range conversation.MatchMethods {
		r := evaluate(mm.New(cat.Topics()), rows)
		t.Logf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f / %.2f | %.3f / %.3f |", mm.Name,
			r.slice("dev").acc(), r.slice("heldout").acc(), r.slice("all").acc(),
			r.slice("en").acc(), r.slice("es").acc(), r.precision(), r.recall(),
			ratio(r.first, r.ranked), ratio(r.inTop3, r.ranked))
	}
}
