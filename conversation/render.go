package conversation

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// ui returns the flow sentence key in the turn's language, with {name}
// placeholders replaced by the given name/value pairs.
func (t *turn) ui(key string, pairs ...string) string {
	return fill(t.e.cat.UI(t.lang, key), pairs)
}

// fill replaces each {name} of s by its value in pairs (name, value, ...).
// It is written out rather than a strings.Replacer because it runs several
// times per reply, and a reminder sweep renders a thousand replies.
func fill(s string, pairs []string) string {
	if len(pairs) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name, value, found := s[i+1:i+j], "", false
		for k := 0; k+1 < len(pairs); k += 2 {
			if pairs[k] == name {
				value, found = pairs[k+1], true
				break
			}
		}
		b.WriteString(s[:i])
		if found {
			b.WriteString(value)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

func (t *turn) say(text string) { t.reply(text, nil, nil) }

func (t *turn) reply(text string, links []Link, buttons []Button) {
	t.d.Replies = append(t.d.Replies, Reply{Text: strings.TrimSpace(text), Links: links, Buttons: buttons})
}

// button builds the button for an action, labelled in the turn's language.
func (t *turn) button(data string) Button { return Button{Label: t.label(data), Data: data} }

func (t *turn) buttons(data ...string) []Button {
	out := make([]Button, 0, len(data))
	for _, d := range data {
		out = append(out, t.button(d))
	}
	return out
}

// label names an action. Labels are derived from the action, never stored,
// so a typed label can be matched against the offered actions later.
func (t *turn) label(data string) string {
	kind, name, _ := strings.Cut(data, ":")
	switch kind {
	case "topic":
		if tp := t.e.cat.Topic(name); tp != nil {
			return tp.Title.In(t.lang)
		}
	case "more":
		return t.ui("button.more")
	case "all":
		// "Other documents" when the answer was fitted to a document.
		if tp := t.e.cat.Topic(name); tp != nil {
			if c := t.caseFor(tp); c != nil && len(c.For) > 0 {
				kind, _, _ := strings.Cut(c.For[0], ":")
				if t.e.cat.HasUI("button.all." + kind) {
					return t.ui("button.all." + kind)
				}
			}
		}
		return t.ui("button.all")
	case "fix":
		if tp := t.e.cat.Topic(name); tp != nil {
			return t.ui("button.fix", "title", tp.Title.In(t.lang))
		}
	case "lang":
		return t.ui("lang." + name)
	case "tz":
		return t.ui("tz." + name)
	case "a":
		// a:FLOW:STEP:VALUE is labelled by FLOW.VALUE, or by the
		// generic answer VALUE.
		parts := strings.SplitN(name, ":", 3)
		if len(parts) == 3 {
			flow, step, value := parts[0], parts[1], parts[2]
			if strings.HasPrefix(flow, "fix.") {
				flow = "fix"
			}
			for _, key := range []string{flow + ".answer." + step + "." + value, flow + ".answer." + value} {
				if t.e.cat.HasUI(key) {
					return t.ui(key)
				}
			}
			return t.ui("answer." + value)
		}
	case "ck":
		mark := "☐ "
		if t.u.Checklist[name] {
			mark = "☑ "
		}
		return mark + t.ui("checklist.item."+name)
	}
	return t.ui("button." + strings.ReplaceAll(data, ":", "."))
}

// menu appends the main menu.
func (t *turn) menu() {
	t.reply(t.ui("menu.title"), nil, t.buttons(
		"flow:route", "flow:checklist", "flow:letter", "flow:fix", "flow:registered", "flow:topics"))
}

// answerTopic replies with a topic's short answer and its follow-ups.
func (t *turn) answerTopic(id string) { t.topicReply(id, true) }

// topicReply replies with a topic's short answer, fitted to the user's
// case when the topic has an answer for it, with its follow-up buttons
// or, when a guide takes over right after, without.
func (t *turn) topicReply(id string, withButtons bool) { t.topicAnswer(id, withButtons, true) }

// topicAnswer is topicReply; fitted false gives the general answer, for
// "Other cases".
func (t *turn) topicAnswer(id string, withButtons, fitted bool) {
	tp := t.e.cat.Topic(id)
	if tp == nil {
		t.menu()
		return
	}
	t.d.Topic = id
	t.u.LastTopic = id
	if letterTopics[id] {
		t.u.LetterTalk = true
	}
	text := tp.Short.In(t.lang)
	var data []string
	if c := t.caseFor(tp); c != nil && fitted {
		text = c.Short.In(t.lang)
		data = append(data, "all:"+id)
	}
	if len(tp.More) > 0 {
		data = append(data, "more:"+id)
	}
	if len(tp.Steps) > 0 {
		data = append(data, "fix:"+id)
	}
	for _, n := range tp.Next {
		if n != "fix:"+id {
			data = append(data, n)
		}
	}
	data = append(data, "flow:menu")
	if !withButtons {
		data = nil
	}
	t.reply(text, t.links(tp), t.buttons(data...))
}

// answerMore replies with a topic's detail.
func (t *turn) answerMore(id string) {
	tp := t.e.cat.Topic(id)
	if tp == nil || len(tp.More) == 0 {
		t.answerTopic(id)
		return
	}
	t.d.Topic = id
	t.u.LastTopic = id
	data := append([]string{}, tp.Next...)
	if len(tp.Steps) > 0 && !strings.Contains(strings.Join(data, " "), "fix:"+id) {
		data = append([]string{"fix:" + id}, data...)
	}
	data = append(data, "flow:menu")
	t.reply(tp.More.In(t.lang), t.links(tp), t.buttons(data...))
}

func (t *turn) links(tp *Topic) []Link {
	var out []Link
	for _, l := range tp.Links {
		addr, in := l.In(t.lang)
		title := l.Title.In(t.lang)
		if in != t.lang && in != "" {
			title += " " + t.ui("link.only."+string(in))
		}
		out = append(out, Link{Title: title, URL: addr})
	}
	return out
}

// personalNote adds what the user's own record says to an answer about
// topic id: the letter's dates when the answer is about its code.
func (t *turn) personalNote(id string) {
	l := t.u.Letter
	switch {
	case (id == "csv_code" || id == "csv_expired" || id == "letter_complete") && !l.Dated.IsZero():
		t.say(t.letterStatus())
	case id == "letter_not_arrived" && !l.RequestedOn.IsZero() && l.Dated.IsZero() && l.RequestedOn.Before(t.today):
		t.say(t.ui("letter.requested_on", "date", t.formatDate(l.RequestedOn),
			"days", fmt.Sprint(l.RequestedOn.DaysUntil(t.today))))
	}
}

// formatDate writes d as people read dates in the turn's language.
func (t *turn) formatDate(d Date) string {
	month := t.ui(fmt.Sprintf("month.%d", int(d.Month)))
	return t.ui("date.format", "day", fmt.Sprint(d.Day), "month", month, "year", fmt.Sprint(d.Year))
}

var (
	zonesMu sync.Mutex
	zones   = map[string]*time.Location{}
)

// loadZone caches the few zones the bot uses; they are read once from the
// Go time zone database (embedded in the binary by cmd/clavebot), so the
// engine does no repeated I/O.
func loadZone(name string) (*time.Location, error) {
	zonesMu.Lock()
	defer zonesMu.Unlock()
	if loc, ok := zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones[name] = loc
	return loc, nil
}

// Unreadable is the reply to a message that could not be decrypted: its
// language is unknown, so it is said in every language.
func (e *Engine) Unreadable() Reply {
	var parts []string
	for _, l := range Langs {
		parts = append(parts, e.cat.UI(l, "input.unreadable"))
	}
	return Reply{Text: strings.Join(parts, "\n\n")}
}

// Apology is the reply for a message the bot could not handle because
// something failed on its side. lang may be empty; hint is the platform's
// language code.
func (e *Engine) Apology(lang Lang, hint string) Reply {
	if lang == "" {
		lang, _ = ParseLang(hint)
	}
	if lang == "" {
		lang = English
	}
	return Reply{Text: e.cat.UI(lang, "error.internal")}
}
