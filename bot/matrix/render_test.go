//go:build goolm

package matrix

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"maunium.net/go/mautrix/event"

	"github.com/clavebot/clavebot/bot"
)

func TestRenderEscapesAndNumbers(t *testing.T) {
	r := bot.Reply{
		Text:    "First <b>para</b> & more.\nSecond line.\n\n• item",
		Links:   []bot.Link{{Title: "Tax <Agency>", URL: "https://sede.agenciatributaria.gob.es/?a=1&b=2"}, {Title: "bad", URL: "javascript:alert(1)"}},
		Buttons: []bot.Button{{Label: "Yes <really>", Data: "a:yes"}, {Label: "No", Data: "a:no"}},
	}
	out := render(r)
	if len(out) != 1 {
		t.Fatalf("%d messages", len(out))
	}
	c := out[0]
	if c.MsgType != event.MsgNotice || c.Format != event.FormatHTML {
		t.Errorf("type %s format %s", c.MsgType, c.Format)
	}
	wantBody := "First <b>para</b> & more.\nSecond line.\n\n• item\n\n" +
		"→ Tax <Agency>: https://sede.agenciatributaria.gob.es/?a=1&b=2\n→ bad: javascript:alert(1)\n\n" +
		"1. Yes <really>\n2. No"
	if c.Body != wantBody {
		t.Errorf("body:\n%s\nwant:\n%s", c.Body, wantBody)
	}
	wantHTML := "<p>First &lt;b&gt;para&lt;/b&gt; &amp; more.<br>Second line.</p><p>• item</p>" +
		`<p>→ <a href="https://sede.agenciatributaria.gob.es/?a=1&amp;b=2">Tax &lt;Agency&gt;</a><br>→ bad: javascript:alert(1)</p>` +
		"<ol><li>Yes &lt;really&gt;</li><li>No</li></ol>"
	if c.FormattedBody != wantHTML {
		t.Errorf("html:\n%s\nwant:\n%s", c.FormattedBody, wantHTML)
	}
	if c.Mentions == nil || len(c.Mentions.UserIDs) > 0 || c.Mentions.Room {
		t.Errorf("a reply must mention nobody: %+v", c.Mentions)
	}
}

func TestRenderOnlyButtonsAndEmpty(t *testing.T) {
	out := render(bot.Reply{Buttons: []bot.Button{{Label: "Menu", Data: "flow:menu"}}})
	if len(out) != 1 || out[0].Body != "1. Menu" || out[0].FormattedBody != "<ol><li>Menu</li></ol>" {
		t.Errorf("buttons only: %+v", out)
	}
	if out := render(bot.Reply{Text: "  \n "}); len(out) != 0 {
		t.Errorf("an empty reply became %d messages", len(out))
	}
}

func TestRenderSplitsLongText(t *testing.T) {
	para := strings.Repeat("ñandú ", 500)
	text := strings.Repeat(para+"\n\n", 10)
	out := render(bot.Reply{Text: text, Buttons: []bot.Button{{Label: "OK", Data: "ok"}}})
	if len(out) < 2 {
		t.Fatalf("%d bytes in %d message(s)", len(text), len(out))
	}
	var joined []string
	for i, c := range out {
		if len(c.Body) > maxTextBytes+100 || !utf8.ValidString(c.Body) {
			t.Errorf("part %d: %d bytes, valid %v", i, len(c.Body), utf8.ValidString(c.Body))
		}
		if strings.Contains(c.Body, "1. OK") != (i == len(out)-1) {
			t.Errorf("part %d carries the options: %v", i, strings.Contains(c.Body, "1. OK"))
		}
		joined = append(joined, strings.TrimSuffix(c.Body, "\n\n1. OK"))
	}
	if got := strings.Join(strings.Fields(strings.Join(joined, " ")), " "); got != strings.Join(strings.Fields(text), " ") {
		t.Error("text lost or changed in the split")
	}
}

func TestSplitTextEndsOnBrokenUTF8(t *testing.T) {
	parts := splitText(strings.Repeat("\x80", 30000), 12000)
	if len(parts) != 3 {
		t.Errorf("%d parts", len(parts))
	}
}

// FuzzRender checks that no text, link or label can put markup of its own
// into the HTML, and that every part stays valid and within the limit.
func FuzzRender(f *testing.F) {
	f.Add("Hello <b>x</b> & y\n\nz", "Title", "https://example.org/?a=1&b=2", "Yes <i>")
	f.Add(strings.Repeat("ñ ", 9000), `"><script>`, `javascript:alert("x")`, "</li></ol>")
	ours := regexp.MustCompile(`</?(p|br|ol|li)>|<a href="[^"<>]*">|</a>`)
	f.Fuzz(func(t *testing.T, text, title, link, label string) {
		r := bot.Reply{Text: text, Links: []bot.Link{{Title: title, URL: link}}, Buttons: []bot.Button{{Label: label, Data: "d"}}}
		for _, c := range render(r) {
			rest := ours.ReplaceAllString(c.FormattedBody, "")
			if strings.ContainsAny(rest, "<>") {
				t.Fatalf("markup of its own in %q", c.FormattedBody)
			}
			valid := utf8.ValidString(text + title + link + label)
			if valid && !utf8.ValidString(c.Body) || len(c.Body) > maxTextBytes+len(title)+len(link)+len(label)+32 {
				t.Fatalf("part of %d bytes, valid %v", len(c.Body), utf8.ValidString(c.Body))
			}
		}
	})
}
