package conversation

// MatchMethod is one of the matching methods compared in docs/matching.md.
type MatchMethod struct {
	Name string
	New  func([]*Topic) *Matcher
}

// MatchMethods lists the compared methods; the last one is what
// NewMatcher builds.
var MatchMethods = func() []MatchMethod {
	with := func(name string, edit func(*matchOptions)) MatchMethod {
		o := defaultOptions()
		edit(&o)
		return MatchMethod{Name: name, New: func(ts []*Topic) *Matcher { return newMatcher(ts, o) }}
	}
	return []MatchMethod{
		with("a. Jaccard, best example question", func(o *matchOptions) { o.method = methodJaccard; o.baseThreshold = 0.2 }),
		with("b. TF-IDF cosine", func(o *matchOptions) { o.method = methodTFIDF; o.baseThreshold = 0.2 }),
		with("b2. BM25F, words only", func(o *matchOptions) { o.stem, o.synonyms, o.typos = false, false, false }),
		with("c1. BM25F + stemming", func(o *matchOptions) { o.synonyms, o.typos = false, false }),
		with("c2. BM25F + stemming + synonyms", func(o *matchOptions) { o.typos = false }),
		with("d1. c, fields unweighted", func(o *matchOptions) { o.wTitle, o.wQuestion, o.wKeyword = 1, 1, 1 }),
		with("d2. c, k1=2.0 b=0.75", func(o *matchOptions) { o.k1, o.b = 2.0, 0.75 }),
		with("d3. c, no language preference", func(o *matchOptions) { o.otherLang = 1 }),
		with("c. BM25F + stemming + synonyms + typos", func(*matchOptions) {}),
	}
}()
