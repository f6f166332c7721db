package conversation_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestReminderTimes checks the schedule on ordinary days, across both
// daylight-saving changes, in the Canary Islands, and with some times
// already past.
func TestReminderTimes(t *testing.T) {
	madrid, canary := mustZone(t, "Europe/Madrid"), mustZone(t, "Atlantic/Canary")
	tests := []struct {
		name  string
		dated conversation.Date
		loc   *time.Location
		now   time.Time
		want  []string // UTC
	}{
		{"winter, Madrid", d(2026, 11, 20), madrid, start, []string{
			"2026-12-20T09:00Z", "2027-01-05T09:00Z", "2027-01-12T09:00Z", "2027-01-16T09:00Z", "2027-01-18T09:00Z", "2027-01-19T09:00Z"}},
		{"winter, Canary", d(2026, 11, 20), canary, start, []string{
			"2026-12-20T10:00Z", "2027-01-05T10:00Z", "2027-01-12T10:00Z", "2027-01-16T10:00Z", "2027-01-18T10:00Z", "2027-01-19T10:00Z"}},
		// The code's last day is 2027-03-28, the last Sunday of March:
		// clocks go forward that night, and 10:00 is 08:00 UTC from then on.
		{"spring change, Madrid", d(2027, 1, 27), madrid, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), []string{
			"2027-02-26T09:00Z", "2027-03-14T09:00Z", "2027-03-21T09:00Z", "2027-03-25T09:00Z", "2027-03-27T09:00Z", "2027-03-28T08:00Z"}},
		{"spring change, Canary", d(2027, 1, 27), canary, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), []string{
			"2027-02-26T10:00Z", "2027-03-14T10:00Z", "2027-03-21T10:00Z", "2027-03-25T10:00Z", "2027-03-27T10:00Z", "2027-03-28T09:00Z"}},
		// The last day is 2026-10-25, the last Sunday of October: clocks go
		// back, and 10:00 is 09:00 UTC that day.
		{"autumn change, Madrid", d(2026, 8, 26), madrid, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), []string{
			"2026-09-25T08:00Z", "2026-10-11T08:00Z", "2026-10-18T08:00Z", "2026-10-22T08:00Z", "2026-10-24T08:00Z", "2026-10-25T09:00Z"}},
		{"some already past", d(2026, 11, 20), madrid, time.Date(2027, 1, 16, 9, 0, 0, 0, time.UTC), []string{
			"2027-01-18T09:00Z", "2027-01-19T09:00Z"}},
		// 59 days ago: the day before the last is today, and 10:00 today is
		// now, so only the last day is left.
		{"dated 59 days ago", d(2026, 9, 28), madrid, start, []string{"2026-11-27T09:00Z"}},
		{"unknown date", conversation.Date{}, madrid, start, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, at := range conversation.ReminderTimes(tt.dated, tt.loc, tt.now) {
				if local := at.In(tt.loc); local.Hour() != 10 || local.Minute() != 0 {
					t.Errorf("%v is %v local time, want 10:00", at, local)
				}
				got = append(got, at.UTC().Format("2006-01-02T15:04Z"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestRemindNow(t *testing.T) {
	dated := d(2026, 11, 20) // the code's last day: 2027-01-19
	madrid := mustZone(t, "Europe/Madrid")
	all := conversation.ReminderTimes(dated, madrid, start)
	tests := []struct {
		name      string
		due       time.Time
		user      func(*conversation.User)
		want      string // in the reply; "" means no reply
		remaining int
	}{
		{"thirty days", all[0], nil, "30 more days", 5},
		{"catching up sends the most recent and drops older", all[2], nil, "7 more days", 3},
		{"one day", all[4], nil, "only until tomorrow", 1},
		{"last day", all[5], nil, "Today, 19 January 2027, is the last day", 0},
		{"already expired", all[5].Add(48 * time.Hour), nil, "ran out on 19 January 2027", 0},
		{"registered meanwhile", all[0], func(u *conversation.User) { u.RegisteredOn = d(2026, 12, 1) }, "", 5},
		{"letter date removed", all[0], func(u *conversation.User) { u.Letter = conversation.Letter{} }, "", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.due
			e := newEngine(t, &now)
			u := conversation.User{Lang: conversation.English, Letter: conversation.Letter{Dated: dated}, Reminders: slices.Clone(all)}
			if tt.user != nil {
				tt.user(&u)
			}
			dec := e.RemindNow(&u, tt.due)
			again := u
			again.Reminders = slices.Clone(u.Reminders)
			if dec2 := e.RemindNow(&again, tt.due); len(dec2.Replies) != len(dec.Replies) || len(again.Reminders) != len(u.Reminders) {
				t.Error("RemindNow is not repeatable")
			}
			if tt.want == "" {
				if len(dec.Replies) != 0 {
					t.Errorf("reminder sent: %q", dec.Replies[0].Text)
				}
				return
			}
			if len(dec.Replies) != 1 || !strings.Contains(dec.Replies[0].Text, tt.want) {
				t.Fatalf("replies %+v, want one containing %q", dec.Replies, tt.want)
			}
			checkReply(t, dec.Replies[0])
			if len(u.Reminders) != tt.remaining {
				t.Errorf("%d reminders left, want %d", len(u.Reminders), tt.remaining)
			}
			if len(u.Offered) != len(dec.Replies[0].Buttons) {
				t.Error("the reminder's buttons are not offered for numbered answers")
			}
		})
	}
}

// TestReminderFlows drives scheduling through the conversation: recording
// a date, snoozing, stopping, registering, changing zone and date.
func TestReminderFlows(t *testing.T) {
	now := start
	e := newEngine(t, &now)
	say := func(u *conversation.User, in conversation.Input) string {
		t.Helper()
		var texts []string
		for _, r := range e.Handle(u, in).Replies {
			texts = append(texts, r.Text)
		}
		return strings.Join(texts, "\n")
	}
	record := func() *conversation.User {
		u := &conversation.User{Lang: conversation.English, LangChosen: true}
		say(u, conversation.Input{Text: "/letter"})
		say(u, conversation.Input{Text: "3"})
		if got := say(u, conversation.Input{Text: "20/11/2026"}); !strings.Contains(got, "I'll remind you") {
			t.Fatalf("recording the date: %q", got)
		}
		if len(u.Reminders) != 6 {
			t.Fatalf("%d reminders scheduled, want 6", len(u.Reminders))
		}
		return u
	}

	u := record()
	if got := say(u, conversation.Input{Text: "/reminders"}); !strings.Contains(got, "20 December 2026 at 10:00") {
		t.Errorf("/reminders: %q", got)
	}
	say(u, conversation.Input{Action: "rem:snooze"})
	if len(u.Reminders) != 7 || !u.Reminders[0].Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("after snooze: %v", u.Reminders)
	}
	say(u, conversation.Input{Action: "tz:Atlantic/Canary"})
	if len(u.Reminders) != 6 || u.Reminders[0].Hour() != 10 {
		t.Errorf("after moving to the Canaries: %v", u.Reminders)
	}
	say(u, conversation.Input{Text: "/stop"})
	if len(u.Reminders) != 0 {
		t.Errorf("after /stop: %v", u.Reminders)
	}

	u = record()
	say(u, conversation.Input{Action: "rem:stop"})
	if len(u.Reminders) != 0 {
		t.Errorf("after the stop button: %v", u.Reminders)
	}

	u = record()
	say(u, conversation.Input{Action: "flow:registered"})
	if len(u.Reminders) != 0 {
		t.Errorf("after registering: %v", u.Reminders)
	}

	u = record()
	say(u, conversation.Input{Text: "/letter"})
	say(u, conversation.Input{Action: "a:letter:status:change"})
	say(u, conversation.Input{Text: "1/11/2026"})
	if len(u.Reminders) != 6 || !u.Reminders[0].Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("after changing the date: %v", u.Reminders)
	}
	say(u, conversation.Input{Text: "/letter"})
	say(u, conversation.Input{Action: "a:letter:status:change"})
	say(u, conversation.Input{Text: "1/9/2026"}) // expired
	if len(u.Reminders) != 0 {
		t.Errorf("an expired letter keeps reminders: %v", u.Reminders)
	}
}
