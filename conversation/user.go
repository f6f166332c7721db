package conversation

import (
	"time"

	"github.com/clavebot/clavebot/conversation/understand"
)

// User is everything the bot remembers about one person. It holds only
// choices, dates and checklist ticks: never a CSV code, a document number
// or a phone number.
type User struct {
	// Lang is the language replies are written in; empty until known.
	Lang Lang `json:"lang,omitempty"`
	// LangChosen is set when the user picked Lang explicitly, so a
	// detected language never overrides it.
	LangChosen bool `json:"lang_chosen,omitempty"`
	// TimeZone is an IANA zone name; empty means Europe/Madrid.
	TimeZone string `json:"tz,omitempty"`

	// Flow is where the user is in a guided flow, if anywhere.
	Flow Flow `json:"flow,omitzero"`
	// Offered holds the Data of the buttons of the last reply, so a user
	// on a text-only front end can answer with their number.
	Offered []string `json:"offered,omitempty"`

	// Checklist holds the ticked readiness items, by item id.
	Checklist map[string]bool `json:"checklist,omitempty"`
	// Route is the registration route last recommended, by id.
	Route string `json:"route,omitempty"`
	// Letter tracks the invitation letter.
	Letter Letter `json:"letter,omitzero"`
	// RegisteredOn is the day the user told us they completed registration.
	RegisteredOn Date `json:"registered_on,omitzero"`
	// RemindDaysBefore are extra days before the code's last day the user
	// asked to be reminded on ("remind me 3 days before"), on top of
	// ReminderDaysBefore.
	RemindDaysBefore []int `json:"remind_days_before,omitempty"`
	// Reminders are the pending reminder times, ascending, in UTC. The
	// store keeps its due index in step with this list in the same
	// transaction, so changing it is all it takes to (un)schedule.
	Reminders []time.Time `json:"reminders,omitempty"`

	// LastTopic is the knowledge-base topic of the last answer, so that a
	// follow-up question ("and how long does that take?") can lean on it.
	LastTopic string `json:"last_topic,omitempty"`
	// LetterTalk is set when the last exchange was about the invitation
	// letter, so that a bare date that follows is read as its date.
	LetterTalk bool `json:"letter_talk,omitempty"`
	// Document is the kind of identity document the user said they hold
	// (never its number).
	Document string `json:"document,omitempty"`
	// Certificate is "yes" or "no" once the user said whether they have a
	// digital certificate or electronic DNI.
	Certificate string `json:"certificate,omitempty"`
	// ForeignPhone is set when the user said their mobile number is from
	// another country (never the number).
	ForeignPhone bool `json:"foreign_phone,omitempty"`

	// Blocked is set when the user's platform refused a message because
	// the user blocked the bot; nothing is sent until they write again.
	Blocked bool `json:"blocked,omitempty"`

	// Created and LastSeen are instants from the engine's clock.
	Created  time.Time `json:"created,omitzero"`
	LastSeen time.Time `json:"last_seen,omitzero"`
}

// Date is a calendar day, such as the date printed on a letter.
type Date = understand.Date

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return understand.DateOf(t) }

// Letter tracks the invitation letter of the invitation-letter route.
type Letter struct {
	// RequestedOn is the day the user said they asked for the letter.
	RequestedOn Date `json:"requested_on,omitzero"`
	// ArrivedOn is the day the user said it arrived.
	ArrivedOn Date `json:"arrived_on,omitzero"`
	// Dated is the date printed on the letter; the CSV code runs out
	// CSVValidDays after it.
	Dated Date `json:"dated,omitzero"`
}

// CSVValidDays is how long the CSV code of an invitation letter stays
// valid, counted from the date printed on the letter.
const CSVValidDays = 60

// Expires returns the last day the letter's CSV code is valid, or the zero
// Date when the letter's date is unknown.
func (l Letter) Expires() Date {
	if l.Dated.IsZero() {
		return Date{}
	}
	return l.Dated.AddDays(CSVValidDays)
}

// Flow is a position in a guided flow.
type Flow struct {
	// Name identifies the flow, such as "route" or "fix:sms_not_arriving".
	Name string `json:"name,omitempty"`
	// Step is the position inside the flow.
	Step string `json:"step,omitempty"`
	// Answers holds the answers given so far in this flow.
	Answers map[string]string `json:"answers,omitempty"`
	// Since is when the flow last moved, to notice abandoned flows.
	Since time.Time `json:"since,omitzero"`
}

// Active reports whether the user is inside a flow.
func (f Flow) Active() bool { return f.Name != "" }
