package conversation

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Matcher finds the knowledge-base topic a free-text question is about.
//
// The knowledge base is indexed once per language: each topic is a
// document whose fields are its title, its example questions and its
// keywords, stemmed with that language's Snowball stemmer, and scored with
// BM25F. A question is read both ways and scored against both indexes,
// because people mix languages and a short question often cannot be told
// apart. docs/matching.md records why this method won and by how much.
type Matcher struct {
	opt    matchOptions
	topics []string

	// lex maps every word the matcher knows (the knowledge base, the
	// synonyms, the stopwords) to its precomputed analysis, so that a
	// question made of known words needs neither stemming nor allocation.
	lex     map[string]int32
	words   []lexWord
	phrases map[int32][]phrase
	synWord map[string]int // surface word -> synonym group
	synStem [2]map[string]int
	idx     [2]langIndex
	typo    typoIndex

	base *baseline // only for the comparison methods

	// stems remembers stems while the index is built, where the same
	// words recur thousands of times; nil afterwards.
	stems [2]map[string]string

	pool sync.Pool
}

// Candidate is a topic the question may be about.
type Candidate struct {
	TopicID string
	Score   float64
}

// MatchResult is what the matcher understood of one message.
type MatchResult struct {
	Lang       Lang        // language detected from the text ("" if unclear)
	Candidates []Candidate // best first, at most 3
	Verdict    Verdict
}

// Verdict says how the engine should use a MatchResult.
type Verdict int

// The verdicts, from "not about Cl@ve" to "this is the topic".
const (
	OutOfScope Verdict = iota // nothing about Cl@ve: the bot says it only helps with Cl@ve
	Unsure                    // about Cl@ve but no clear topic: "did you mean" with Candidates
	Confident                 // Candidates[0] is the answer
)

// maxCandidates is the number of "did you mean" buttons a chat can show
// without burying the menu.
const maxCandidates = 3

// maxQueryWords bounds the words read from one message; a question has
// far fewer, and the cost of a pasted text stays flat.
const maxQueryWords = 256

// Typo correction is the costly step for an unknown word, so a message
// full of unknown words (a paste, another language) gets only a few tries,
// and only on words of plausible length.
const (
	maxTypoFixes = 16
	maxTypoBytes = 24
)

type method int

const (
	methodJaccard method = iota // best Jaccard overlap with one example question
	methodTFIDF                 // TF-IDF cosine against the whole topic
	methodBM25                  // BM25F per language
)

// matchOptions is the switch between the methods compared in
// docs/matching.md; only defaultOptions is used outside tests.
type matchOptions struct {
	method   method
	stem     bool
	synonyms bool
	typos    bool

	k1, b                       float64
	wTitle, wQuestion, wKeyword float64
	wShort                      float64 // 0: the answers are not indexed
	otherLang                   float64 // weight of the index of the language the text is not in
	typoWeight                  float64
	bigrams                     bool
	bigramWeight                float64
	nearest                     float64 // weight of the nearest-question score against BM25F

	// Verdict thresholds. cov is the share of the question's information
	// (idf) that the best topic explains; domain is whether the question
	// names something only Cl@ve questions name.
	minCov         float64 // below, with strong domain words: out of scope
	minCovWeak     float64 // below, with weak domain words only: out of scope
	minCovNoDomain float64 // below, without domain words: out of scope
	confCov        float64 // at or above, with a clear lead: confident
	confLead       float64 // second score / first score at most this: clear lead
	baseThreshold  float64 // out-of-scope score threshold of the baselines
}

func defaultOptions() matchOptions {
	return matchOptions{
		method: methodBM25, stem: true, synonyms: true, typos: true,
		k1: 1.2, b: 0.5,
		wTitle: 2, wQuestion: 1, wKeyword: 1.5, wShort: 0.2,
		otherLang:  0.9,
		typoWeight: 0.8,
		bigrams:    true, bigramWeight: 0.5,
		nearest: 1,
		minCov:  0.1, minCovWeak: 0.3, minCovNoDomain: 0.6,
		confCov: 0.2, confLead: 0.9,
		baseThreshold: 0.1,
	}
}

// lexWord is the precomputed reading of one known word.
type lexWord struct {
	word    string
	stop    bool
	group   int16    // synonym group, -1 if none: domain evidence
	term    [2]int32 // term id in each language's index, -1 if absent
	termStr [2]string
	count   int32 // occurrences in the knowledge base: ranks typo fixes
}

// phrase is a multi-word name of a synonym concept.
type phrase struct {
	words   []int32
	consume bool
	group   int16
	term    [2]int32
	termStr string
}

type posting struct {
	topic int32
	w     float32 // the whole BM25F contribution of the term to the topic
}

type langIndex struct {
	dict       map[string]int32
	idf        []float32
	post       [][]posting
	idfUnknown float32 // a word the index has never seen: as rare as it gets
	bigram     map[uint64]int32

	// The example questions, for the nearest-question score: which
	// examples hold each term, each example's topic and total idf.
	exPost  [][]int32
	exTopic []int32
	exNorm  []float32
}

// NewMatcher indexes the topics. It does all the work that does not depend
// on the question, so that Match stays within a few microseconds.
func NewMatcher(topics []*Topic) *Matcher {
	return newMatcher(topics, defaultOptions(), nil)
}

// newCatalogMatcher builds the matcher of a catalogue, reusing the stems
// compiled with it.
func newCatalogMatcher(c *Catalog) *Matcher {
	return newMatcher(c.Topics(), defaultOptions(), c.stems)
}

func newMatcher(topics []*Topic, opt matchOptions, stems map[string][2]string) *Matcher {
	m := &Matcher{opt: opt, lex: map[string]int32{}, phrases: map[int32][]phrase{}, synWord: map[string]int{}}
	for _, t := range topics {
		if t != nil {
			m.topics = append(m.topics, t.ID)
		}
	}
	topics = slices.DeleteFunc(slices.Clone(topics), func(t *Topic) bool { return t == nil })
	if opt.method != methodBM25 {
		m.base = newBaseline(topics, opt)
		return m
	}
	m.stems = [2]map[string]string{make(map[string]string, len(stems)), make(map[string]string, len(stems))}
	for w, st := range stems {
		m.stems[0][w], m.stems[1][w] = st[0], st[1]
	}
	m.buildSynonyms()
	m.buildIndex(topics)
	m.stems = [2]map[string]string{}
	if opt.typos {
		// Most questions need no typo fix, so a one-off `clavebot ask`
		// should not wait for this index: it is built in the background
		// and the first fix waits for it.
		m.typo.ready = make(chan struct{})
		go func() {
			defer close(m.typo.ready)
			m.typo.build(m.words)
		}()
	}
	m.pool.New = func() any { return m.newScratch() }
	return m
}

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
	var wg sync.WaitGroup
	for li := range Langs {
		memo := m.stems[li]
		wg.Go(func() {
			for _, w := range m.words {
				if _, ok := memo[w.word]; !ok {
					memo[w.word] = stem(Langs[li], w.word)
				}
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
	type field struct {
		topic, li int
		weight    float64
		words     [][]int32
		example   bool // each text is also an example for the nearest-question score
	}
	var fields []field
	for ti, t := range topics {
		for li, l := range Langs {
			add := func(weight float64, example bool, texts ...string) {
				if weight <= 0 {
					return
				}
				f := field{topic: ti, li: li, weight: weight, example: example}
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
	n := len(topics)
	tf := [2][]docTerms{make([]docTerms, n), make([]docTerms, n)}
	dl := [2][]float64{make([]float64, n), make([]float64, n)}
	for li := range Langs {
		for ti := range n {
			tf[li][ti] = docTerms{}
		}
	}
	type exampleTerms struct {
		topic int
		terms []string
	}
	var examples [2][]exampleTerms
	var buf []qtoken
	var seq []string
	for _, f := range fields {
		for _, ids := range f.words {
			buf = buf[:0]
			for _, id := range ids {
				buf = append(buf, qtoken{lex: id, weight: 1, stop: m.words[id].stop})
			}
			seq = seq[:0]
			m.eachTerm(f.li, buf, func(term string, _ int32, _ float32) {
				tf[f.li][f.topic][term] += f.weight
				dl[f.li][f.topic] += f.weight
				seq = append(seq, term)
			})
			if m.opt.bigrams {
				for i := 1; i < len(seq); i++ {
					if seq[i-1] != seq[i] {
						tf[f.li][f.topic][seq[i-1]+" "+seq[i]] += f.weight
					}
				}
			}
			if f.example && len(seq) > 0 {
				examples[f.li] = append(examples[f.li], exampleTerms{topic: f.topic, terms: slices.Clone(seq)})
			}
		}
	}
	for li := range Langs {
		ix := buildLangIndex(tf[li], dl[li], m.opt.k1, m.opt.b)
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
		for ei, ex := range examples[li] {
			var norm float32
			for _, term := range slices.Compact(slices.Sorted(slices.Values(ex.terms))) {
				id := ix.dict[term]
				norm += ix.idf[id]
				ix.exPost[id] = append(ix.exPost[id], int32(ei))
			}
			ix.exTopic = append(ix.exTopic, int32(ex.topic))
			ix.exNorm = append(ix.exNorm, norm)
		}
		m.idx[li] = ix
	}
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

// qtoken is one word of a question: a known word (lex >= 0), or a word
// known only through its stem (term), or an unknown word (neither).
// Stopwords are kept only so that phrases such as "sign up" can be read.
type qtoken struct {
	lex    int32
	term   [2]int32
	weight float32
	group  int16
	stop   bool
}

// eachTerm walks the terms of a sequence of content words in language li,
// reading phrases first. It is shared by indexing and matching so that
// both see the same terms.
func (m *Matcher) eachTerm(li int, toks []qtoken, emit func(term string, id int32, weight float32)) {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.lex >= 0 {
			if p, ok := m.matchPhrase(toks, i); ok && m.opt.synonyms {
				emit(p.termStr, p.term[li], t.weight)
				if p.consume {
					i += len(p.words) - 1
					continue
				}
			}
			if t.stop {
				continue
			}
			w := &m.words[t.lex]
			emit(w.termStr[li], w.term[li], t.weight)
			continue
		}
		emit("", t.term[li], t.weight)
	}
}

func (m *Matcher) matchPhrase(toks []qtoken, i int) (*phrase, bool) {
	ps := m.phrases[toks[i].lex]
	for pi := range ps {
		p := &ps[pi]
		if i+len(p.words) > len(toks) {
			continue
		}
		ok := true
		for k, w := range p.words {
			if toks[i+k].lex != w {
				ok = false
				break
			}
		}
		if ok {
			return p, true
		}
	}
	return nil, false
}

// scratch is the per-call working memory of Match, pooled so that a
// question costs no allocation beyond its result.
type scratch struct {
	norm   []byte
	toks   []qtoken
	qterms [2][]qterm
	score  [2][]float32
	cover  [2][]float32
	near   [2][]float32
	exSum  [2][]float32
	denom  [2]float32
	final  []float32
	from   []int8
}

type qterm struct {
	id     int32
	w      float32
	bigram bool
}

func (m *Matcher) newScratch() *scratch {
	n := len(m.topics)
	s := &scratch{final: make([]float32, n), from: make([]int8, n)}
	for li := range Langs {
		s.score[li] = make([]float32, n)
		s.cover[li] = make([]float32, n)
		s.near[li] = make([]float32, n)
		s.exSum[li] = make([]float32, len(m.idx[li].exTopic))
	}
	return s
}

// Match reads one message and says which topic it is about, if any.
func (m *Matcher) Match(text string) MatchResult {
	lang, _ := DetectLang(text)
	if m == nil || len(m.topics) == 0 {
		return MatchResult{Lang: lang}
	}
	if m.base != nil {
		r := m.base.match(text, m.opt)
		r.Lang = lang
		return r
	}
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	r := m.match(s, text, lang)
	r.Lang = lang
	return r
}

func (m *Matcher) match(s *scratch, text string, lang Lang) MatchResult {
	s.norm = appendNormalized(s.norm[:0], text)
	s.toks = s.toks[:0]
	var dom domainEvidence
	fixes := maxTypoFixes
	for rest := s.norm; len(rest) > 0; {
		var tok []byte
		if i := indexByte(rest, ' '); i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
		} else {
			tok, rest = rest, nil
		}
		t := m.readToken(tok, &fixes)
		dom.add(t.group)
		s.toks = append(s.toks, t)
		if len(s.toks) == maxQueryWords {
			break
		}
	}
	for i := range s.toks {
		// Phrases such as "domicilio fiscal" are domain evidence
		// although their words are not.
		if s.toks[i].lex >= 0 {
			if p, ok := m.matchPhrase(s.toks, i); ok {
				dom.add(p.group)
			}
		}
	}
	for li := range Langs {
		m.queryTerms(s, li)
		m.scoreLang(s, li)
	}
	n := len(m.topics)
	lw := [2]float32{1, 1}
	switch lang {
	case English:
		lw[1] = float32(m.opt.otherLang)
	case Spanish:
		lw[0] = float32(m.opt.otherLang)
	}
	var top float32
	for li := range Langs {
		for ti := range n {
			top = max(top, s.score[li][ti]*lw[li])
		}
	}
	if top <= 0 {
		return MatchResult{Verdict: OutOfScope}
	}
	near := float32(m.opt.nearest)
	for ti := range n {
		s.final[ti] = -1
		for li := range Langs {
			v := lw[li] * (s.score[li][ti]/top + near*s.near[li][ti])
			if v > s.final[ti] {
				s.final[ti], s.from[ti] = v, int8(li)
			}
		}
	}
	var best [maxCandidates]int
	k := 0
	for ti := range n {
		if s.final[ti] <= 0 {
			continue
		}
		pos := k
		for pos > 0 && s.final[best[pos-1]] < s.final[ti] {
			pos--
		}
		if pos >= maxCandidates {
			continue
		}
		if k < maxCandidates {
			k++
		}
		copy(best[pos+1:k], best[pos:k-1])
		best[pos] = ti
	}
	if k == 0 {
		return MatchResult{Verdict: OutOfScope}
	}
	first := best[0]
	li := s.from[first]
	cov := 0.0
	if s.denom[li] > 0 {
		cov = float64(s.cover[li][first] / s.denom[li])
	}
	s1 := float64(s.final[first])
	lead := 0.0
	if k > 1 {
		lead = float64(s.final[best[1]]) / s1
	}
	cands := make([]Candidate, 0, k)
	for _, ti := range best[:k] {
		if float64(s.final[ti]) < 0.35*s1 {
			break
		}
		cands = append(cands, Candidate{TopicID: m.topics[ti], Score: float64(s.final[ti])})
	}
	v := Unsure
	switch {
	case cov < m.opt.minCov,
		dom.level < strong && cov < m.opt.minCovWeak,
		dom.level == 0 && cov < m.opt.minCovNoDomain:
		v = OutOfScope
	case cov >= m.opt.confCov && lead <= m.opt.confLead:
		v = Confident
	}
	return MatchResult{Candidates: cands, Verdict: v}
}

// queryTerms lists the distinct terms of the question in language li:
// its words, phrases and, when enabled, pairs of adjacent terms.
func (m *Matcher) queryTerms(s *scratch, li int) {
	ix := &m.idx[li]
	q := s.qterms[li][:0]
	prev := int32(-1)
	m.eachTerm(li, s.toks, func(_ string, id int32, w float32) {
		if m.opt.bigrams && prev >= 0 && id >= 0 && prev != id {
			if b, ok := ix.bigram[pairKey(prev, id)]; ok {
				q = append(q, qterm{id: b, w: w * float32(m.opt.bigramWeight), bigram: true})
			}
		}
		prev = id
		if id >= 0 {
			for k := range q {
				if q[k].id == id {
					q[k].w = max(q[k].w, w)
					return
				}
			}
		}
		q = append(q, qterm{id: id, w: w})
	})
	s.qterms[li] = q
}

// domainEvidence sums up how surely a question is about Cl@ve: one
// strong word, or two different weak ones ("letter" and "code"), make it
// strong; a lone weak word ("cover letter") stays weak.
type domainEvidence struct {
	level evidence
	weak  int16
	seen  bool
}

func (d *domainEvidence) add(group int16) {
	if group < 0 {
		return
	}
	switch synonyms[group].domain {
	case strong:
		d.level = strong
	case weak:
		switch {
		case !d.seen:
			d.seen, d.weak = true, group
			d.level = max(d.level, weak)
		case d.weak != group:
			d.level = strong
		}
	}
}

func indexByte(b []byte, c byte) int {
	for i := range b {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// scoreLang adds up the BM25F contributions of the question's terms in
// language li, how much of the question each topic explains, and how
// close the question comes to the topic's nearest example question.
func (m *Matcher) scoreLang(s *scratch, li int) {
	ix := &m.idx[li]
	clear(s.score[li])
	clear(s.cover[li])
	clear(s.near[li])
	near := m.opt.nearest > 0
	if near {
		clear(s.exSum[li])
	}
	s.denom[li] = 0
	for _, q := range s.qterms[li] {
		if q.id < 0 {
			s.denom[li] += q.w * ix.idfUnknown
			continue
		}
		idf := ix.idf[q.id]
		for _, p := range ix.post[q.id] {
			s.score[li][p.topic] += q.w * p.w
			if !q.bigram {
				s.cover[li][p.topic] += q.w * idf
			}
		}
		if q.bigram {
			continue
		}
		s.denom[li] += q.w * idf
		if near {
			for _, e := range ix.exPost[q.id] {
				s.exSum[li][e] += q.w * idf
			}
		}
	}
	if !near || s.denom[li] == 0 {
		return
	}
	for e, sum := range s.exSum[li] {
		if sum == 0 {
			continue
		}
		// The cosine of the two word sets, each word weighted by the
		// square root of its idf: a rare shared word counts for more
		// than a common one, and a long example gains nothing by length.
		sim := sum / float32(math.Sqrt(float64(s.denom[li]*ix.exNorm[e])))
		t := ix.exTopic[e]
		s.near[li][t] = max(s.near[li][t], sim)
	}
}

// readToken reads one normalised word of a question. Known words cost a
// map lookup; others are stemmed, and if still unknown, typo-corrected
// while *fixes lasts.
func (m *Matcher) readToken(tok []byte, fixes *int) qtoken {
	if id, ok := m.lex[string(tok)]; ok {
		w := &m.words[id]
		return qtoken{lex: id, term: w.term, weight: 1, group: w.group, stop: w.stop}
	}
	t := qtoken{lex: -1, term: [2]int32{-1, -1}, weight: 1, group: -1}
	if len(tok) > maxTokenBytes {
		return t
	}
	word := string(tok)
	found := false
	for li := range Langs {
		ts, g := m.termString(li, word)
		if id, ok := m.idx[li].dict[ts]; ok {
			t.term[li] = id
			if t.group < 0 {
				t.group = g
			}
			found = true
		}
	}
	if found || !m.opt.typos || *fixes <= 0 || len(tok) > maxTypoBytes {
		return t
	}
	*fixes--
	if id, dist := m.typo.correct(tok); id >= 0 {
		w := &m.words[id]
		// A two-letter fix can turn an unrelated word into a domain one
		// ("passport" into "password"), so only a one-letter fix counts
		// as evidence that the question is about Cl@ve.
		g := w.group
		if dist > 1 {
			g = -1
		}
		return qtoken{lex: id, term: w.term, weight: float32(m.opt.typoWeight), group: g}
	}
	return t
}

// typoIndex finds known words within a small edit distance of a word by
// symmetric deletion: two words are close if deleting up to k letters from
// each makes them equal, which costs a few map lookups instead of a scan
// of the vocabulary.
type typoIndex struct {
	ready chan struct{} // closed once build has finished
	head  map[string]int32
	next  []int32
	word  []int32
	words []lexWord
}

func (x *typoIndex) build(words []lexWord) {
	x.head = map[string]int32{}
	x.words = words
	seen := map[string]bool{}
	for id, w := range words {
		// Only words of the knowledge base itself are targets: the
		// synonym lists hold everyday words ("father") that a typo of
		// another everyday word ("gather") would land on.
		if w.stop || w.count == 0 || len(w.word) < 4 || len(w.word) > maxTokenBytes || !isASCII(w.word) || w.term == [2]int32{-1, -1} {
			continue
		}
		clear(seen)
		addDeletes(w.word, seen)
		if len(w.word) >= 6 {
			for _, d := range slices.Collect(maps.Keys(seen)) {
				addDeletes(d, seen)
			}
		}
		for d := range seen {
			x.word = append(x.word, int32(id))
			h, ok := x.head[d]
			if !ok {
				h = -1
			}
			x.next = append(x.next, h)
			x.head[d] = int32(len(x.word) - 1)
		}
	}
}

// addDeletes adds w and every string one deletion away from it.
func addDeletes(w string, into map[string]bool) {
	into[w] = true
	for i := range len(w) {
		into[w[:i]+w[i+1:]] = true
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// maxTypos is how many letters a word of n letters may have wrong: short
// words have too many neighbours to be corrected safely.
func maxTypos(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// correct returns the known word closest to tok and its distance, or -1.
func (x *typoIndex) correct(tok []byte) (id int32, dist int) {
	if x.ready != nil {
		<-x.ready
	}
	k := maxTypos(len(tok))
	if k == 0 || x.head == nil || !isASCII(string(tok)) {
		return -1, 0
	}
	best, bestD := int32(-1), k+1
	try := func(key []byte) {
		for e, ok := x.head[string(key)]; ok && e >= 0; e = x.next[e] {
			cand := x.word[e]
			if cand == best {
				continue
			}
			d := osaDistance(tok, x.words[cand].word, k)
			if d < bestD || d == bestD && best >= 0 && x.better(cand, best) {
				best, bestD = cand, d
			}
		}
	}
	var buf [maxTokenBytes]byte
	try(tok)
	for i := range tok {
		b := append(append(buf[:0], tok[:i]...), tok[i+1:]...)
		try(b)
		if k < 2 {
			continue
		}
		for j := i; j < len(b); j++ {
			var buf2 [maxTokenBytes]byte
			c := append(append(buf2[:0], b[:j]...), b[j+1:]...)
			try(c)
		}
	}
	if best < 0 || bestD > k {
		return -1, 0
	}
	return best, bestD
}

func (x *typoIndex) better(a, b int32) bool {
	wa, wb := &x.words[a], &x.words[b]
	if wa.count != wb.count {
		return wa.count > wb.count
	}
	return wa.word < wb.word
}

// osaDistance is the optimal-string-alignment distance (Levenshtein plus
// adjacent transpositions, the most common typing slip), giving up with
// limit+1 once the distance must exceed limit.
func osaDistance(a []byte, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	if len(a) > maxTokenBytes || len(b) > maxTokenBytes {
		return limit + 1
	}
	var r0, r1, r2 [maxTokenBytes + 1]int
	prev2, prev, cur := r0[:len(b)+1], r1[:len(b)+1], r2[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	prevMin := 0
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		// A transposition reaches back two rows, so only two hopeless
		// rows in a row prove the distance exceeds the limit.
		if rowMin > limit && prevMin > limit {
			return limit + 1
		}
		prevMin = rowMin
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// baseline holds the two simple methods the BM25 matcher is measured
// against; they are kept so that the comparison can be rerun.
type baseline struct {
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

func newBaseline(topics []*Topic, opt matchOptions) *baseline {
	b := &baseline{idf: map[string]float64{}}
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

func (b *baseline) match(text string, opt matchOptions) MatchResult {
	words := contentWords(text)
	scores := make([]float64, len(b.ids))
	switch opt.method {
	case methodJaccard:
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
	case methodTFIDF:
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
	case len(r.Candidates) == 0 || r.Candidates[0].Score < opt.baseThreshold:
		r.Verdict = OutOfScope
	case len(r.Candidates) > 1 && r.Candidates[1].Score > 0.8*r.Candidates[0].Score:
		r.Verdict = Unsure
	default:
		r.Verdict = Confident
	}
	return r
}
