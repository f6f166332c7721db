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
	// Confident verdicts and how many of them name the right topic.
	confident, confidentRight int
	// Language detection against the lang column: right, wrong, unclear.
	langRight, langWrong, langUnclear int
	misses                            []string
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
		switch string(res.Lang) {
		case row.lang:
			r.langRight++
		case "":
			r.langUnclear++
		default:
			r.langWrong++
		}
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
		if res.Verdict == conversation.Confident {
			r.confident++
			if row.topic != outOfScope && got == row.topic {
				r.confidentRight++
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
	for _, key := range []string{"all", "dev", "heldout", "fresh", "en", "es", "dev/en", "dev/es", "heldout/en", "heldout/es", "fresh/en", "fresh/es", "topic", "oos", "fresh/oos"} {
		c := r.slice(key)
		t.Logf("%-12s %-22s %.3f", key, c, ratio(c.confident, c.n))
	}
	t.Logf("ranking alone (topic rows, whatever the verdict): first %.3f, in the top 3 %.3f",
		ratio(r.first, r.ranked), ratio(r.inTop3, r.ranked))
	t.Logf("confident verdicts: %d, right %.3f", r.confident, ratio(r.confidentRight, r.confident))
	t.Logf("language detected: right %d, wrong %d, unclear %d", r.langRight, r.langWrong, r.langUnclear)
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

// withTypos returns the dev rows with about one word in three of five
// letters or more mistyped (a letter dropped, doubled or swapped with its
// neighbour), deterministically, to measure typo tolerance on the kind of
// questions the dev split holds.
func withTypos(rows []evalRow) []evalRow {
	state := uint64(42)
	next := func(n int) int {
		state = state*6364136223846793005 + 1442695040888963407
		return int((state >> 33) % uint64(n))
	}
	var out []evalRow
	for _, row := range rows {
		if row.split != "dev" {
			continue
		}
		words := strings.Fields(row.question)
		for i, w := range words {
			if len(w) < 5 || next(3) != 0 {
				continue
			}
			b := []byte(w)
			p := 1 + next(len(b)-2)
			switch next(3) {
			case 0:
				b = append(b[:p:p], b[p+1:]...)
			case 1:
				b[p], b[p-1] = b[p-1], b[p]
			default:
				b = append(b[:p:p], append([]byte{b[p]}, b[p:]...)...)
			}
			words[i] = string(b)
		}
		row.question = strings.Join(words, " ")
		out = append(out, row)
	}
	return out
}

// TestCompareMethods logs the comparison table of docs/matching.md.
func TestCompareMethods(t *testing.T) {
	cat, err := conversation.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rows := loadEval(t)
	typos := withTypos(rows)
	t.Logf("| method | dev | heldout | fresh | overall | en | es | out-of-scope P / R | ranking first / top 3 | dev with typos |")
	t.Logf("|---|---|---|---|---|---|---|---|---|---|")
	for _, mm := range conversation.MatchMethods {
		m := mm.New(cat.Topics())
		r := evaluate(m, rows)
		rt := evaluate(m, typos)
		t.Logf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f / %.2f | %.3f / %.3f | %.3f |", mm.Name,
			r.slice("dev").acc(), r.slice("heldout").acc(), r.slice("fresh").acc(), r.slice("all").acc(),
			r.slice("en").acc(), r.slice("es").acc(), r.precision(), r.recall(),
			ratio(r.first, r.ranked), ratio(r.inTop3, r.ranked), rt.slice("all").acc())
	}
}
