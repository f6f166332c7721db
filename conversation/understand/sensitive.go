package understand

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sensitive is a set of kinds of personal data found in a text.
type Sensitive uint8

// The kinds of personal data the bot must never store or repeat.
const (
	// SensitiveCSV is the 16-character code (Código Seguro de
	// Verificación) printed on the Cl@ve invitation letter.
	SensitiveCSV Sensitive = 1 << iota
	// SensitiveDocument is an NIE, a DNI or a support number.
	SensitiveDocument
	// SensitivePhone is a Spanish mobile or an international number.
	SensitivePhone
)

// Has reports whether s includes every kind in k.
func (s Sensitive) Has(k Sensitive) bool { return k != 0 && s&k == k }

// redacted replaces each value Redact removes.
const redacted = "[…]"

// The patterns run on the shadow of the text (see shadowText), which is
// uppercase ASCII with the same byte offsets as the text, so matches index
// the original directly.
const (
	phoneSep    = `[ \t.\-]{1,3}` // up to 3 so that a no-break space (2 bytes) or " - " counts
	phoneSepOpt = `[ \t.\-]{0,3}`
)

var (
	// An NIE (X1234567L), a DNI (12345678Z, 12.345.678-Z) or a support
	// number (E12345678, C09999999). Control letters are not checked: a
	// mistyped document number is still somebody's document number.
	documentRE = regexp.MustCompile(`\b(?:` +
		`[XYZ][ \t.\-]?\d(?:\.?\d{3}){2}[ \t.\-]?[A-Z]` +
		`|\d{2}\.?\d{3}\.?\d{3}[ \t.\-]?[A-Z]` +
		`|[EC][ \t\-]?\d{8}` +
		`)\b`)

	// A Spanish mobile, with or without +34/0034/34, grouped as people
	// write it: 612345678, 612 345 678, 612 34 56 78. Looser groupings
	// would swallow dates followed by times, such as 7.11.2026 12:30.
	spanishMobileRE = regexp.MustCompile(`(?:\(?(?:\+|\b00|\b)34\)?` + phoneSepOpt + `|\b)` +
		`[67]\d{2}(?:` + phoneSepOpt + `\d{3}` + phoneSepOpt + `\d{3}` +
		`|` + phoneSep + `\d{2}` + phoneSep + `\d{2}` + phoneSep + `\d{2})\b`)

	// Any number written with a leading +: 8 to 15 digits (E.164 allows
	// 15), possibly with spaces, dots, dashes and parentheses.
	internationalPhoneRE = regexp.MustCompile(`\+[ \t]?\(?\d(?:[ \t.\-()]{0,3}\d){7,14}\b`)
)

// FindSensitive reports which kinds of personal data text contains.
func FindSensitive(text string) Sensitive {
	var found Sensitive
	for _, sp := range sensitiveSpans(text) {
		found |= sp.kind
	}
	return found
}

// Redact returns text with every CSV code, document number and phone
// number replaced by "[…]", so that it can be logged or echoed back.
func Redact(text string) string {
	spans := sensitiveSpans(text)
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(text))
	pos := 0
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		// Overlapping finds (a +34 number is also international) go as one.
		for i++; i < len(spans) && spans[i].start < end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(text[pos:start])
		b.WriteString(redacted)
		pos = end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// span is a byte range of a text holding one sensitive value.
type span struct {
	start, end int
	kind       Sensitive
}

func sensitiveSpans(text string) []span {
	sh := shadowText(text)
	// Every value holds digits: at least 2 in a CSV code, 7 in a document,
	// 8 in a phone number. Counting them spares most messages the
	// regexps, which are slow next to it.
	digits := 0
	for i := 0; i < len(sh) && digits < 7; i++ {
		if '0' <= sh[i] && sh[i] <= '9' {
			digits++
		}
	}
	if digits < 2 {
		return nil
	}
	var spans []span
	spans = findCSV(text, sh, spans)
	if digits < 7 {
		return spans
	}
	for _, p := range []struct {
		re   *regexp.Regexp
		kind Sensitive
	}{
		{documentRE, SensitiveDocument},
		{spanishMobileRE, SensitivePhone},
		{internationalPhoneRE, SensitivePhone},
	} {
		for _, m := range p.re.FindAllStringIndex(sh, -1) {
			spans = append(spans, span{m[0], m[1], p.kind})
		}
	}
	return spans
}

// shadowText returns a copy of text with the same length in bytes, where
// ASCII letters are uppercase and every other non-ASCII character is
// replaced byte for byte: by '_' (a word character) if it is a letter or
// digit, so that it stays part of its word, or by a space otherwise, so
// that «X1234567L» or a no-break space still delimit values. Offsets in
// the shadow are offsets in text.
func shadowText(text string) string {
	b := make([]byte, len(text))
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b[i] = c
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		fill := byte(' ')
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			fill = '_'
		}
		for j := i; j < i+n; j++ {
			b[j] = fill
		}
		i += n
	}
	return string(b)
}

// findCSV appends the CSV codes in text, given its shadow sh: a word of 16
// letters and digits, or four words of 4 separated by single spaces or
// hyphens, as people copy it from the letter.
func findCSV(text, sh string, spans []span) []span {
	// last holds the last four words seen, oldest first; a zero end marks
	// an empty slot.
	var last [4]span
	var groups []csvGroups
	for i, n := 0, 0; i < len(sh); n++ {
		for i < len(sh) && !isWordByte(sh[i]) {
			i++
		}
		if i == len(sh) {
			break
		}
		start := i
		for i < len(sh) && isWordByte(sh[i]) {
			i++
		}
		if i-start == 16 && csvLike(sh[start:i]) {
			spans = append(spans, span{start, i, SensitiveCSV})
		}
		copy(last[:], last[1:])
		last[3] = span{start: start, end: i}
		if g, ok := groupedCSV(text, sh, last); ok {
			g.first = n - 3
			groups = append(groups, g)
		}
	}
	// In "code AB12 CD34 EF56 GH78" both "code AB12 CD34 EF56" and
	// "AB12 CD34 EF56 GH78" qualify; the lowercase word at the edge marks
	// the first as a sentence running into the code. Dropping it only when
	// an overlapping reading is kept means redacting the kept one also
	// breaks the dropped one, so nothing qualifies in the redacted text.
	for i, g := range groups {
		if g.wordEdge && overlapsCode(groups, i) {
			continue
		}
		spans = append(spans, span{g.start, g.end, SensitiveCSV})
	}
	return spans
}

// csvGroups is a CSV code typed as four groups: words first to first+3.
type csvGroups struct {
	first      int
	start, end int
	// wordEdge is set when the first or last group is a lowercase word.
	wordEdge bool
}

// overlapsCode reports whether groups[i] shares a word with a reading that
// has no lowercase word at its edges. Readings are in word order, and
// overlapping ones lie at most three apart.
func overlapsCode(groups []csvGroups, i int) bool {
	for j := max(0, i-3); j < min(len(groups), i+4); j++ {
		if j != i && !groups[j].wordEdge && groups[j].first-groups[i].first <= 3 && groups[i].first-groups[j].first <= 3 {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || c == '_' || 'a' <= c && c <= 'z'
}

// groupedCSV reports whether the four words in w read as a CSV code split
// in groups of four ("AB12 CD34 EF56 GH78").
func groupedCSV(text, sh string, w [4]span) (csvGroups, bool) {
	var code [16]byte
	mixedGroup := false
	lowerWord := [4]bool{}
	for k, g := range w {
		if g.end-g.start != 4 {
			return csvGroups{}, false
		}
		if k > 0 {
			if g.start-w[k-1].end != 1 {
				return csvGroups{}, false
			}
			if sep := sh[w[k-1].end]; sep != ' ' && sep != '-' {
				return csvGroups{}, false
			}
		}
		digits := 0
		for j := g.start; j < g.end; j++ {
			if '0' <= sh[j] && sh[j] <= '9' {
				digits++
			}
		}
		if digits != 0 && digits != 4 {
			mixedGroup = true
		}
		if digits == 0 {
			group := text[g.start:g.end]
			lowerWord[k] = strings.ToUpper(group) != group
		}
		copy(code[4*k:], sh[g.start:g.end])
	}
	if !csvLike(string(code[:])) {
		return csvGroups{}, false
	}
	// Only whole words and whole numbers: "from 2026 till 2027" is prose,
	// unless typed in capitals as on the letter. A real code has no group
	// mixing letters and digits about once in 170.
	if !mixedGroup && (lowerWord[0] || lowerWord[1] || lowerWord[2] || lowerWord[3]) {
		return csvGroups{}, false
	}
	return csvGroups{start: w[0].start, end: w[3].end, wordEdge: lowerWord[0] || lowerWord[3]}, true
}

// csvLike reports whether word, uppercase, has the alphabet and the mix of
// a CSV code: at least two digits rules out ordinary words such as
// REGISTRATIONFORM, at least two letters rules out plain numbers.
func csvLike(word string) bool {
	digits, letters := 0, 0
	for i := 0; i < len(word); i++ {
		switch c := word[i]; {
		case '0' <= c && c <= '9':
			digits++
		case 'A' <= c && c <= 'Z':
			letters++
		default:
			return false
		}
	}
	return digits >= 2 && letters >= 2
}
