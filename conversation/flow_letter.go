package conversation

import (
	"strconv"

	"github.com/clavebot/clavebot/conversation/understand"
)

// letterFlow tracks the invitation letter: asked for, arrived, the date
// printed on it. What it records can also be told in free text anywhere
// (see letterNews); the flow only asks for what is still missing.
type letterFlow struct{}

func init() { register(letterFlow{}) }

func (letterFlow) name() string       { return "letter" }
func (letterFlow) commands() []string { return []string{"letter", "carta"} }

// start opens letter tracking at the step that fits what the user has
// told us so far.
func (f letterFlow) start(t *turn) {
	l := t.u.Letter
	switch {
	case !t.u.RegisteredOn.IsZero():
		t.endFlow()
		t.reply(t.ui("letter.after_registration", "date", t.formatDate(t.u.RegisteredOn)), nil,
			t.buttons("topic:after_registration", "a:letter:registered:newletter", "flow:menu"))
		t.setFlow("letter", "registered")
	case !l.Dated.IsZero():
		f.askStep(t, "status")
	case !l.ArrivedOn.IsZero():
		f.askStep(t, "date")
	case !l.RequestedOn.IsZero():
		f.askStep(t, "arrived")
	default:
		f.askStep(t, "requested")
	}
}

func (f letterFlow) ask(t *turn) { f.askStep(t, t.u.Flow.Step) }

// askStep shows a step of the letter flow.
func (f letterFlow) askStep(t *turn, step string) {
	t.setFlow("letter", step)
	a := func(v string) string { return "a:letter:" + step + ":" + v }
	switch step {
	case "requested":
		t.reply(t.ui("letter.q.requested"), nil, t.buttons(a("yes"), a("no"), a("arrived"), "flow:menu"))
	case "arrived":
		t.reply(t.ui("letter.q.arrived"), nil, t.buttons(a("yes"), a("no"), a("lost"), "flow:menu"))
	case "date":
		t.reply(t.ui("letter.q.date"), nil, t.buttons("nav:back", "flow:menu"))
	case "status":
		t.reply(t.letterStatus(), nil, t.buttons("flow:registered", a("change"), "fix:csv_expired", "topic:letter_complete", "flow:menu"))
	default:
		f.start(t)
	}
}

// letterStatus describes the letter's code: days left, or expired.
func (t *turn) letterStatus() string {
	l := t.u.Letter
	exp := l.Expires()
	left := t.today.DaysUntil(exp)
	args := []string{"date", t.formatDate(l.Dated), "expiry", t.formatDate(exp), "days", strconv.Itoa(left)}
	switch {
	case left < 0:
		return t.ui("letter.status.expired", args...)
	case left == 0:
		return t.ui("letter.status.last_day", args...)
	case left == 1:
		return t.ui("letter.status.one_day", args...)
	}
	return t.ui("letter.status.valid", args...)
}

func (f letterFlow) press(t *turn, step, value string) bool {
	l := &t.u.Letter
	switch step + ":" + value {
	case "requested:yes":
		l.RequestedOn = t.today
		t.say(t.ui("letter.requested_saved"))
		f.askStep(t, "arrived")
	case "requested:no":
		t.endFlow()
		t.answerTopic("letter_request")
	case "requested:arrived", "arrived:yes":
		l.ArrivedOn = t.today
		f.askStep(t, "date")
	case "arrived:no":
		t.letterNotYet()
	case "arrived:lost":
		t.endFlow()
		t.answerTopic("letter_not_arrived")
	case "status:change", "registered:newletter":
		t.u.RegisteredOn = Date{}
		f.askStep(t, "date")
	default:
		return false
	}
	return true
}

// reply reads typed answers to the flow's yes/no steps; dates and news
// are letterNews's business, which runs right after.
func (f letterFlow) reply(t *turn) bool {
	step := t.u.Flow.Step
	in := t.in
	if len(in.Progress) > 0 || len(in.Dates) > 0 {
		return false
	}
	switch {
	case step == "requested" && in.Answer == understand.Yes:
		return f.press(t, step, "yes")
	case step == "requested" && in.Answer == understand.No:
		return f.press(t, step, "no")
	case step == "arrived" && in.Answer == understand.Yes:
		return f.press(t, step, "yes")
	case step == "arrived" && in.Answer == understand.No:
		return f.press(t, step, "no")
	case step == "date" && in.Answer == understand.Unsure:
		t.reply(t.ui("letter.date.where"), nil, t.buttons("nav:back", "flow:menu"))
		return true
	}
	return false
}

func (f letterFlow) back(t *turn) {
	if t.u.Flow.Step == "date" {
		f.askStep(t, "arrived")
		return
	}
	t.endFlow()
	t.menu()
}

func (letterFlow) expect(_ *turn, step string) understand.Expect {
	if step == "date" {
		return understand.ExpectDate
	}
	return understand.ExpectYesNo
}

// letterNotYet answers "not yet" to "has the letter arrived?".
func (t *turn) letterNotYet() {
	l := t.u.Letter
	t.endFlow()
	key := "letter.wait"
	if !l.RequestedOn.IsZero() && l.RequestedOn.DaysUntil(t.today) > 14 {
		key = "letter.wait_long"
	}
	t.reply(t.ui(key, "date", t.formatDate(l.RequestedOn)), nil,
		t.buttons("topic:letter_not_arrived", "topic:tax_address", "flow:menu"))
	t.u.LetterTalk = true
}
