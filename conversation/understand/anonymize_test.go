package understand_test

import (
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
	"github.com/clavebot/clavebot/conversation/understand"
)

func TestAnonymize(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	ip := understand.New(cat.Topics())
	tests := []struct {
		text string
		want string   // exact result, when given
		keep []string // words that must stay
		gone []string // fragments that must not
	}{
		{text: "how do i register for clave", want: "how do i register for clave"},
		{text: "my name is Ana García Pérez and I live at Calle Mayor 5, 3ºB, Madrid, my email ana.garcia@example.com, phone 612 345 678, what is the letter",
			keep: []string{"letter"}, gone: []string{"ana", "garcia", "perez", "mayor", "example", "612", "345", "5", "3"}},
		{text: "me llamo Joaquín Sorolla, vivo en Avenida del Puerto 12 y no me llega la carta",
			keep: []string{"carta"}, gone: []string{"joaquin", "sorolla", "puerto", "12"}},
		{text: "my nie is X1234567L and the support number E12345678 is rejected", keep: []string{"support"},
			gone: []string{"x1234567l", "e12345678", "1234567"}},
		{text: "visit https://evil.example.org/x?id=42 for the csv", gone: []string{"evil", "42", "http"}},
		{text: "Zyxwvut Qwertyuiop", want: ""},
		{text: "", want: ""},
	}
	for _, tt := range tests {
		got := ip.Anonymize(tt.text)
		if tt.want != "" || tt.text == "" || len(tt.keep) == 0 && len(tt.gone) == 0 {
			if got != tt.want {
				t.Errorf("Anonymize(%q) = %q, want %q", tt.text, got, tt.want)
			}
		}
		for _, k := range tt.keep {
			if !strings.Contains(got, k) {
				t.Errorf("Anonymize(%q) = %q, lost %q", tt.text, got, k)
			}
		}
		for _, g := range tt.gone {
			if strings.Contains(got, g) {
				t.Errorf("Anonymize(%q) = %q, kept %q", tt.text, got, g)
			}
		}
		if strings.IndexFunc(got, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 {
			t.Errorf("Anonymize(%q) = %q has a digit", tt.text, got)
		}
	}
}

// FuzzAnonymize checks that whatever is typed, what is kept has no digit,
// no @ and only words the knowledge base knows or the gap mark.
func FuzzAnonymize(f *testing.F) {
	cat, err := content.Load()
	if err != nil {
		f.Fatal(err)
	}
	ip := understand.New(cat.Topics())
	for _, s := range []string{"my name is Ana, calle Mayor 5", "a@b.co", "X1234567L", "clave pin 123", "\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ip.Anonymize(s)
		if strings.ContainsAny(got, "0123456789@/:") {
			t.Fatalf("Anonymize(%q) = %q", s, got)
		}
		if len(got) > 210 {
			t.Fatalf("Anonymize(%q) is %d bytes long", s, len(got))
		}
	})
}
