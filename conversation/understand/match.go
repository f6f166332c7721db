package understand

import (
	"math"
	"slices"
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

	// stems remembers stems while the index is built, where the same
	// words recur thousands of times; nil afterwards.
	stems [2]map[string]string

	pool sync.Pool
}

// Candidate is a topic the question may be about.
type Candidate struct {
	TopicID string
	Score   float64
	// Coverage is the share of the question's information (idf) that
	// the topic explains.
	Coverage float64
}

// MatchResult is what the matcher understood of one message.
type MatchResult struct {
	Lang       Lang        // language detected from the text ("" if unclear)
	Candidates []Candidate // best first, at most 3
	// Verdict is the matcher's own reading, before calibration.
	Verdict matchVerdict
	// Domain is how surely the words show a question about Cl@ve.
	Domain evidence
}

// matchVerdict is the matcher's verdict from its score thresholds alone.
type matchVerdict int

// The verdicts, from "not about Cl@ve" to "this is the topic".
const (
	matchOut       matchVerdict = iota // nothing about Cl@ve
	matchUnsure                        // about Cl@ve but no clear topic
	matchConfident                     // Candidates[0] stands out
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

// matchOptions is the switch between the methods compared in
// docs/matching.md; only defaultOptions is used outside tests.
type matchOptions struct {
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
}

func defaultOptions() matchOptions {
	return matchOptions{
		stem: true, synonyms: true, typos: true,
		k1: 2.0, b: 0.75,
		wTitle: 2, wQuestion: 1, wKeyword: 1.5, wShort: 0.2,
		otherLang:  0.9,
		typoWeight: 0.8,
		bigrams:    true, bigramWeight: 0.5,
		nearest: 1,
		minCov:  0.1, minCovWeak: 0.3, minCovNoDomain: 0.6,
		confCov: 0.2, confLead: 0.9,
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
	return newMatcher(topics, defaultOptions())
}

func newMatcher(topics []*Topic, opt matchOptions) *Matcher {
	m := &Matcher{opt: opt, lex: map[string]int32{}, phrases: map[int32][]phrase{}, synWord: map[string]int{}}
	for _, t := range topics {
		if t != nil {
			m.topics = append(m.topics, t.ID)
		}
	}
	topics = slices.DeleteFunc(slices.Clone(topics), func(t *Topic) bool { return t == nil })
	m.stems = [2]map[string]string{{}, {}}
	m.buildSynonyms()
	m.buildIndex(topics)
	m.stems = [2]map[string]string{}
	if opt.typos {
		// Most questions need no typo fix, so a one-off `clavebot ask`
		// should not pay for this index: it is built by the first fix,
		// or ahead of time by Warm.
		m.typo.words = m.words
	}
	m.pool.New = func() any { return m.newScratch() }
	return m
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

// Warm builds what the matcher builds lazily, so that the first message
// with a typo does not wait for it. A long-running bot calls it at start.
func (m *Matcher) Warm() { m.typo.once.Do(func() { m.typo.build(m.typo.words) }) }

// Match reads one message and says which topic it is about, if any.
func (m *Matcher) Match(text string) MatchResult {
	lang, _ := DetectLang(text)
	if m == nil || len(m.topics) == 0 {
		return MatchResult{Lang: lang}
	}
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	s.norm = appendNormalized(s.norm[:0], text)
	r := m.matchIn(s, s.norm, nil, lang)
	r.Lang = lang
	return r
}

// contextWeight is how much a word of the last answer's topic counts when
// a follow-up question is read in its light.
const contextWeight = 0.5

// matchWords matches normalised words (see appendNormalized), in language
// lang when known. The words of context, if any, count at contextWeight:
// they are what the question follows up on.
func (m *Matcher) matchWords(norm, context []byte, lang Lang) MatchResult {
	if m == nil || len(m.topics) == 0 {
		return MatchResult{}
	}
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	return m.matchIn(s, norm, context, lang)
}

func (m *Matcher) matchIn(s *scratch, norm, context []byte, lang Lang) MatchResult {
	s.toks = s.toks[:0]
	var dom domainEvidence
	fixes := maxTypoFixes
	for pass, words := range [2][]byte{norm, context} {
		for rest := words; len(rest) > 0 && len(s.toks) < maxQueryWords; {
			var tok []byte
			if i := indexByte(rest, ' '); i >= 0 {
				tok, rest = rest[:i], rest[i+1:]
			} else {
				tok, rest = rest, nil
			}
			t := m.readToken(tok, &fixes)
			if pass == 1 {
				t.weight *= contextWeight
			}
			// The context is a Cl@ve answer: its words show the domain
			// as much as the question's own.
			dom.add(t.group)
			s.toks = append(s.toks, t)
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
		return MatchResult{Verdict: matchOut}
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
		return MatchResult{Verdict: matchOut}
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
		c := Candidate{TopicID: m.topics[ti], Score: float64(s.final[ti])}
		if d := s.denom[s.from[ti]]; d > 0 {
			c.Coverage = float64(s.cover[s.from[ti]][ti] / d)
		}
		cands = append(cands, c)
	}
	v := matchUnsure
	switch {
	case cov < m.opt.minCov,
		dom.level < strong && cov < m.opt.minCovWeak,
		dom.level == 0 && cov < m.opt.minCovNoDomain:
		v = matchOut
	case cov >= m.opt.confCov && lead <= m.opt.confLead:
		v = matchConfident
	}
	return MatchResult{Candidates: cands, Verdict: v, Domain: dom.level}
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
