package understand

import (
	"math"
	"sort"
	"strings"
)

// baseline holds the two simple methods the BM25 matcher is measured
// against; they are kept so that the comparison can be rerun.
type baseline struct {
	jaccard   bool
	threshold float64

	units [][]map[string]bool // per topic: the word set of each title, question and keyword list
	vecs  []map[string]float64
	idf   map[string]float64
	ids   []string
}

func contentWords(s string) []string {
	var out []string
	for _, w := range normalizeWords(s) {
		if !stopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

func newBaseline(topics []*Topic, jaccard bool, threshold float64) *baseline {
	b := &baseline{idf: map[string]float64{}, jaccard: jaccard, threshold: threshold}
	tfs := make([]map[string]float64, len(topics))
	df := map[string]int{}
	for ti, t := range topics {
		b.ids = append(b.ids, t.ID)
		var units []map[string]bool
		tf := map[string]float64{}
		for _, l := range Langs {
			texts := append([]string{t.Title[l], strings.Join(t.Keywords[l], " ")}, t.Questions[l]...)
			for _, s := range texts {
				u := map[string]bool{}
				for _, w := range contentWords(s) {
					u[w] = true
					tf[w]++
				}
				if len(u) > 0 {
					units = append(units, u)
				}
			}
		}
		b.units = append(b.units, units)
		tfs[ti] = tf
		for w := range tf {
			df[w]++
		}
	}
	n := float64(len(topics))
	for w, d := range df {
		b.idf[w] = math.Log((n + 1) / float64(d))
	}
	for _, tf := range tfs {
		b.vecs = append(b.vecs, b.vector(tf))
	}
	return b
}

func (b *baseline) vector(tf map[string]float64) map[string]float64 {
	v := map[string]float64{}
	var norm float64
	for w, f := range tf {
		x := (1 + math.Log(f)) * b.idf[w]
		v[w] = x
		norm += x * x
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for w := range v {
			v[w] /= norm
		}
	}
	return v
}

func (b *baseline) Match(text string) MatchResult {
	words := contentWords(text)
	scores := make([]float64, len(b.ids))
	switch {
	case b.jaccard:
		q := map[string]bool{}
		for _, w := range words {
			q[w] = true
		}
		for ti, units := range b.units {
			for _, u := range units {
				inter := 0
				for w := range q {
					if u[w] {
						inter++
					}
				}
				if union := len(q) + len(u) - inter; union > 0 {
					scores[ti] = max(scores[ti], float64(inter)/float64(union))
				}
			}
		}
	default:
		tf := map[string]float64{}
		for _, w := range words {
			if _, ok := b.idf[w]; ok {
				tf[w]++
			}
		}
		q := b.vector(tf)
		// Words the knowledge base has never seen still make the
		// question less about it.
		known := len(tf)
		for ti, v := range b.vecs {
			for w, x := range q {
				scores[ti] += x * v[w]
			}
			if len(words) > 0 {
				scores[ti] *= math.Sqrt(float64(known) / float64(len(words)))
			}
		}
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return scores[order[i]] > scores[order[j]] })
	var r MatchResult
	for _, ti := range order[:min(maxCandidates, len(order))] {
		if scores[ti] > 0 {
			r.Candidates = append(r.Candidates, Candidate{TopicID: b.ids[ti], Score: scores[ti]})
		}
	}
	switch {
	case len(r.Candidates) == 0 || r.Candidates[0].Score < b.threshold:
		r.Verdict = matchOut
	case len(r.Candidates) > 1 && r.Candidates[1].Score > 0.8*r.Candidates[0].Score:
		r.Verdict = matchUnsure
	default:
		r.Verdict = matchConfident
	}
	return r
}
