package conversation

import (
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/clavebot/clavebot/conversation/content"
)

// registrationPage is where a letter's code is typed: the page the
// calendar event points to.
const registrationPage = "https://sede.agenciatributaria.gob.es/Sede/ayuda/consultas-informaticas/firma-digital-sistema-clave-pin-tecnica/registrarse-clave-pin/registro-internet-csv.html"

// calendarAlarms are how long before the last day the event reminds.
var calendarAlarms = []string{"-P7D", "-P1D"}

// sendCalendar answers "Add to my calendar": the last day of the letter's
// code as an iCalendar file, for people who keep deadlines in their own
// calendar rather than in a chat.
func (t *turn) sendCalendar() {
	l := t.u.Letter
	if l.Dated.IsZero() {
		t.reply(t.ui("calendar.no_date"), nil, t.buttons("flow:letter", "flow:menu"))
		return
	}
	last := l.Expires()
	if last.Before(t.today) {
		t.reply(t.ui("calendar.expired", "date", t.formatDate(last)), nil, t.buttons("fix:csv_expired", "flow:menu"))
		return
	}
	t.d.Replies = append(t.d.Replies, Reply{
		Text:    t.ui("calendar.sent", "date", t.formatDate(last)),
		Buttons: t.buttons("flow:menu"),
		File: &File{
			Name: "clave-csv-" + last.String() + ".ics",
			MIME: "text/calendar",
			Data: []byte(t.calendar(last)),
		},
	})
}

// calendar is an RFC 5545 calendar with one all-day event on the last day
// and its alarms, in the user's language. It holds dates, sentences and
// the official registration page only.
func (t *turn) calendar(last Date) string {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//clavebot//" + string(t.lang))
	// The UID names the day, not the user, so that a second download
	// updates the same event instead of adding another.
	ev := cal.AddEvent("clave-csv-" + last.String() + "@clavebot")
	ev.SetDtStampTime(t.now.UTC())
	start := time.Date(last.Year, last.Month, last.Day, 0, 0, 0, 0, time.UTC)
	ev.SetAllDayStartAt(start)
	ev.SetAllDayEndAt(start.AddDate(0, 0, 1))
	page, _ := content.LinkIn(registrationPage, t.lang, "")
	ev.SetSummary(t.ui("calendar.title"))
	ev.SetDescription(t.ui("calendar.description", "dated", t.formatDate(t.u.Letter.Dated), "date", t.formatDate(last), "url", page))
	ev.SetURL(page)
	for _, trigger := range calendarAlarms {
		a := ev.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger(trigger)
		a.SetProperty(ics.ComponentPropertyDescription, t.ui("calendar.alarm", "date", t.formatDate(last)))
	}
	return cal.Serialize(ics.WithNewLine("\r\n"))
}
