package console_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clavebot/clavebot/bot/console"
)

func TestWrap(t *testing.T) {
	for _, tt := range []struct {
		text  string
		width int
		want  string
	}{
		{"short line", 80, "short line"},
		{"para la obtención del certificado", 15, "para la\nobtención del\ncertificado"},
		{"• Online, only with a digital certificate", 20, "• Online, only with\n  a digital\n  certificate"},
		{"see https://clave.gob.es/clave_Home/en/registro/Como-puedo-registrarme.html now", 30,
			"see\nhttps://clave.gob.es/clave_Home/en/registro/Como-puedo-registrarme.html\nnow"},
		{"two\n\nparagraphs stay apart", 10, "two\n\nparagraphs\nstay apart"},
		{"unwrapped for scripts, however long the line is", 0, "unwrapped for scripts, however long the line is"},
	} {
		if got := console.Wrap(tt.text, tt.width); got != tt.want {
			t.Errorf("Wrap(%q, %d) =\n%q\nwant\n%q", tt.text, tt.width, got, tt.want)
		}
	}
}

// FuzzWrap: wrapping never loses or splits a word, and no line that can
// fit is wider than asked.
func FuzzWrap(f *testing.F) {
	f.Add("Cl@ve PIN es un sistema de contraseña de validez muy limitada en el tiempo, para la obtención", 40)
	f.Add("• uno dos\n  tres", 5)
	f.Fuzz(func(t *testing.T, text string, width int) {
		if !utf8.ValidString(text) || width < 1 || width > 200 {
			return
		}
		got := console.Wrap(text, width)
		if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(text), " ") {
			t.Fatalf("words changed:\n%q\n%q", text, got)
		}
		for _, line := range strings.Split(got, "\n") {
			if n := utf8.RuneCountInString(line); n > width && len(strings.Fields(line)) > 1 && !strings.ContainsAny(text, "\t\r\v\f\u0085\u00a0") {
				t.Fatalf("line of %d > %d with room to break: %q (from %q)", n, width, line, text)
			}
		}
	})
}
