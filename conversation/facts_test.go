package conversation_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/conversation/content"
)

// firstReply is the text a user in the given case sees when they ask
// about topic id: a guide's map and first step, or the topic's answer,
// before they press anything.
func firstReply(e *conversation.Engine, id string, l conversation.Lang, caseKey string) string {
	u := conversation.User{Lang: l, LangChosen: true, Created: start, LastSeen: start}
	kind, value, _ := strings.Cut(caseKey, ":")
	switch kind {
	case "doc":
		u.Document = value
	case "cert":
		u.Certificate = value
	case "region":
		u.TimeZone = "Atlantic/Canary"
	case "phone":
		u.ForeignPhone = true
	}
	var b strings.Builder
	for _, r := range e.Handle(&u, conversation.Input{Action: "topic:" + id}).Replies {
		b.WriteString(r.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// TestFactsInFirstReplies fails when a topic's first reply lacks a fact
// the fact table says it must state, in either language. With -v it
// prints how many facts each language carries.
func TestFactsInFirstReplies(t *testing.T) {
	now := start
	e := newEngine(t, &now)
	ft, err := content.LoadFacts(mustCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	stated := map[conversation.Lang]int{}
	checks := 0
	for _, f := range ft.Facts {
		for _, id := range f.Topics {
			for _, l := range conversation.Langs {
				checks++
				reply := strings.ToLower(foldAccents(firstReply(e, id, l, f.Case)))
				var missing []string
				for _, p := range f.Patterns(l) {
					if !regexp.MustCompile(p).MatchString(reply) {
						missing = append(missing, p)
					}
				}
				if len(missing) > 0 {
					t.Errorf("%s/%s%s: the first reply lacks fact %s (%s): no match for %q", id, l, caseSuffix(f.Case), f.ID, f.Fact, missing)
					continue
				}
				stated[l]++
			}
		}
	}
	t.Logf("%d facts, %d fact/topic/language checks; stated: en %d, es %d", len(ft.Facts), checks, stated[conversation.English], stated[conversation.Spanish])
}

func caseSuffix(c string) string {
	if c == "" {
		return ""
	}
	return " (" + c + ")"
}

// screenRunes is about what a phone shows of a chat message without
// scrolling: 25 lines of 40 characters.
const screenRunes = 1000

// TestFirstRepliesFitAScreen fails when a message of a topic's first reply
// is longer than a phone screen; "Tell me more" holds the rest.
func TestFirstRepliesFitAScreen(t *testing.T) {
	now := start
	e := newEngine(t, &now)
	for _, tp := range mustCatalog(t).Topics() {
		for _, l := range conversation.Langs {
			u := conversation.User{Lang: l, LangChosen: true, Created: start, LastSeen: start}
			for i, r := range e.Handle(&u, conversation.Input{Action: "topic:" + tp.ID}).Replies {
				if n := len([]rune(r.Text)); n > screenRunes {
					t.Errorf("%s/%s: message %d of the first reply has %d characters, more than a phone screen (%d)", tp.ID, l, i+1, n, screenRunes)
				}
			}
		}
	}
}
