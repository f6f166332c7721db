package conversation_test

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/conversation/understand"
)

// TestCalendarFile records a letter date, presses "Add to my calendar" and
// parses the file back: one all-day event on the last day, two alarms,
// the user's language, the official page in it, and no personal data.
func TestCalendarFile(t *testing.T) {
	for _, tt := range []struct {
		lang    conversation.Lang
		summary string
		page    string
	}{
		{conversation.English, "Last day", "/Sede/en_gb/"},
		{conversation.Spanish, "Último día", "/Sede/ayuda/"},
	} {
		now := start
		e := newEngine(t, &now)
		u := conversation.User{Lang: tt.lang, LangChosen: true, Created: now}
		d := e.Handle(&u, conversation.Input{Text: "my letter came, it is dated 20/11/2026, my NIE is Y7654321Q"})
		if !hasButton(d, "cal:letter") {
			t.Fatalf("%s: no calendar button after the letter date: %+v", tt.lang, d.Replies)
		}
		d = e.Handle(&u, conversation.Input{Action: "cal:letter"})
		var f *conversation.File
		for _, r := range d.Replies {
			if r.File != nil {
				f = r.File
			}
		}
		if f == nil {
			t.Fatalf("%s: no file in %+v", tt.lang, d.Replies)
		}
		if f.Name != "clave-csv-2027-01-19.ics" || f.MIME != "text/calendar" {
			t.Errorf("%s: file %q (%s)", tt.lang, f.Name, f.MIME)
		}
		raw := string(f.Data)
		if !strings.Contains(raw, "\r\n") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
			t.Errorf("%s: lines are not CRLF-terminated", tt.lang)
		}
		for _, line := range strings.Split(raw, "\r\n") {
			if len(line) > 75 {
				t.Errorf("%s: line longer than 75 octets: %q", tt.lang, line)
			}
		}
		if strings.Contains(raw, "Y7654321Q") {
			t.Errorf("%s: the file holds the NIE the user typed", tt.lang)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: parse: %v", tt.lang, err)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%s: %d events", tt.lang, len(events))
		}
		ev := events[0]
		start, err := ev.GetAllDayStartAt()
		if err != nil || start.Format(time.DateOnly) != "2027-01-19" {
			t.Errorf("%s: starts %v (%v), want the all-day 2027-01-19", tt.lang, start, err)
		}
		if p := ev.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["VALUE"][0] != "DATE" {
			t.Errorf("%s: DTSTART is not a date: %+v", tt.lang, p)
		}
		if s := ev.GetProperty(ics.ComponentPropertySummary); s == nil || !strings.Contains(s.Value, tt.summary) {
			t.Errorf("%s: summary %+v", tt.lang, s)
		}
		desc := ev.GetProperty(ics.ComponentPropertyDescription)
		if desc == nil || !strings.Contains(desc.Value, tt.page) {
			t.Fatalf("%s: description lacks the registration page in the user's language: %+v", tt.lang, desc)
		}
		if s := understand.FindSensitive(desc.Value); s != 0 {
			t.Errorf("%s: the description holds something that looks like personal data (%v)", tt.lang, s)
		}
		alarms := ev.Alarms()
		var triggers []string
		for _, a := range alarms {
			if p := a.GetProperty(ics.ComponentPropertyTrigger); p != nil {
				triggers = append(triggers, p.Value)
			}
		}
		if strings.Join(triggers, " ") != "-P7D -P1D" {
			t.Errorf("%s: alarms %v, want 7 days and 1 day before", tt.lang, triggers)
		}
	}
}
