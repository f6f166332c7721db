package conversation

import (
	"errors"
	"strconv"
)

// letterStart opens letter tracking at the step that fits what the user
// has told us so far.
func (t *turn) letterStart() {
	l := t.u.Letter
	switch {
	case !t.u.RegisteredOn.IsZero():
		t.endFlow()
		t.reply(t.ui("letter.after_registration", "date", t.formatDate(t.u.RegisteredOn)), nil,
			t.buttons("topic:after_registration", "a:letter:registered:newletter", "flow:menu"))
		t.setFlow("letter", "registered")
	case !l.Dated.IsZero():
		t.letterAsk("status")
	case !l.ArrivedOn.IsZero():
		t.letterAsk("date")
	case !l.RequestedOn.IsZero():
		t.letterAsk("arrived")
	default:
		t.letterAsk("requested")
	}
}

// letterAsk shows a step of the letter flow.
func (t *turn) letterAsk(step string) {
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
		t.letterStart()
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

func (t *turn) letterAnswer(step, value string) bool {
	l := &t.u.Letter
	switch step + ":" + value {
	case "requested:yes":
		l.RequestedOn = t.today
		t.say(t.ui("letter.requested_saved"))
		t.letterAsk("arrived")
	case "requested:no":
		t.endFlow()
		t.answerTopic("letter_request")
	case "requested:arrived", "arrived:yes":
		l.ArrivedOn = t.today
		t.letterAsk("date")
	case "arrived:no":
		t.endFlow()
		key := "letter.wait"
		if !l.RequestedOn.IsZero() && l.RequestedOn.DaysUntil(t.today) > 14 {
			key = "letter.wait_long"
		}
		t.reply(t.ui(key, "date", t.formatDate(l.RequestedOn)), nil,
			t.buttons("topic:letter_not_arrived", "topic:tax_address", "flow:menu"))
	case "arrived:lost":
		t.endFlow()
		t.answerTopic("letter_not_arrived")
	case "status:change", "registered:newletter":
		t.u.RegisteredOn = Date{}
		t.letterAsk("date")
	default:
		return false
	}
	return true
}

// letterText reads typed answers to the letter flow's steps.
func (t *turn) letterText(step, text string) bool {
	if step == "date" {
		return t.letterDate(text)
	}
	if v := yesNo(text); v == "yes" || v == "no" {
		return t.letterAnswer(step, v)
	}
	return false
}

// letterDate records the date printed on the letter, or explains why the
// text cannot be that date.
func (t *turn) letterDate(text string) bool {
	d, err := ParseDate(text, t.today)
	switch {
	case errors.Is(err, ErrNoDate):
		// It may be a question asked mid-flow ("where is the date?").
		if t.e.match.Match(text).Verdict == Confident {
			return false
		}
		t.reply(t.ui("letter.date.none"), nil, t.buttons("nav:back", "flow:menu"))
		return true
	case errors.Is(err, ErrImpossibleDate), err != nil:
		t.reply(t.ui("letter.date.impossible"), nil, t.buttons("nav:back", "flow:menu"))
		return true
	case t.today.Before(d):
		t.reply(t.ui("letter.date.future", "date", t.formatDate(d)), nil, t.buttons("nav:back", "flow:menu"))
		return true
	}
	l := &t.u.Letter
	l.Dated = d
	if l.ArrivedOn.IsZero() {
		l.ArrivedOn = t.today
	}
	t.endFlow()
	if l.Expires().Before(t.today) {
		t.u.Reminders = nil
		t.reply(t.letterStatus(), nil, t.buttons("fix:csv_expired", "topic:letter_request", "flow:route", "flow:menu"))
		return true
	}
	t.schedule()
	text = t.letterStatus() + "\n\n" + t.ui("letter.saved")
	if len(t.u.Reminders) > 0 {
		text += " " + t.ui("letter.reminders")
	}
	data := []string{"topic:letter_complete", "flow:registered"}
	if t.u.TimeZone == "" {
		text += "\n\n" + t.ui("letter.zone_hint")
		data = append(data, "tz:Atlantic/Canary")
	}
	data = append(data, "flow:menu")
	t.reply(text, nil, t.buttons(data...))
	return true
}
