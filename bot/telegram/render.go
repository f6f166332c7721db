package telegram

import (
	"html"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/clavebot/clavebot/bot"
)

// Telegram's limits on what one message may carry.
const (
	maxTextUnits     = 4096 // UTF-16 code units of text, after parsing the markup
	maxCallbackBytes = 64
)

// outgoing is one Telegram message: HTML text and, on the last message of
// a reply, its keyboard.
type outgoing struct {
	html     string
	keyboard *models.InlineKeyboardMarkup
	// file is sent as a document, html being its caption.
	file *bot.File
}

// maxCaptionUnits is the longest caption Telegram takes on a document.
const maxCaptionUnits = 1024

// render turns a reply into the messages that carry it. The text is plain,
// so it is escaped as a whole; long text is split between paragraphs, and
// the links and buttons go with the last part.
func render(r bot.Reply) []outgoing {
	links := renderLinks(r.Links)
	parts := splitText(r.Text, maxTextUnits)
	var out []outgoing
	for _, p := range parts {
		out = append(out, outgoing{html: html.EscapeString(p)})
	}
	if links.html != "" {
		last := len(out) - 1
		if last >= 0 && units(parts[last])+2+links.units <= maxTextUnits {
			out[last].html += "\n\n" + links.html
		} else {
			out = append(out, outgoing{html: links.html})
		}
	}
	if len(out) == 0 {
		// Telegram refuses empty text; a reply with only buttons still
		// needs a line to hang them on.
		out = append(out, outgoing{html: "…"})
	}
	if r.File != nil {
		// The file goes last with the buttons; a short text rides on it
		// as its caption.
		last := len(out) - 1
		if len(out) == 1 && units(r.Text)+2+links.units <= maxCaptionUnits {
			out[last].file = r.File
		} else {
			out = append(out, outgoing{file: r.File})
		}
	}
	out[len(out)-1].keyboard = keyboard(r.Buttons)
	return out
}

type renderedLinks struct {
	html  string
	units int // length as the user sees it
}

func renderLinks(links []bot.Link) renderedLinks {
	var b strings.Builder
	n := 0
	for i, l := range links {
		if i > 0 {
			b.WriteString("\n")
			n++
		}
		title := "→ " + l.Title
		b.WriteString(`<a href="` + html.EscapeString(l.URL) + `">` + html.EscapeString(title) + "</a>")
		n += units(title)
	}
	return renderedLinks{html: b.String(), units: n}
}

// keyboard lays buttons one per row: labels are sentences, and a phone is
// narrow. Buttons whose data Telegram would refuse are left out rather
// than failing the whole message.
func keyboard(buttons []bot.Button) *models.InlineKeyboardMarkup {
	var rows [][]models.InlineKeyboardButton
	for _, b := range buttons {
		if b.Data == "" || len(b.Data) > maxCallbackBytes || strings.TrimSpace(b.Label) == "" {
			continue
		}
		rows = append(rows, []models.InlineKeyboardButton{{Text: b.Label, CallbackData: b.Data}})
	}
	if len(rows) == 0 {
		return nil
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// units is the length Telegram counts: UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// splitText cuts s into parts Telegram accepts, counting as it does.
func splitText(s string, limit int) []string {
	return bot.SplitText(s, limit, func(r rune, _ int) int { return utf16.RuneLen(r) })
}
