package understand

import (
	"strings"
	"unicode/utf8"
)

// reading is one message read once, in the forms the analyses need. Every
// analysis works from it, so the text is folded and split a single time.
type reading struct {
	// folded is the text in lower case without accents, punctuation
	// kept, so that dates such as 22/10 survive.
	folded string
	// norm is the words separated by single spaces: what the matcher
	// reads.
	norm []byte
	// words are the words of norm; clause[i] numbers the clause word i
	// belongs to (clauses are separated by , . ; : ? ! and line breaks).
	words  []string
	clause []int
	// question is set when the text has a question mark; asked holds the
	// clauses that end with one.
	question bool
	asked    map[int]bool
	// spanishMarks counts the signs only Spanish spelling has: ñ, accents,
	// ¿ and ¡.
	spanishMarks int
}

// chatShorthand expands the abbreviations of Spanish typed on a phone.
var chatShorthand = map[string]string{"q": "que", "pq": "porque", "xq": "porque", "tb": "tambien", "tmb": "tambien",
	"xfa": "por favor", "dnd": "donde"}

// read folds and splits text. Only the first maxQueryRunes runes count.
func read(text string) reading {
	var r reading
	var folded strings.Builder
	folded.Grow(len(text))
	norm := make([]byte, 0, len(text))
	clause := 0
	inWord, pendingSpace := false, false
	wordStart := 0
	n := 0
	endWord := func() {
		if inWord {
			w := string(norm[wordStart:])
			if base, clitic, ok := splitClitic(w); ok {
				// "sacarla" is "sacar la": the verb the matcher knows
				// and the pronoun that points back.
				norm = append(norm[:wordStart], base...)
				norm = append(append(norm, ' '), clitic...)
				r.words = append(r.words, base, clitic)
				r.clause = append(r.clause, clause, clause)
			} else if long, ok := chatShorthand[w]; ok {
				// "q necesito" is "que necesito", as typed on a phone.
				norm = append(norm[:wordStart], long...)
				for _, lw := range strings.Fields(long) {
					r.words = append(r.words, lw)
					r.clause = append(r.clause, clause)
				}
			} else {
				r.words = append(r.words, w)
				r.clause = append(r.clause, clause)
			}
			pendingSpace = true
		}
		inWord = false
	}
	for _, c := range text {
		if n++; n > maxQueryRunes {
			break
		}
		switch c {
		case 'ñ', 'Ñ', '¿', '¡', 'á', 'é', 'í', 'ó', 'ú', 'Á', 'É', 'Í', 'Ó', 'Ú':
			r.spanishMarks++
		}
		if c == '?' || c == '¿' {
			r.question = true
			if r.asked == nil {
				r.asked = map[int]bool{}
			}
			r.asked[clause] = true
		}
		f := foldRune(c)
		if c == 'º' || c == 'ª' || c == '°' {
			f = -1
		}
		switch {
		case f >= utf8.RuneSelf:
			// A letter of another script stays part of its word without
			// breaking the ASCII-only patterns that read folded.
			folded.WriteByte('_')
		case f >= 0:
			folded.WriteByte(byte(f))
		case c < utf8.RuneSelf:
			folded.WriteRune(c)
		case isDash(c):
			folded.WriteByte('-')
		case c == 'º' || c == 'ª' || c == '°':
			// Spanish ordinals: "1º de diciembre" is the 1st.
		default:
			folded.WriteByte(' ')
		}
		if c == '@' && inWord {
			f = 'a'
		}
		if isJoiner(c) && inWord {
			continue
		}
		if f < 0 {
			endWord()
			if isClauseBreak(c) {
				clause++
			}
			continue
		}
		if !inWord {
			if pendingSpace {
				norm = append(norm, ' ')
				pendingSpace = false
			}
			wordStart = len(norm)
			inWord = true
		}
		norm = utf8.AppendRune(norm, f)
	}
	endWord()
	r.folded = folded.String()
	r.norm = norm
	return r
}

// clitics are the Spanish pronouns written onto an infinitive, longest
// first: "pedirla", "recordármelo".
var clitics = []string{"noslo", "nosla", "melo", "mela", "telo", "tela", "selo", "sela", "los", "las", "les", "nos", "la", "lo", "le", "me", "te", "se"}

// splitClitic splits an infinitive with a pronoun attached ("sacarla",
// "solicitarlo") into the two. Only infinitives of four letters or more
// qualify, so "carlos" or "isla" stay whole.
func splitClitic(w string) (base, clitic string, ok bool) {
	for _, c := range clitics {
		b, found := strings.CutSuffix(w, c)
		if !found || len(b) < 4 {
			continue
		}
		if strings.HasSuffix(b, "ar") || strings.HasSuffix(b, "er") || strings.HasSuffix(b, "ir") {
			return b, c, true
		}
	}
	return "", "", false
}

func isClauseBreak(c rune) bool {
	switch c {
	case ',', '.', ';', ':', '?', '!', '¿', '¡', '\n', '(', ')', '…':
		return true
	}
	return false
}

func isDash(c rune) bool {
	switch c {
	case '‐', '‑', '‒', '–', '—', '−':
		return true
	}
	return false
}

// wspan is a run of words, [start, end).
type wspan struct{ start, end int }

// phraseSet is a set of word sequences, looked up by their first word.
// A "*" in a phrase stands for any one word.
type phraseSet map[string][][]string

// phrases builds a phraseSet from phrases written as space-separated
// folded words.
func phrases(list ...string) phraseSet {
	p := phraseSet{}
	for _, s := range list {
		// Read the way messages are read, so that "registrarme" in a
		// phrase meets "registrarme" in a message, split alike.
		ws := read(s).words
		if strings.Contains(s, "*") {
			ws = strings.Fields(s)
		}
		if len(ws) == 0 {
			continue
		}
		p[ws[0]] = append(p[ws[0]], ws)
	}
	return p
}

// at reports the length of the longest phrase of p that starts at word i
// of words, or 0.
func (p phraseSet) at(words []string, i int) int {
	best := 0
	for _, ph := range p[words[i]] {
		if i+len(ph) > len(words) || len(ph) <= best {
			continue
		}
		ok := true
		for k := 1; k < len(ph); k++ {
			if ph[k] != "*" && ph[k] != words[i+k] {
				ok = false
				break
			}
		}
		if ok {
			best = len(ph)
		}
	}
	return best
}

// find returns the first occurrence of a phrase of p in words[from:to].
func (p phraseSet) find(words []string, from, to int) (wspan, bool) {
	for i := from; i < to; i++ {
		if n := p.at(words[:to], i); n > 0 {
			return wspan{i, i + n}, true
		}
	}
	return wspan{}, false
}

// all returns every occurrence of a phrase of p in words, left to right,
// without overlaps.
func (p phraseSet) all(words []string) []wspan {
	var out []wspan
	for i := 0; i < len(words); i++ {
		if n := p.at(words, i); n > 0 {
			out = append(out, wspan{i, i + n})
			i += n - 1
		}
	}
	return out
}

// in reports whether a phrase of p occurs in words.
func (p phraseSet) in(words []string) bool {
	_, ok := p.find(words, 0, len(words))
	return ok
}

// whole reports whether words are exactly one phrase of p.
func (p phraseSet) whole(words []string) bool {
	return len(words) > 0 && p.at(words, 0) == len(words)
}
