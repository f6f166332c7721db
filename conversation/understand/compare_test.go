package understand

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
)

// ranker is anything that reads a question into a topic verdict.
type ranker interface{ Match(string) MatchResult }

// method is one of the ways of reading questions compared in
// docs/matching.md; answer says what the user would receive.
type method struct {
	name   string
	answer func(q string) (topic string, kind string)
}

// rawAnswer turns a matcher's own verdict into what the user receives.
func rawAnswer(r ranker) func(string) (string, string) {
	return func(q string) (string, string) {
		res := r.Match(q)
		switch {
		case res.Verdict == matchOut || len(res.Candidates) == 0:
			return "", "oos"
		case res.Verdict == matchUnsure:
			return "", "clarify"
		}
		return res.Candidates[0].TopicID, "answer"
	}
}

// calibratedAnswer uses the calibrated verdict over a matcher's scores.
func calibratedAnswer(m *Matcher) func(string) (string, string) {
	return func(q string) (string, string) {
		r := read(q)
		cands, v := calibrate(m.matchWords(r.norm, nil, ""))
		switch v {
		case OutOfScope:
			return "", "oos"
		case Between:
			return "", "clarify"
		case Unclear:
			return "", "unclear"
		}
		return cands[0].TopicID, "answer"
	}
}

func compareMethods(topics []*Topic) []method {
	with := func(edit func(*matchOptions)) *Matcher {
		o := defaultOptions()
		edit(&o)
		return newMatcher(topics, o)
	}
	plain := func(o *matchOptions) {
		o.stem, o.synonyms, o.typos, o.bigrams = false, false, false, false
		o.wShort, o.nearest = 0, 0
	}
	full := NewMatcher(topics)
	ip := New(topics)
	return []method{
		{"a. Jaccard, best example (own threshold)", rawAnswer(newBaseline(topics, true, 0.2))},
		{"b. TF-IDF cosine (own threshold)", rawAnswer(newBaseline(topics, false, 0.1))},
		{"c. BM25F, words only (score thresholds)", rawAnswer(with(plain))},
		{"d. BM25F + stems, synonyms, typos, pairs, nearest example (score thresholds)", rawAnswer(full)},
		{"e. d with calibrated scores, one threshold", calibratedAnswer(full)},
		{"f. e inside the interpreter (off-topic words, two questions)", func(q string) (string, string) {
			in := ip.Interpret(q, Context{})
			switch in.Verdict {
			case OutOfScope:
				return "", "oos"
			case Between:
				return "", "clarify"
			case Unclear:
				return "", "unclear"
			}
			return in.Topics[0].TopicID, "answer"
		}},
	}
}

// TestCompareMethods logs the comparison table of docs/matching.md: for
// each method, what users asking the questions of testdata/eval.tsv would
// receive, per split. A "did you mean" or a refusal is not an answer.
func TestCompareMethods(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../testdata/eval.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type row struct{ split, topic, q string }
	var rows []row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p := strings.SplitN(sc.Text(), "\t", 4); len(p) == 4 && p[0] != "split" {
			rows = append(rows, row{p[0], p[2], p[3]})
		}
	}
	t.Log("| method | answered right: dev | held-out | fresh | did you mean | refused in scope | wrong answer | out of scope refused |")
	t.Log("|---|---|---|---|---|---|---|---|")
	for _, m := range compareMethods(cat.Topics()) {
		right := map[string][2]int{}
		var in, clarify, refused, wrong, oos, oosRight int
		for _, r := range rows {
			topic, kind := m.answer(r.q)
			if r.topic == "out_of_scope" {
				oos++
				if kind == "oos" {
					oosRight++
				}
				continue
			}
			in++
			c := right[r.split]
			c[1]++
			switch {
			case kind == "answer" && topic == r.topic:
				c[0]++
			case kind == "clarify":
				clarify++
			case kind == "oos":
				refused++
			case kind == "answer":
				wrong++
			}
			right[r.split] = c
		}
		p := func(a, b int) string { return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b)) }
		t.Logf("| %s | %s | %s | %s | %s | %s | %s | %s |", m.name,
			p(right["dev"][0], right["dev"][1]), p(right["heldout"][0], right["heldout"][1]), p(right["fresh"][0], right["fresh"][1]),
			p(clarify, in), p(refused, in), p(wrong, in), p(oosRight, oos))
	}
}
