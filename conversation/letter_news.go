package conversation

import (
	"slices"
	"strconv"
	"strings"

	"github.com/clavebot/clavebot/conversation/understand"
)

// letterTopics are the topics whose talk is about the letter: a date that
// follows them is the letter's.
var letterTopics = map[string]bool{
	"csv_code": true, "csv_expired": true, "letter_complete": true, "letter_request": true, "letter_not_arrived": true,
}

// statusCovers are the topics a letter's status already answers: "how
// long do I have?" needs no other reply once the date is known.
var statusCovers = map[string]bool{"csv_code": true, "csv_expired": true, "letter_not_arrived": true, "about_bot": true}

// letterNews acts on what the message says about the invitation letter,
// from anywhere in the conversation: it was asked for, it came, the date
// on it (or a correction of that date), a reminder request. It reports
// whether there was any such news.
func (t *turn) letterNews() bool {
	in := t.in
	l := &t.u.Letter
	inDateStep := t.u.Flow.Name == "letter" && t.u.Flow.Step == "date"
	talk := inDateStep || t.u.LetterTalk || letterTopics[t.lastTopic] || in.States(understand.LetterCame) ||
		in.Acts.Has(understand.ActCorrection) && !l.Dated.IsZero() ||
		in.Verdict == understand.Clear && letterTopics[in.Topics[0].TopicID]
	talk = talk || in.MentionsLetter
	// "dated 22/10", "pone 3/11": the letter's, unless another document
	// is named ("my DNI says 01/01/9999") or the date is of the request.
	printedCue := true
	switch {
	case in.MentionsDocument && !in.MentionsLetter, t.lastTopic == "document_data" && !in.MentionsLetter:
		talk, printedCue = inDateStep, inDateStep
	case in.States(understand.LetterAskedFor) || in.States(understand.LetterMissing):
		// "I asked for it on the 2nd": only a date said to be printed
		// on the letter is its date.
		talk = inDateStep
	}
	printed, impossible := t.printedDate(talk, printedCue)
	switch {
	case impossible && talk:
		t.setFlow("letter", "date")
		t.reply(t.ui("letter.date.impossible"), nil, t.buttons("nav:back", "flow:menu"))
		return true
	case printed != nil:
		t.letterDated(*printed)
		return true
	case in.Has(understand.RequestRemind):
		t.remindRequest()
		return true
	case in.States(understand.LetterCame):
		if l.ArrivedOn.IsZero() {
			l.ArrivedOn = t.arrivalDate()
		}
		t.answerAlso("letter_not_arrived", "letter_request")
		letterFlow{}.askStep(t, "date")
		return true
	case in.States(understand.LetterMissing):
		if in.States(understand.LetterAskedFor) {
			l.RequestedOn = t.requestDate()
		}
		t.answerTopic("letter_not_arrived")
		t.personalNote("letter_not_arrived")
		return true
	case in.States(understand.LetterAskedFor):
		t.letterRequested(t.requestDate())
		return true
	case inDateStep && len(in.Dates) == 0 && in.Verdict != understand.Clear:
		t.reply(t.ui("letter.date.none"), nil, t.buttons("nav:back", "flow:menu"))
		return true
	}
	return false
}

// printedDate picks the date the message gives as the one printed on the
// letter: one said to be ("dated 22/10", "pone 3/11"), or, when the
// letter is being talked about, one not said to be anything else.
func (t *turn) printedDate(talk, printedCue bool) (*understand.DateMention, bool) {
	var best *understand.DateMention
	impossible := false
	for i := range t.in.Dates {
		m := &t.in.Dates[i]
		switch {
		case m.Impossible:
			impossible = impossible || talk || m.Role == understand.RolePrinted
			continue
		case m.Negated:
			continue
		case m.Role == understand.RolePrinted && (talk || printedCue):
			return m, false
		case m.Role == understand.RoleUnsaid && talk && best == nil:
			best = m
		}
	}
	if best == nil && impossible {
		return nil, true
	}
	return best, false
}

func (t *turn) arrivalDate() Date {
	for _, m := range t.in.Dates {
		if m.Role == understand.RoleArrival && !m.Date.IsZero() && !t.today.Before(m.Date) {
			return m.Date
		}
	}
	return t.today
}

// approximate reports whether day came from a vague expression such as
// "last week".
func (t *turn) approximate(day Date) bool {
	for _, m := range t.in.Dates {
		if m.Date == day && m.Approximate {
			return true
		}
	}
	return false
}

func (t *turn) requestDate() Date {
	for _, m := range t.in.Dates {
		if (m.Role == understand.RoleRequest || m.Role == understand.RoleUnsaid) && !m.Date.IsZero() && !t.today.Before(m.Date) {
			return m.Date
		}
	}
	return t.today
}

// letterRequested records that the letter was asked for on day.
func (t *turn) letterRequested(day Date) {
	t.u.Letter.RequestedOn = day
	key := "letter.requested_saved"
	switch {
	case t.approximate(day):
		key = "letter.requested_saved_about"
	case day != t.today:
		key = "letter.requested_saved_on"
	}
	t.endFlow()
	t.u.LetterTalk = true
	t.u.LastTopic = "letter_request"
	t.reply(t.ui(key, "date", t.formatDate(day), "days", strconv.Itoa(day.DaysUntil(t.today)))+"\n\n"+t.ui("letter.tell_me_when"), nil,
		t.buttons("topic:letter_request", "topic:tax_address", "flow:menu"))
	t.answerAlso("letter_request", "letter_not_arrived")
}

// letterDated records the date printed on the letter, or explains why it
// cannot be that date. A new date replaces an old one and says so.
func (t *turn) letterDated(m understand.DateMention) {
	d := m.Date
	l := &t.u.Letter
	if m.NoYear && d.DaysUntil(t.today) > 180 {
		// "25/11" typed on 10 November is next week, not last year: a
		// slip to question, not an expired letter.
		d = Date{Year: d.Year + 1, Month: d.Month, Day: d.Day}
	}
	if t.today.Before(d) {
		t.setFlow("letter", "date")
		t.reply(t.ui("letter.date.future", "date", t.formatDate(d)), nil, t.buttons("nav:back", "flow:menu"))
		return
	}
	old := l.Dated
	l.Dated = d
	if l.ArrivedOn.IsZero() {
		l.ArrivedOn = t.arrivalDate()
	}
	t.u.RegisteredOn = Date{}
	t.endFlow()
	t.u.LetterTalk = true
	t.u.LastTopic = "csv_code"
	var parts []string
	switch {
	case !old.IsZero() && old != d && l.Expires().Before(t.today):
		parts = append(parts, t.ui("letter.corrected_plain", "old", t.formatDate(old), "date", t.formatDate(d)))
	case !old.IsZero() && old != d:
		parts = append(parts, t.ui("letter.corrected", "old", t.formatDate(old), "date", t.formatDate(d)))
	case m.Relative:
		parts = append(parts, t.ui("letter.date.read_as", "date", t.formatDate(d)))
	}
	if m.Approximate {
		parts = append(parts, t.ui("letter.date.approximate"))
	}
	if t.in.Has(understand.RequestRemind) && t.in.HasDays {
		t.addRemindDays(t.in.Days)
	}
	if l.Expires().Before(t.today) {
		t.u.Reminders = nil
		t.u.LastTopic = "csv_expired"
		parts = append(parts, t.letterStatus())
		t.reply(strings.Join(parts, "\n\n"), nil, t.buttons("fix:csv_expired", "topic:letter_request", "flow:route", "flow:menu"))
		return
	}
	t.schedule()
	parts = append(parts, t.letterStatus(), t.ui("letter.saved"))
	if len(t.u.Reminders) > 0 {
		parts = append(parts, t.reminderPlan())
	}
	data := []string{"cal:letter", "topic:letter_complete", "flow:registered"}
	if t.u.TimeZone == "" {
		parts = append(parts, t.ui("letter.zone_hint"))
		data = append(data, "tz:Atlantic/Canary")
	}
	data = append(data, "flow:menu")
	t.reply(strings.Join(parts, "\n\n"), nil, t.buttons(data...))
	if in := t.in; in.Verdict == understand.Clear && in.Acts.Has(understand.ActQuestion) {
		if !statusCovers[in.Topics[0].TopicID] {
			t.answerTopic(in.Topics[0].TopicID)
		}
		if in.Also != "" && !statusCovers[in.Also] && in.Also != t.d.Topic {
			t.answerTopic(in.Also)
		}
	}
}

// reminderPlan says when the reminders will come.
func (t *turn) reminderPlan() string {
	days := t.reminderDays()
	var ds []string
	for _, n := range days {
		if n > 0 {
			ds = append(ds, strconv.Itoa(n))
		}
	}
	return t.ui("letter.reminders", "days", joinList(t, ds))
}

// joinList writes "30, 14, 7 and 3" in the turn's language.
func joinList(t *turn, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + t.ui("list.and") + items[len(items)-1]
}

// remindRequest handles "remind me 3 days before" and "will you remind me?".
func (t *turn) remindRequest() {
	in := t.in
	l := t.u.Letter
	if !in.HasDays {
		if l.Dated.IsZero() {
			t.u.LetterTalk = true
			t.reply(t.ui("reminder.need_date"), nil, t.buttons("flow:letter", "flow:menu"))
			return
		}
		t.listReminders()
		return
	}
	days := in.Days
	if days >= CSVValidDays {
		t.reply(t.ui("reminder.too_early", "days", strconv.Itoa(days)), nil, t.buttons("flow:menu"))
		return
	}
	if l.Dated.IsZero() {
		t.addRemindDays(days)
		t.u.LetterTalk = true
		t.reply(t.ui("reminder.pending", "days", strconv.Itoa(days)), nil, t.buttons("flow:letter", "flow:menu"))
		return
	}
	on := l.Expires().AddDays(-days)
	if on.Before(t.today) || on == t.today && t.now.In(t.u.location()).Hour() >= ReminderHour {
		t.reply(t.ui("reminder.past", "days", strconv.Itoa(days), "date", t.formatDate(on), "expiry", t.formatDate(l.Expires())), nil,
			t.buttons("rem:snooze", "flow:menu"))
		return
	}
	key := "reminder.set"
	if slices.Contains(t.reminderDays(), days) {
		key = "reminder.already"
	}
	t.addRemindDays(days)
	t.schedule()
	t.reply(t.ui(key, "days", strconv.Itoa(days), "date", t.formatDate(on), "expiry", t.formatDate(l.Expires())), nil,
		t.buttons("rem:list", "cal:letter", "rem:stop", "flow:menu"))
}

func (t *turn) addRemindDays(days int) {
	if !slices.Contains(ReminderDaysBefore, days) && !slices.Contains(t.u.RemindDaysBefore, days) {
		t.u.RemindDaysBefore = append(t.u.RemindDaysBefore, days)
		slices.Sort(t.u.RemindDaysBefore)
		slices.Reverse(t.u.RemindDaysBefore)
	}
}

// answerAlso answers the question a piece of news came with, unless it is
// about one of the topics the news reply covers: "my letter came, what do
// I do now?".
func (t *turn) answerAlso(covered ...string) {
	in := t.in
	if in.Verdict == understand.Clear && in.Acts.Has(understand.ActQuestion) && !slices.Contains(covered, in.Topics[0].TopicID) {
		t.answerTopic(in.Topics[0].TopicID)
	}
}
