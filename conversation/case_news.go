package conversation

import "github.com/clavebot/clavebot/conversation/understand"

// asksTime reports a question about the hour of reminders: the region's
// time zone answers it, not a topic.
func asksTime(in *understand.Interpretation) bool {
	return in.Verdict != understand.Clear || in.Topics[0].TopicID == "csv_code" || in.Topics[0].TopicID == "about_bot"
}

// caseNews answers a statement about the user's case that asks nothing
// else: the route they settle on, or the one fact that decides what to do
// next ("I can go to the office on Friday", "I moved in September").
func (t *turn) caseNews(statement bool) bool {
	in := t.in
	c := in.Case
	if c.Choice != "" && !t.u.Flow.Active() {
		t.setFlow("route", "")
		routeFlow{}.result(t, choiceRoute(c.Choice))
		return true
	}
	last := t.lastTopic
	if last == "requirements" && (c.Document != understand.NoDocument || c.SharedPhone || c.Address != 0) &&
		c.Certificate == understand.TriUnknown && c.Office == understand.TriUnknown {
		// "I have my NIE and the TIE": the checklist keeps count.
		t.startFlow("checklist")
		return true
	}
	if in.Verdict == understand.Clear && !statement {
		return false
	}
	if last != "" && t.caseRefits(last) && (in.Verdict != understand.Clear || in.Topics[0].TopicID == last) {
		// The case they add changes the answer they just read.
		t.answerTopic(last)
		return true
	}
	switch {
	case c.Office == understand.TriYes:
		t.answerTopic("in_person")
	case c.Certificate == understand.TriYes:
		t.answerTopic("certificate_route")
	case c.Certificate == understand.TriNo && afterCertificate[last]:
		// Online needs a certificate; without one, an office.
		t.answerTopic("in_person")
	case c.Address == understand.TriNo || c.Address == understand.TriUnsure:
		t.answerTopic("tax_address")
	case c.SharedPhone:
		t.answerTopic("one_mobile_per_person")
	case c.Document == understand.DocPassport:
		t.answerTopic("no_nie")
	default:
		return false
	}
	return true
}

// placeFollowUp answers "where do I do that?" after an answer whose
// remedy is done in person: the offices.
func (t *turn) placeFollowUp() bool {
	in := t.in
	if !in.FollowUp && in.Verdict == understand.Clear || !inPersonRemedy[t.lastTopic] || !in.Acts.Has(understand.ActQuestion) {
		return false
	}
	if in.Verdict == understand.Clear && in.Topics[0].TopicID != t.lastTopic {
		return false
	}
	if !in.AsksWhere {
		return false
	}
	t.answerTopic("in_person")
	return true
}

// inPersonRemedy are the topics whose way out is a visit to an office.
var inPersonRemedy = map[string]bool{"level_refused": true, "levels": true, "change_mobile": true, "mobile_already_used": true,
	"in_person": true, "csv_expired": true, "letter_not_arrived": true}

// afterCertificate are the topics whose answer turns on having a digital
// certificate: without one, the way is an office.
var afterCertificate = map[string]bool{"change_mobile": true, "level_refused": true, "levels": true, "certificate_route": true,
	"mobile_already_used": true, "sms_not_arriving": true}

func choiceRoute(choice string) string {
	if choice == "certificate" {
		return "certificate"
	}
	return choice
}

// infoFirst are the guides whose topic is asked about as often as it goes
// wrong: they start only when the message reports a problem.
var infoFirst = map[string]bool{"support_number": true}
