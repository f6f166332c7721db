package telegram

import (
	"strings"
	"testing"

	"github.com/clavebot/clavebot/bot"
)

func TestRender(t *testing.T) {
	long := strings.Repeat("Una frase con acentos y eñes. ", 100) // ~3000 characters
	tests := []struct {
		name    string
		reply   bot.Reply
		parts   int
		check   func(t *testing.T, out []outgoing)
		buttons int
	}{
		{"escaped", bot.Reply{Text: `<b>x</b> & "y"`}, 1, func(t *testing.T, out []outgoing) {
			if out[0].html != "&lt;b&gt;x&lt;/b&gt; &amp; &#34;y&#34;" {
				t.Errorf("html %q", out[0].html)
			}
		}, 0},
		{"links after text", bot.Reply{Text: "Hi", Links: []bot.Link{{Title: "A & B", URL: "https://clave.gob.es/x?a=1&b=2"}}}, 1,
			func(t *testing.T, out []outgoing) {
				want := "Hi\n\n<a href=\"https://clave.gob.es/x?a=1&amp;b=2\">→ A &amp; B</a>"
				if out[0].html != want {
					t.Errorf("html %q, want %q", out[0].html, want)
				}
			}, 0},
		{"split at paragraphs", bot.Reply{Text: long + "\n\n" + long, Buttons: []bot.Button{{Label: "Menu", Data: "flow:menu"}}}, 2,
			func(t *testing.T, out []outgoing) {
				if out[0].keyboard != nil {
					t.Error("buttons on the first part")
				}
			}, 1},
		{"one huge paragraph", bot.Reply{Text: strings.Repeat("palabra ", 1500)}, 3, nil, 0},
		{"no text, only buttons", bot.Reply{Buttons: []bot.Button{{Label: "Menu", Data: "flow:menu"}}}, 1, nil, 1},
		{"oversized button data dropped", bot.Reply{Text: "x", Buttons: []bot.Button{{Label: "ok", Data: "a"}, {Label: "bad", Data: strings.Repeat("d", 65)}}}, 1, nil, 1},
		{"emoji count twice", bot.Reply{Text: strings.Repeat("😀", 3000)}, 2, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(tt.reply)
			if len(out) != tt.parts {
				t.Fatalf("%d parts, want %d", len(out), tt.parts)
			}
			for _, o := range out {
				if n := units(strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'").Replace(o.html)); n > maxTextUnits {
					t.Errorf("a part has %d units", n)
				}
			}
			buttons := 0
			if k := out[len(out)-1].keyboard; k != nil {
				buttons = len(k.InlineKeyboard)
			}
			if buttons != tt.buttons {
				t.Errorf("%d buttons, want %d", buttons, tt.buttons)
			}
			if tt.check != nil {
				tt.check(t, out)
			}
		})
	}
}

func FuzzSplitText(f *testing.F) {
	for _, s := range []string{"", "a", "a\n\nb", strings.Repeat("x ", 3000), strings.Repeat("😀\n", 2500)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range splitText(s, 100) {
			if units(p) > 100 {
				t.Fatalf("part of %d units", units(p))
			}
			if strings.TrimSpace(p) == "" {
				t.Fatal("empty part")
			}
		}
	})
}
