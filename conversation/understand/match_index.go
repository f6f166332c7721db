package understand

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

func (m *Matcher) addWord(w string) int32 {
	if id, ok := m.lex[w]; ok {
		return id
	}
	id := int32(len(m.words))
	m.lex[w] = id
	m.words = append(m.words, lexWord{word: w, stop: stopwords[w] && !negations[w], term: [2]int32{-1, -1}})
	return id
}

func (m *Matcher) buildSynonyms() {
	m.synStem = [2]map[string]int{{}, {}}
	for gi, g := range synonyms {
		var multi []string
		for li, list := range [][]string{g.en, g.es} {
			for _, w := range list {
				nw := normalizeWords(w)
				if len(nw) != 1 {
					multi = append(multi, w)
					continue
				}
				m.synWord[nw[0]] = gi
				m.addWord(nw[0])
				m.synStem[li][m.stem(li, nw[0])] = gi
			}
		}
		for _, list := range [][]string{g.phrases, g.consume, multi} {
			for _, p := range list {
				var ids []int32
				for _, w := range normalizeWords(p) {
					ids = append(ids, m.addWord(w))
				}
				if len(ids) == 0 {
					continue
				}
				if len(ids) == 1 && !slices.Contains(g.consume, p) {
					m.synWord[m.words[ids[0]].word] = gi
					continue
				}
				m.phrases[ids[0]] = append(m.phrases[ids[0]], phrase{
					words: ids, consume: slices.Contains(g.consume, p), group: int16(gi),
					termStr: "#" + g.name, term: [2]int32{-1, -1},
				})
			}
		}
	}
	for head := range m.phrases {
		// Longest first, so "domicilio fiscal" wins over "domicilio".
		sort.SliceStable(m.phrases[head], func(i, j int) bool {
			return len(m.phrases[head][i].words) > len(m.phrases[head][j].words)
		})
	}
	for w := range negations {
		m.addWord(w)
	}
	for w := range stopwords {
		m.addWord(w)
	}
}

// termString is the index term of word w in language li: its synonym
// concept if it has one, else its stem. group, the synonym group, is
// reported whatever the options, so that the methods compared differ only
// in their terms and not in how they tell Cl@ve questions from others.
func (m *Matcher) termString(li int, w string) (term string, group int16) {
	s := w
	if m.opt.stem {
		s = m.stem(li, w)
	}
	g, ok := m.synWord[w]
	if !ok {
		st := s
		if !m.opt.stem {
			st = m.stem(li, w)
		}
		g, ok = m.synStem[li][st]
	}
	group = -1
	if ok {
		group = int16(g)
	}
	switch {
	case !m.opt.synonyms:
		return s, group
	case negations[w]:
		return "#neg", -1
	case ok:
		return "#" + synonyms[g].name, group
	}
	return s, -1
}

// prestem fills the build-time memo for every known word, one language per
// goroutine: stemming is most of the cost of building the index, and
// `clavebot ask` pays it on every start.
func (m *Matcher) prestem() {
	if m.stems[0] == nil {
		return
	}
	cache := stemCache()
	var wg sync.WaitGroup
	for li := range Langs {
		memo := m.stems[li]
		wg.Go(func() {
			for _, w := range m.words {
				if _, ok := memo[w.word]; ok {
					continue
				}
				if s, ok := cache[w.word]; ok {
					memo[w.word] = s[li]
					continue
				}
				memo[w.word] = stem(Langs[li], w.word)
			}
		})
	}
	wg.Wait()
}

// stem stems w in language li, through the build-time memo when there is one.
func (m *Matcher) stem(li int, w string) string {
	memo := m.stems[li]
	if memo == nil {
		return stem(Langs[li], w)
	}
	if s, ok := memo[w]; ok {
		return s
	}
	s := stem(Langs[li], w)
	memo[w] = s
	return s
}

// docTerms accumulates the term frequencies of one field.
type docTerms map[string]float64

func (m *Matcher) buildIndex(topics []*Topic) {
	// Every knowledge-base word enters the lexicon before any term is
	// computed, so the index and the questions share one analysis.
	var fields []indexField
	for ti, t := range topics {
		for li, l := range Langs {
			add := func(weight float64, example bool, texts ...string) {
				if weight <= 0 {
					return
				}
				f := indexField{topic: ti, li: li, weight: weight, example: example}
				for _, s := range texts {
					var ids []int32
					for _, w := range normalizeWords(s) {
						id := m.addWord(w)
						m.words[id].count++
						ids = append(ids, id)
					}
					f.words = append(f.words, ids)
				}
				fields = append(fields, f)
			}
			add(m.opt.wTitle, true, t.Title[l])
			add(m.opt.wQuestion, true, t.Questions[l]...)
			add(m.opt.wKeyword, false, t.Keywords[l]...)
			add(m.opt.wShort, false, t.Short[l])
		}
	}
	m.prestem()
	for id := range m.words {
		w := &m.words[id]
		w.group = -1
		for li := range Langs {
			var g int16
			w.termStr[li], g = m.termString(li, w.word)
			if w.group < 0 {
				w.group = g
			}
		}
	}
	// The two languages share the lexicon but nothing else from here on,
	// so each is indexed on its own core: this is start-up time of every
	// `clavebot ask`.
	var wg sync.WaitGroup
	for li := range Langs {
		wg.Go(func() { m.idx[li] = m.buildLang(li, len(topics), fields) })
	}
	wg.Wait()
}

// indexField is one weighted text field of one topic in one language.
type indexField struct {
	topic, li int
	weight    float64
	words     [][]int32
	example   bool // each text is also an example for the nearest-question score
}

// buildLang builds the index of language li from its fields. It writes
// only the li-th slot of the words' and phrases' term arrays.
func (m *Matcher) buildLang(li, n int, fields []indexField) langIndex {
	tf := make([]docTerms, n)
	dl := make([]float64, n)
	for ti := range n {
		tf[ti] = docTerms{}
	}
	type exampleTerms struct {
		topic int
		terms []string
	}
	var examples []exampleTerms
	var buf []qtoken
	var seq []string
	for _, f := range fields {
		if f.li != li {
			continue
		}
		for _, ids := range f.words {
			buf = buf[:0]
			for _, id := range ids {
				buf = append(buf, qtoken{lex: id, weight: 1, stop: m.words[id].stop})
			}
			seq = seq[:0]
			m.eachTerm(li, buf, func(term string, _ int32, _ float32) {
				tf[f.topic][term] += f.weight
				dl[f.topic] += f.weight
				seq = append(seq, term)
			})
			if m.opt.bigrams {
				for i := 1; i < len(seq); i++ {
					if seq[i-1] != seq[i] {
						tf[f.topic][seq[i-1]+" "+seq[i]] += f.weight
					}
				}
			}
			if f.example && len(seq) > 0 {
				examples = append(examples, exampleTerms{topic: f.topic, terms: slices.Clone(seq)})
			}
		}
	}
	ix := buildLangIndex(tf, dl, m.opt.k1, m.opt.b)
	for id := range m.words {
		w := &m.words[id]
		if t, ok := ix.dict[w.termStr[li]]; ok {
			w.term[li] = t
		}
	}
	for head := range m.phrases {
		for i := range m.phrases[head] {
			p := &m.phrases[head][i]
			if t, ok := ix.dict[p.termStr]; ok {
				p.term[li] = t
			}
		}
	}
	ix.bigram = map[uint64]int32{}
	for term, id := range ix.dict {
		if a, b, ok := strings.Cut(term, " "); ok {
			ix.bigram[pairKey(ix.dict[a], ix.dict[b])] = id
		}
	}
	ix.exPost = make([][]int32, len(ix.idf))
	for ei, ex := range examples {
		var norm float32
		for _, term := range slices.Compact(slices.Sorted(slices.Values(ex.terms))) {
			id := ix.dict[term]
			norm += ix.idf[id]
			ix.exPost[id] = append(ix.exPost[id], int32(ei))
		}
		ix.exTopic = append(ix.exTopic, int32(ex.topic))
		ix.exNorm = append(ix.exNorm, norm)
	}
	return ix
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func buildLangIndex(tf []docTerms, dl []float64, k1, b float64) langIndex {
	n := len(tf)
	ix := langIndex{dict: map[string]int32{}}
	var avg float64
	for _, d := range dl {
		avg += d
	}
	if n > 0 {
		avg /= float64(n)
	}
	if avg == 0 {
		avg = 1
	}
	df := map[string]int{}
	var terms []string
	for _, doc := range tf {
		for term := range doc {
			if df[term] == 0 {
				terms = append(terms, term)
			}
			df[term]++
		}
	}
	sort.Strings(terms)
	idf := func(d int) float64 { return math.Log(1 + (float64(n)-float64(d)+0.5)/(float64(d)+0.5)) }
	ix.idf = make([]float32, len(terms))
	ix.post = make([][]posting, len(terms))
	for i, term := range terms {
		ix.dict[term] = int32(i)
		ix.idf[i] = float32(idf(df[term]))
	}
	ix.idfUnknown = float32(idf(0))
	for ti, doc := range tf {
		norm := k1 * (1 - b + b*dl[ti]/avg)
		for term, f := range doc {
			i := ix.dict[term]
			w := float64(ix.idf[i]) * f * (k1 + 1) / (f + norm)
			ix.post[i] = append(ix.post[i], posting{topic: int32(ti), w: float32(w)})
		}
	}
	for i := range ix.post {
		slices.SortFunc(ix.post[i], func(a, b posting) int { return int(a.topic - b.topic) })
	}
	return ix
}
