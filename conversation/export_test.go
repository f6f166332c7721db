package conversation

// MatchMethod is one of the matching methods compared in docs/matching.md.
type MatchMethod struct {
	Name string
	New  func([]*Topic) *Matcher
}

// MatchMethods lists the compared methods: two baselines (their
// out-of-scope thresholds chosen on the dev split), then BM25F
// gaining one feature at a time up to what NewMatcher builds, then
// variations of it.
var MatchMethods = func() []MatchMethod {
	with := func(name string, edit func(*matchOptions)) MatchMethod {
		o := defaultOptions()
		edit(&o)
		return MatchMethod{Name: name, New: func(ts []*Topic) *Matcher { return newMatcher(ts, o, nil) }}
	}
	plain := func(o *matchOptions) {
		o.stem, o.synonyms, o.typos, o.bigrams = false, false, false, false
		o.wShort, o.nearest = 0, 0
	}
	return []MatchMethod{
		with("a. Jaccard, best example", func(o *matchOptions) { o.method = methodJaccard; o.baseThreshold = 0.2 }),
		with("b. TF-IDF cosine", func(o *matchOptions) { o.method = methodTFIDF; o.baseThreshold = 0.1 }),
		with("b2. BM25F, words only", plain),
		with("c1. b2 + stemming", func(o *matchOptions) { plain(o); o.stem = true }),
		with("c2. c1 + synonyms", func(o *matchOptions) { plain(o); o.stem, o.synonyms = true, true }),
		with("c. c2 + typo tolerance", func(o *matchOptions) { plain(o); o.stem, o.synonyms, o.typos = true, true, true }),
		with("d1. c + answers indexed", func(o *matchOptions) { o.bigrams, o.nearest = false, 0 }),
		with("d2. d1 + word pairs", func(o *matchOptions) { o.nearest = 0 }),
		with("d3. d2 + nearest example (chosen)", func(*matchOptions) {}),
		with("d3, fields unweighted", func(o *matchOptions) { o.wTitle, o.wQuestion, o.wKeyword = 1, 1, 1 }),
		with("d3, k1=1.2 b=0.5", func(o *matchOptions) { o.k1, o.b = 1.2, 0.5 }),
		with("d3, no typo tolerance", func(o *matchOptions) { o.typos = false }),
		with("d3, no language preference", func(o *matchOptions) { o.otherLang = 1 }),
	}
}()
