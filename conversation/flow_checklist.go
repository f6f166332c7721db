package conversation

import (
	"slices"
	"strconv"
	"strings"

	"github.com/clavebot/clavebot/conversation/understand"
)

// checklistFlow is the readiness checklist. It asks about one item at a
// time; its ticks are kept in the user's record, and the whole list stays
// one button away.
type checklistFlow struct{}

func init() { register(checklistFlow{}) }

// checklistItems are the readiness items, in the order they are asked.
var checklistItems = []string{"document", "support", "mobile", "email", "tax_address"}

func (checklistFlow) name() string       { return "checklist" }
func (checklistFlow) commands() []string { return []string{"checklist", "lista"} }

func (f checklistFlow) start(t *turn) {
	t.endFlow()
	t.setFlow("checklist", "")
	if t.in != nil {
		f.absorb(t)
	}
	f.next(t, "")
}

// next asks about the first item neither ticked nor already answered in
// this round, or shows the whole list when none is left.
func (f checklistFlow) next(t *turn, lead string) {
	for _, item := range checklistItems {
		if t.u.Checklist[item] || t.u.Flow.Answers[item] != "" {
			continue
		}
		t.setFlow("checklist", item)
		f.askItem(t, lead)
		return
	}
	t.setFlow("checklist", "list")
	f.showList(t, lead)
}

func (f checklistFlow) ask(t *turn) {
	if slices.Contains(checklistItems, t.u.Flow.Step) {
		f.askItem(t, "")
		return
	}
	f.showList(t, "")
}

// progress is the "3 of 5 ready" line and the list with its marks.
func (checklistFlow) progress(t *turn) string {
	done := 0
	var lines []string
	for _, item := range checklistItems {
		mark := "⬜ "
		if t.u.Checklist[item] {
			mark = "✅ "
			done++
		}
		lines = append(lines, mark+t.ui("checklist.item."+item))
	}
	head := t.ui("checklist.progress", "done", strconv.Itoa(done), "total", strconv.Itoa(len(checklistItems)))
	return head + "\n" + strings.Join(lines, "\n")
}

func (f checklistFlow) askItem(t *turn, lead string) {
	item := t.u.Flow.Step
	text := f.progress(t) + "\n\n" + t.ui("checklist.q."+item) + "\n" + t.ui("checklist.hint."+item)
	if lead != "" {
		text = lead + "\n\n" + text
	}
	t.reply(text, nil, t.buttons("a:checklist:"+item+":yes", "a:checklist:"+item+":no", "a:checklist:"+item+":skip", "flow:menu"))
}

func (f checklistFlow) showList(t *turn, lead string) {
	text := f.progress(t)
	if lead != "" {
		text = lead + "\n\n" + text
	}
	var data []string
	for _, item := range checklistItems {
		data = append(data, "ck:"+item)
	}
	done := 0
	for _, item := range checklistItems {
		if t.u.Checklist[item] {
			done++
		}
	}
	if done == len(checklistItems) {
		text += "\n\n" + t.ui("checklist.ready")
		data = append(data, "flow:route", "flow:letter")
	} else {
		var missing []string
		for _, item := range checklistItems {
			if !t.u.Checklist[item] {
				missing = append(missing, "• "+t.ui("checklist.item."+item)+": "+t.ui("checklist.hint."+item))
			}
		}
		text += "\n\n" + t.ui("checklist.missing") + "\n" + strings.Join(missing, "\n") + "\n\n" + t.ui("checklist.how")
		data = append(data, "topic:requirements")
	}
	data = append(data, "flow:menu")
	t.reply(text, nil, t.buttons(data...))
}

func (f checklistFlow) press(t *turn, step, value string) bool {
	if !slices.Contains(checklistItems, step) {
		return false
	}
	switch value {
	case "yes":
		f.mark(t, step, true)
	case "no", "skip":
		f.mark(t, step, false)
	default:
		return false
	}
	lead := ""
	if value == "no" {
		lead = t.ui("checklist.noted_missing")
	}
	f.next(t, lead)
	return true
}

func (checklistFlow) mark(t *turn, item string, ok bool) {
	if t.u.Checklist == nil {
		t.u.Checklist = map[string]bool{}
	}
	if ok {
		t.u.Checklist[item] = true
	} else {
		delete(t.u.Checklist, item)
	}
	if t.u.Flow.Answers == nil {
		t.u.Flow.Answers = map[string]string{}
	}
	t.u.Flow.Answers[item] = strconv.FormatBool(ok)
}

// absorb ticks what the message says is ready, and reports a shared phone,
// which is never ready.
func (f checklistFlow) absorb(t *turn) (said bool) {
	c := t.in.Case
	if c.Document != understand.NoDocument && c.Document != understand.DocPassport {
		f.mark(t, "document", true)
		said = true
	}
	switch c.Address {
	case understand.TriYes:
		f.mark(t, "tax_address", true)
		said = true
	case understand.TriNo:
		f.mark(t, "tax_address", false)
		said = true
	}
	if c.SharedPhone {
		f.mark(t, "mobile", false)
		said = true
	}
	return said
}

// reply reads "yes I have it", "no", "found it", and what the message says
// of the other items.
func (f checklistFlow) reply(t *turn) bool {
	in := t.in
	step := t.u.Flow.Step
	said := f.absorb(t)
	var lead string
	if in.Case.SharedPhone {
		lead = t.ui("checklist.shared_phone")
	}
	if slices.Contains(checklistItems, step) && t.u.Flow.Answers[step] == "" {
		switch {
		case in.Answer == understand.Yes, in.Acts.Has(understand.ActAck) && !in.Rest:
			f.mark(t, step, true)
			said = true
		case in.Answer == understand.No:
			f.mark(t, step, false)
			if lead == "" {
				lead = t.ui("checklist.noted_missing")
			}
			said = true
		case in.Answer == understand.Unsure:
			f.mark(t, step, false)
			lead = t.ui("checklist.unsure")
			said = true
		}
	}
	if !said {
		return false
	}
	if in.Verdict == understand.Clear && in.Acts.Has(understand.ActQuestion) && lead == "" {
		// "found it, but is the E part of it?": the question too.
		t.answerTopic(in.Topics[0].TopicID)
	}
	f.next(t, lead)
	return true
}

func (checklistFlow) back(t *turn) { t.endFlow(); t.menu() }

func (checklistFlow) expect(_ *turn, step string) understand.Expect {
	if slices.Contains(checklistItems, step) {
		return understand.ExpectYesNo
	}
	return understand.ExpectNothing
}

// toggleItem ticks or unticks a checklist item; buttons stay valid at any
// time because the list is shown again after each press.
func (t *turn) toggleItem(item string) bool {
	if !slices.Contains(checklistItems, item) {
		return false
	}
	if t.u.Checklist == nil {
		t.u.Checklist = map[string]bool{}
	}
	if t.u.Checklist[item] {
		delete(t.u.Checklist, item)
	} else {
		t.u.Checklist[item] = true
	}
	t.setFlow("checklist", "list")
	checklistFlow{}.showList(t, "")
	return true
}
