package understand

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldRuneTable is the hand-written accent table the bot used before
// foldRune moved to golang.org/x/text; it is kept here, in a test, to
// rerun the comparison in docs/matching.md.
func foldRuneTable(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		}
		return -1
	}
	if r == utf8.RuneError || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return -1
	}
	r = unicode.ToLower(r)
	switch r {
	case 'á', 'à', 'â', 'ä', 'ã', 'å', 'ā':
		return 'a'
	case 'é', 'è', 'ê', 'ë', 'ē':
		return 'e'
	case 'í', 'ì', 'î', 'ï', 'ī':
		return 'i'
	case 'ó', 'ò', 'ô', 'ö', 'õ', 'ō', 'ø':
		return 'o'
	case 'ú', 'ù', 'û', 'ü', 'ū':
		return 'u'
	case 'ñ':
		return 'n'
	case 'ç':
		return 'c'
	case 'ý', 'ÿ':
		return 'y'
	case 'ß':
		return 's'
	}
	return r
}

// wantFold is the fold of a Latin letter by its Unicode decomposition,
// the reference both methods are checked against.
func wantFold(r rune) rune {
	r = unicode.ToLower(r)
	d := norm.NFD.String(string(r))
	base, _ := utf8.DecodeRuneInString(d)
	return base
}

// TestFoldMethods compares the two accent foldings on every letter of
// Latin-1 Supplement and Latin Extended-A and B (U+00C0 to U+024F), the
// alphabets of the users' languages.
func TestFoldMethods(t *testing.T) {
	var table, text, total int
	for r := rune(0xC0); r <= 0x24F; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		want := wantFold(r)
		if want == unicode.ToLower(r) {
			continue // no decomposition: nothing to fold
		}
		total++
		if got := foldRuneTable(r); got == want || got == foldRuneTable(want) {
			table++
		}
		if got := foldRune(r); got == want || got == foldRune(want) {
			text++
		}
	}
	t.Logf("letters with a diacritic folded to their base letter: table %d of %d, x/text %d of %d", table, total, text, total)
	if text < total {
		t.Errorf("x/text folding misses %d letters", total-text)
	}
}

func evalQuestions(tb testing.TB) []string {
	f, err := os.Open("../testdata/eval.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p := strings.SplitN(sc.Text(), "\t", 4); len(p) == 4 {
			out = append(out, p[3])
		}
	}
	return out
}

// BenchmarkFold folds the evaluation questions with each method.
func BenchmarkFold(b *testing.B) {
	qs := evalQuestions(b)
	for _, m := range []struct {
		name string
		fold func(rune) rune
	}{{"table", foldRuneTable}, {"x-text", foldRune}} {
		b.Run(m.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				for _, q := range qs {
					for _, r := range q {
						if m.fold(r) > 0 {
							n++
						}
					}
				}
			}
			_ = n
		})
	}
}
