package understand

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// Stemming every word of the knowledge base is most of the cost of
// building the matcher, which a one-off `clavebot ask` pays at every start,
// so the stems are computed when the content changes, by go generate, and
// embedded. A word missing from the table (content edited, table not
// regenerated) is stemmed when needed: the table only saves time.
//
//go:generate go run ./internal/stemgen

//go:embed stems.txt
var stemsTable string

var (
	stemsOnce sync.Once
	stemsMap  map[string][2]string
)

// stemCache returns the embedded table: word -> its English and Spanish stems.
func stemCache() map[string][2]string {
	stemsOnce.Do(func() {
		stemsMap = make(map[string][2]string, strings.Count(stemsTable, "\n"))
		for line := range strings.Lines(stemsTable) {
			w, rest, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
			if !ok {
				continue
			}
			en, es, _ := strings.Cut(rest, "\t")
			stemsMap[w] = [2]string{en, es}
		}
	})
	return stemsMap
}

// StemTable returns the stems table of the words a matcher over topics
// knows, one "word<TAB>english<TAB>spanish" line each, sorted: what go
// generate writes to stems.txt.
func StemTable(topics []*Topic) string {
	m := newMatcher(topics, defaultOptions())
	words := make([]string, 0, len(m.words))
	for _, w := range m.words {
		words = append(words, w.word)
	}
	sort.Strings(words)
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w + "\t" + stem(English, w) + "\t" + stem(Spanish, w) + "\n")
	}
	return b.String()
}
