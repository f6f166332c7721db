package conversation

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReminderDaysBefore are the days before the CSV code's last day on which
// a reminder goes out; 0 is the last day itself.
var ReminderDaysBefore = []int{30, 14, 7, 3, 1, 0}

// ReminderHour is the local hour reminders are sent at: a civil hour in
// every zone of Spain.
const ReminderHour = 10

// Location returns the user's time zone, Europe/Madrid by default.
func (u *User) Location() *time.Location { return u.location() }

// ReminderTimes returns when to remind about a letter dated dated: each of
// ReminderDaysBefore days before the code's last day, at ReminderHour in
// loc, keeping only the times after now. Times are computed on loc's
// calendar, so daylight-saving changes never move a reminder off 10:00.
func ReminderTimes(dated Date, loc *time.Location, now time.Time) []time.Time {
	return reminderTimes(dated, loc, now, ReminderDaysBefore)
}

func reminderTimes(dated Date, loc *time.Location, now time.Time, daysBefore []int) []time.Time {
	if dated.IsZero() {
		return nil
	}
	last := dated.AddDays(CSVValidDays)
	var out []time.Time
	for _, before := range daysBefore {
		d := last.AddDays(-before)
		at := time.Date(d.Year, d.Month, d.Day, ReminderHour, 0, 0, 0, loc).UTC()
		if at.After(now) {
			out = append(out, at)
		}
	}
	return out
}

// schedule replaces the user's pending reminders with those of their
// letter, or none when there is nothing left to remind about.
func (t *turn) schedule() {
	u := t.u
	if u.Letter.Dated.IsZero() || !u.RegisteredOn.IsZero() {
		u.Reminders = nil
		return
	}
	u.Reminders = reminderTimes(u.Letter.Dated, u.location(), t.now, t.reminderDays())
}

// reminderDays are the days before the code's last day the user is
// reminded on: the usual ones and those they asked for, latest first.
func (t *turn) reminderDays() []int {
	days := append(slices.Clone(ReminderDaysBefore), t.u.RemindDaysBefore...)
	slices.Sort(days)
	slices.Reverse(days)
	return slices.Compact(days)
}

// RemindNow renders the reminder due at due for u and takes it, with any
// older one, off the pending list; u.Offered becomes its buttons. It
// returns no replies when there is nothing to remind about any more (the
// letter was changed or the user registered). Calling it twice with the
// same arguments gives the same result, so it can render before sending
// and commit after.
func (e *Engine) RemindNow(u *User, due time.Time) Decision {
	t := &turn{e: e, u: u, now: e.now(), lang: u.Lang}
	if t.lang == "" {
		t.lang = English
	}
	t.today = DateOf(t.now.In(u.location()))
	u.Reminders = slices.DeleteFunc(u.Reminders, func(r time.Time) bool { return !r.After(due) })
	if len(u.Reminders) == 0 {
		u.Reminders = nil
	}
	if u.Letter.Dated.IsZero() || !u.RegisteredOn.IsZero() {
		return Decision{}
	}
	exp := u.Letter.Expires()
	left := t.today.DaysUntil(exp)
	args := []string{"date", t.formatDate(u.Letter.Dated), "expiry", t.formatDate(exp), "days", strconv.Itoa(left)}
	var text string
	var data []string
	switch {
	case left < 0:
		u.Reminders = nil
		text = t.ui("reminder.expired", args...)
		data = []string{"fix:csv_expired", "topic:letter_request", "flow:route", "rem:stop"}
	case left == 0:
		text = t.ui("reminder.last_day", args...)
		data = []string{"flow:registered", "fix:csv_expired", "rem:stop"}
	default:
		key := "reminder.days"
		if left == 1 {
			key = "reminder.one_day"
		}
		text = t.ui(key, args...)
		data = []string{"flow:registered", "rem:snooze", "rem:stop", "fix:csv_expired"}
	}
	var links []Link
	if tp := e.cat.Topic("letter_complete"); tp != nil {
		links = t.links(tp)
	}
	t.reply(text, links, t.buttons(data...))
	t.remember()
	return t.d
}

// reminderAction handles the reminder buttons and /stop.
func (t *turn) reminderAction(name string) bool {
	u := t.u
	switch name {
	case "stop":
		u.Reminders = nil
		t.say(t.ui("reminder.stopped"))
		t.menu()
	case "snooze":
		exp := u.Letter.Expires()
		if exp.IsZero() || !u.RegisteredOn.IsZero() || exp.Before(t.today) {
			t.say(t.ui("reminder.none"))
			t.menu()
			return true
		}
		d := t.today.AddDays(1)
		if exp.Before(d) {
			d = exp
		}
		at := time.Date(d.Year, d.Month, d.Day, ReminderHour, 0, 0, 0, u.location()).UTC()
		if !slices.Contains(u.Reminders, at) {
			u.Reminders = append(u.Reminders, at)
			slices.SortFunc(u.Reminders, func(a, b time.Time) int { return a.Compare(b) })
		}
		t.say(t.ui("reminder.snoozed", "date", t.formatDate(d)))
	case "list":
		t.listReminders()
	default:
		return false
	}
	return true
}

// listReminders says what is scheduled, in the user's zone.
func (t *turn) listReminders() {
	u := t.u
	if len(u.Reminders) == 0 {
		t.reply(t.ui("reminder.none"), nil, t.buttons("flow:letter", "flow:menu"))
		return
	}
	var lines []string
	for _, r := range u.Reminders {
		local := r.In(u.location())
		lines = append(lines, "• "+t.ui("reminder.at", "date", t.formatDate(DateOf(local)), "time", local.Format("15:04")))
	}
	data := []string{"rem:stop", "flow:menu"}
	if !u.Letter.Dated.IsZero() {
		data = append([]string{"cal:letter"}, data...)
	}
	t.reply(t.ui("reminder.list")+"\n\n"+strings.Join(lines, "\n"), nil, t.buttons(data...))
}
