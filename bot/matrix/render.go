//go:build goolm

package matrix

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"maunium.net/go/mautrix/event"

	"github.com/clavebot/clavebot/bot"
)

// maxTextBytes keeps each event well under Matrix's 64 KiB limit once the
// text is there twice (body and HTML) and encrypted.
const maxTextBytes = 12000

// render turns a reply into the notices that carry it: a plain body and
// the same in HTML, every piece of text escaped. Links and the numbered
// options go with the last part; the user answers with a number or the
// words, and the conversation maps either to the option.
func render(r bot.Reply) []*event.MessageEventContent {
	parts := splitText(r.Text, maxTextBytes)
	if len(parts) == 0 && (len(r.Links) > 0 || len(r.Buttons) > 0) {
		parts = []string{""}
	}
	var out []*event.MessageEventContent
	for i, p := range parts {
		var body, h strings.Builder
		if p != "" {
			body.WriteString(p)
			writeParagraphs(&h, p)
		}
		if i == len(parts)-1 {
			writeLinks(&body, &h, r.Links)
			writeButtons(&body, &h, r.Buttons)
		}
		out = append(out, &event.MessageEventContent{
			MsgType:       event.MsgNotice,
			Body:          body.String(),
			Format:        event.FormatHTML,
			FormattedBody: h.String(),
			// No one is mentioned: an answer should not ping anybody.
			Mentions: &event.Mentions{},
		})
	}
	return out
}

func writeParagraphs(h *strings.Builder, text string) {
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.Trim(para, "\n")
		if para == "" {
			continue
		}
		h.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				h.WriteString("<br>")
			}
			h.WriteString(html.EscapeString(line))
		}
		h.WriteString("</p>")
	}
}

func writeLinks(body, h *strings.Builder, links []bot.Link) {
	if len(links) == 0 {
		return
	}
	gap(body)
	h.WriteString("<p>")
	for i, l := range links {
		if i > 0 {
			body.WriteString("\n")
			h.WriteString("<br>")
		}
		body.WriteString("→ " + l.Title + ": " + l.URL)
		if safeURL(l.URL) {
			h.WriteString(`→ <a href="` + html.EscapeString(l.URL) + `">` + html.EscapeString(l.Title) + "</a>")
		} else {
			h.WriteString(html.EscapeString("→ " + l.Title + ": " + l.URL))
		}
	}
	h.WriteString("</p>")
}

func writeButtons(body, h *strings.Builder, buttons []bot.Button) {
	if len(buttons) == 0 {
		return
	}
	gap(body)
	h.WriteString("<ol>")
	for i, b := range buttons {
		if i > 0 {
			body.WriteString("\n")
		}
		body.WriteString(strconv.Itoa(i+1) + ". " + b.Label)
		h.WriteString("<li>" + html.EscapeString(b.Label) + "</li>")
	}
	h.WriteString("</ol>")
}

func gap(b *strings.Builder) {
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
}

// safeURL admits only web links into an href: a javascript: or data: URL
// must never become clickable.
func safeURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// splitText cuts s into parts of at most limit bytes.
func splitText(s string, limit int) []string {
	return bot.SplitText(s, limit, func(_ rune, width int) int { return width })
}
