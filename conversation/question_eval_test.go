package conversation_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
)

const outOfScope = "out_of_scope"

// evalRow is one question of testdata/eval.tsv and the topic whose answer
// it needs.
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
	return rows
}

// answerTally counts what users received for one slice of questions.
type answerTally struct{ n, hit, clarify, refused, wrong, oosRight, oos int }

func (a answerTally) String() string {
	in := a.n - a.oos
	return fmt.Sprintf("| %s | %s | %s | %s | %s |",
		pct(a.hit, in), pct(a.clarify, in), pct(a.refused, in), pct(a.wrong, in), pct(a.oosRight, a.oos))
}

// TestQuestionAnswers asks every question of testdata/eval.tsv as a new
// user and scores the reply: the right topic answered is a hit; a "did you
// mean", an out-of-scope refusal or another answer is a miss, each
// counted apart. Run with -v for the table and the dev misses.
func TestQuestionAnswers(t *testing.T) {
	cat := mustCatalog(t)
	rows := loadEval(t)
	now := time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)
	e := conversation.NewEngine(cat, conversation.WithClock(func() time.Time { return now }))
	slices := map[string]*answerTally{}
	var misses []string
	for _, row := range rows {
		if row.topic != outOfScope && cat.Topic(row.topic) == nil {
			t.Errorf("eval.tsv:%d: unknown topic %q", row.line, row.topic)
			continue
		}
		var u conversation.User
		u.Lang, u.Created = conversation.Lang(row.lang), now // no welcome: only the answer counts
		d := e.Handle(&u, conversation.Input{Text: row.question})
		kind := replyKind(d)
		for _, k := range []string{"all", row.split, row.split + "/" + row.lang} {
			a := slices[k]
			if a == nil {
				a = &answerTally{}
				slices[k] = a
			}
			a.n++
			switch {
			case row.topic == outOfScope:
				a.oos++
				if kind == "oos" {
					a.oosRight++
				}
			case kind == "clarify":
				a.clarify++
			case kind == "oos":
				a.refused++
			case d.Topic == row.topic:
				a.hit++
			default:
				a.wrong++
			}
		}
		right := (row.topic == outOfScope) == (kind == "oos") && (row.topic == outOfScope || d.Topic == row.topic && kind == "answer")
		if !right && row.split == "dev" {
			misses = append(misses, fmt.Sprintf("line %d %s want %s, got %s %q: %q", row.line, row.lang, row.topic, kind, d.Topic, row.question))
		}
	}
	t.Log("| slice | answered right | did you mean | refused in scope | other answer | out of scope refused |")
	t.Log("|---|---|---|---|---|---|")
	for _, k := range []string{"all", "dev", "dev/en", "dev/es", "heldout", "heldout/en", "heldout/es", "fresh", "fresh/en", "fresh/es"} {
		if a := slices[k]; a != nil {
			t.Logf("| %s %s", k, a.String())
		}
	}
	if testing.Verbose() {
		for _, m := range misses {
			t.Log("miss: " + m)
		}
	}
	for _, k := range []string{"heldout", "fresh"} {
		a := slices[k]
		if a == nil {
			continue
		}
		if in := a.n - a.oos; float64(a.clarify) > 0.05*float64(in) {
			t.Errorf("%s: \"did you mean\" on %d of %d in-scope questions, want at most 5%%", k, a.clarify, in)
		}
	}
}
