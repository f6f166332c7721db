package understand_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/understand"
)

const (
	sensCSV   = understand.SensitiveCSV
	sensDoc   = understand.SensitiveDocument
	sensPhone = understand.SensitivePhone
)

var sensitiveCases = []struct {
	text   string
	want   understand.Sensitive
	redact string // "" means unchanged when want is 0
}{
	// CSV codes.
	{"AB12CD34EF56GH78", sensCSV, "[…]"},
	{"my code is AB12CD34EF56GH78.", sensCSV, "my code is […]."},
	{"ab12cd34ef56gh78", sensCSV, "[…]"},
	{"AB12 CD34 EF56 GH78", sensCSV, "[…]"},
	{"ab12-cd34-ef56-gh78 is it", sensCSV, "[…] is it"},
	{"ABCD 1234 EFGH 5678", sensCSV, "[…]"}, // capitals, as on the letter
	{"1234567890ABCDEF", sensCSV, "[…]"},
	{"ZZ00000000000000", sensCSV, "[…]"},
	{"CSV: «K7P2M9Q4R8T3W6X1»", sensCSV, "CSV: «[…]»"},
	{"codes AB12CD34EF56GH78 and 12AB34CD56EF78GH", sensCSV, "codes […] and […]"},

	// Documents.
	{"X1234567L", sensDoc, "[…]"},
	{"x1234567l", sensDoc, "[…]"},
	{"mi NIE es X-1234567-L", sensDoc, "mi NIE es […]"},
	{"Y 1234567 Z", sensDoc, "[…]"},
	{"Z1.234.567-T", sensDoc, "[…]"},
	{"12345678Z", sensDoc, "[…]"},
	{"DNI 12345678-z.", sensDoc, "DNI […]."},
	{"12.345.678-Z", sensDoc, "[…]"},
	{"E12345678", sensDoc, "[…]"},
	{"c09999999", sensDoc, "[…]"},
	{"my support number: C 09999999", sensDoc, "my support number: […]"},

	// Phones.
	{"612345678", sensPhone, "[…]"},
	{"call 612 345 678 please", sensPhone, "call […] please"},
	{"612 34 56 78", sensPhone, "[…]"},
	{"712-345-678", sensPhone, "[…]"},
	{"612.345.678", sensPhone, "[…]"},
	{"+34 612 345 678", sensPhone, "[…]"},
	{"+34612345678", sensPhone, "[…]"},
	{"0034 612 34 56 78", sensPhone, "[…]"},
	{"34 612345678", sensPhone, "[…]"},
	{"(+34) 612 345 678", sensPhone, "[…]"},
	{"612\u00a0345\u00a0678", sensPhone, "[…]"},
	{"+44 20 7946 0958", sensPhone, "[…]"},
	{"+1 (555) 123-4567", sensPhone, "[…]"},
	{"+49 30 12345678", sensPhone, "[…]"},

	// Several at once.
	{"X1234567L, 612345678, AB12CD34EF56GH78", sensCSV | sensDoc | sensPhone, "[…], […], […]"},
	{"DNI 12345678Z tel +34 600 11 22 33", sensDoc | sensPhone, "DNI […] tel […]"},

	// Not personal data.
	{"", 0, ""},
	{"my CSV expired", 0, ""},
	{"I got the letter on 20/11", 0, ""},
	{"it is dated 2026-11-20", 0, ""},
	{"20/11/2026", 0, ""},
	{"20.11.2026 12:30", 0, ""},
	{"7.11.2026 12:30", 0, ""},
	{"REGISTRATIONFORM", 0, ""},
	{"registrationform", 0, ""},
	{"internationalized", 0, ""},
	{"1234567812345678", 0, ""},                    // 16 digits: no letters
	{"AB12CD34EF56GH7", 0, ""},                     // 15
	{"AB12CD34EF56GH789", 0, ""},                   // 17
	{"ÁB12CD34EF56GH78", 0, ""},                    // not the code's alphabet
	{"I waited from 2026 till 2027 for it", 0, ""}, // four words of four
	{"AB12 CD34 EF56", 0, ""},
	{"AB12  CD34 EF56 GH78", 0, ""},
	{"I requested it 3 days ago", 0, ""},
	{"call 060", 0, ""},
	{"912 345 678", 0, ""}, // a landline
	{"61234567", 0, ""},    // 8 digits
	{"6123456789", 0, ""},  // 10 digits
	{"+1 555 123", 0, ""},  // 7 digits; 8 is the minimum
	{"1234567L", 0, ""},    // 7 digits
	{"X123456L", 0, ""},    // 6 digits
	{"A12345678", 0, ""},   // not E or C
	{"E1234567", 0, ""},    // 7 digits
	{"12345678", 0, ""},    // no control letter
	{"Cl@ve PIN", 0, ""},
	{"version 1.2.3", 0, ""},
	{"\xff\xfe AB", 0, ""},
}

func TestFindSensitive(t *testing.T) {
	for _, c := range sensitiveCases {
		if got := understand.FindSensitive(c.text); got != c.want {
			t.Errorf("FindSensitive(%q) = %03b; want %03b", c.text, got, c.want)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, c := range sensitiveCases {
		want := c.redact
		if c.want == 0 {
			want = c.text
		}
		if got := understand.Redact(c.text); got != want {
			t.Errorf("Redact(%q) = %q; want %q", c.text, got, want)
		}
	}
}

func TestSensitiveHas(t *testing.T) {
	s := sensCSV | sensPhone
	for k, want := range map[understand.Sensitive]bool{
		sensCSV: true, sensPhone: true, sensDoc: false, sensCSV | sensPhone: true, sensCSV | sensDoc: false, 0: false,
	} {
		if got := s.Has(k); got != want {
			t.Errorf("%03b.Has(%03b) = %v; want %v", s, k, got, want)
		}
	}
}

func FuzzFindSensitive(f *testing.F) {
	for _, c := range sensitiveCases {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		found := understand.FindSensitive(text)
		red := understand.Redact(text)
		if found == 0 && red != text {
			t.Fatalf("Redact(%q) = %q, but nothing was found", text, red)
		}
		if found != 0 && red == text {
			t.Fatalf("Redact(%q) changed nothing, but found %03b", text, found)
		}
		if left := understand.FindSensitive(red); left != 0 {
			t.Fatalf("Redact(%q) = %q, which still holds %03b", text, red, left)
		}
	})
}

func BenchmarkRedact(b *testing.B) {
	text := strings.Repeat("my NIE is X1234567L and my phone +34 612 345 678; the letter is from 20/11. ", 10)
	b.ReportAllocs()
	for b.Loop() {
		_ = understand.Redact(text)
	}
}

func ExampleRedact() {
	text := "NIE x-1234567-l, tel. 612 34 56 78, code AB12 CD34 EF56 GH78"
	fmt.Printf("%03b\n", understand.FindSensitive(text))
	fmt.Println(understand.Redact(text))
	// Output:
	// 111
	// NIE […], tel. […], code […]
}
