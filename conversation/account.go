package conversation

import (
	"strconv"
	"strings"
)

// registered records that the user completed registration and shows what
// comes next.
func (t *turn) registered() {
	t.endFlow()
	if t.u.RegisteredOn.IsZero() {
		t.u.RegisteredOn = t.today
	}
	t.u.Reminders = nil
	t.u.RemindDaysBefore = nil
	t.d.Topic, t.u.LastTopic = "after_registration", "after_registration"
	t.reply(t.ui("registered.next"), nil, t.buttons(
		"topic:clave_movil", "topic:permanente_activation", "topic:levels", "topic:login_app", "flow:menu"))
}

// myData lists everything stored about the user, in words.
func (t *turn) myData() string {
	u := t.u
	var lines []string
	add := func(key string, args ...string) { lines = append(lines, "• "+t.ui(key, args...)) }
	if u.LangChosen {
		add("mydata.lang_chosen", "lang", t.ui("lang."+string(t.lang)))
	} else {
		add("mydata.lang_detected", "lang", t.ui("lang."+string(t.lang)))
	}
	zone := u.TimeZone
	if zone == "" {
		zone = "Europe/Madrid"
	}
	add("mydata.zone", "zone", t.ui("tz."+zone))
	if u.Document != "" {
		add("mydata.document", "document", t.ui("document."+u.Document))
	}
	if u.Certificate != "" {
		add("mydata.certificate." + u.Certificate)
	}
	if u.ForeignPhone {
		add("mydata.foreign_phone")
	}
	var ticked []string
	for _, item := range checklistItems {
		if u.Checklist[item] {
			ticked = append(ticked, t.ui("checklist.item."+item))
		}
	}
	if len(ticked) > 0 {
		add("mydata.checklist", "items", strings.Join(ticked, "; "))
	}
	if u.Route != "" {
		add("mydata.route", "route", t.ui("route.name."+u.Route))
	}
	if d := u.Letter.RequestedOn; !d.IsZero() {
		add("mydata.requested", "date", t.formatDate(d))
	}
	if d := u.Letter.ArrivedOn; !d.IsZero() {
		add("mydata.arrived", "date", t.formatDate(d))
	}
	if d := u.Letter.Dated; !d.IsZero() {
		add("mydata.dated", "date", t.formatDate(d), "expiry", t.formatDate(u.Letter.Expires()))
	}
	if d := u.RegisteredOn; !d.IsZero() {
		add("mydata.registered", "date", t.formatDate(d))
	}
	if n := len(u.Reminders); n > 0 {
		next := u.Reminders[0].In(u.location())
		add("mydata.reminders", "n", strconv.Itoa(n), "date", t.formatDate(DateOf(next)))
	}
	if u.Flow.Active() {
		add("mydata.flow", "flow", t.flowName())
	}
	if !u.Created.IsZero() {
		add("mydata.since", "date", t.formatDate(DateOf(u.Created.In(u.location()))))
	}
	unanswered := t.ui("mydata.unanswered_off")
	if t.e.keepUnanswered {
		unanswered = t.ui("mydata.unanswered")
	}
	return t.ui("mydata.title") + "\n\n" + strings.Join(lines, "\n") + "\n\n" + t.ui("mydata.never") + " " + unanswered
}
