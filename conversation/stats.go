package conversation

import (
	"fmt"
	"slices"
	"strings"
)

// Stats is what operators see with /stats: counts only, nothing that
// identifies a user.
type Stats struct {
	UsersByFrontEnd       map[string]int
	UsersByLang           map[string]int
	LettersTracked        int // a letter date recorded, registration not yet
	RemindersPending      int
	RemindersSentThisWeek int
	Unanswered            []Unanswered // most asked first
}

// Unanswered is a question the bot could not answer, and how often it
// was asked.
type Unanswered struct {
	Question string
	Count    int
}

// StatsReply renders st for an operator, in the language hint's language.
func (e *Engine) StatsReply(hint string, st Stats) Reply {
	t := &turn{e: e, lang: hintLang(hint)}
	var b strings.Builder
	b.WriteString(t.ui("stats.title"))
	b.WriteString("\n\n" + t.ui("stats.users", "counts", counts(st.UsersByFrontEnd)))
	b.WriteString("\n" + t.ui("stats.langs", "counts", counts(st.UsersByLang)))
	b.WriteString("\n" + t.ui("stats.letters", "n", fmt.Sprint(st.LettersTracked)))
	b.WriteString("\n" + t.ui("stats.reminders", "pending", fmt.Sprint(st.RemindersPending), "sent", fmt.Sprint(st.RemindersSentThisWeek)))
	if len(st.Unanswered) == 0 {
		b.WriteString("\n\n" + t.ui("stats.unanswered_none"))
	} else {
		b.WriteString("\n\n" + t.ui("stats.unanswered"))
		for _, q := range st.Unanswered {
			b.WriteString(fmt.Sprintf("\n• %d × %s", q.Count, q.Question))
		}
	}
	return Reply{Text: b.String()}
}

// counts writes a map as "a 3, b 1", largest first.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, ", ")
}

// Unanswerable is what may be kept of a question the bot could not
// answer: nothing when the engine keeps nothing, otherwise the question
// reduced to the words the knowledge base knows (see
// understand.Interpreter.Anonymize), which cannot identify anyone.
func (e *Engine) Unanswerable(text string) string {
	if !e.keepUnanswered {
		return ""
	}
	text, tooLong := cleanText(text)
	if tooLong {
		return ""
	}
	return e.ip.Anonymize(text)
}
