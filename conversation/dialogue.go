package conversation

import (
	"strings"
	"time"

	"github.com/clavebot/clavebot/conversation/understand"
)

// context is what the dialogue tells the interpreter about the moment a
// message arrives.
func (t *turn) context(lastTopic string, letterTalk bool) understand.Context {
	u := t.u
	ctx := understand.Context{Today: t.today, Lang: u.Lang, LastTopic: lastTopic, LetterTalk: letterTalk, Flow: u.Flow.Name}
	for _, data := range u.Offered {
		ctx.Options = append(ctx.Options, t.label(data))
	}
	switch {
	case !u.Letter.Dated.IsZero():
		ctx.Letter = understand.LetterDated
	case !u.Letter.ArrivedOn.IsZero():
		ctx.Letter = understand.LetterArrived
	case !u.Letter.RequestedOn.IsZero():
		ctx.Letter = understand.LetterRequested
	}
	if f := lookupFlow(u.Flow.Name); f != nil {
		ctx.Expect = f.expect(t, u.Flow.Step)
		if ctx.Expect == understand.ExpectDate {
			ctx.LetterTalk = true
		}
	}
	return ctx
}

// text handles a typed message: it is read once, into an interpretation,
// and everything below decides from that.
func (t *turn) text(text, hint string, idle time.Duration, lastTopic string, letterTalk bool) {
	in := t.e.ip.Interpret(text, t.context(lastTopic, letterTalk))
	t.in = &in
	switch {
	case in.Option > 0:
		t.act(t.u.Offered[in.Option-1])
		return
	case in.Option < 0:
		t.act("nav:no_such_option")
		return
	}
	if in.LangSure {
		t.lang = t.chooseLang(hint, in.Lang)
	}
	if in.Command != "" {
		t.command(in.Command, in.CommandArg)
		return
	}
	if in.Sensitive != 0 {
		t.warnSensitive(in.Sensitive)
		if in.Sensitive.Has(understand.SensitiveCSV) && len(in.Dates) == 0 {
			// "does this code work?": nothing here can tell.
			t.reply(t.ui("sensitive.csv_check"), nil, t.buttons("topic:letter_complete", "fix:csv_expired", "flow:menu"))
			return
		}
		if !in.Rest && len(in.Requests) == 0 && len(in.Progress) == 0 {
			t.reoffer()
			return
		}
	}
	if f := t.u.Flow; f.Active() {
		switch {
		case idle > dropAfter:
			t.endFlow()
			t.say(t.ui("flow.dropped"))
		case idle > resumeAfter:
			t.offerResume()
			return
		}
	}
	at := len(t.d.Replies)
	t.decide()
	t.cannotToo(at)
}

// cannotToo says, when the message asked the bot to act and the reply
// did not say so, that the bot cannot and who can: before the rest of the
// reply, which may still record what the message told (a letter's date).
func (t *turn) cannotToo(at int) {
	in := t.in
	if !in.AsksBot || t.saidCannot || len(in.Requests) > 0 || t.d.Topic == "bot_limits" || t.d.OutOfScope {
		return
	}
	tp := t.e.cat.Topic("bot_limits")
	for _, c := range in.Topics {
		if cand := t.e.cat.Topic(c.TopicID); cand != nil && len(cand.Cannot) > 0 {
			tp = cand
			break
		}
	}
	if tp == nil {
		return
	}
	text := tp.Cannot.In(t.lang)
	if len(tp.Cannot) == 0 {
		text = tp.Short.In(t.lang)
	}
	t.saidCannot = true
	t.d.Replies = append(t.d.Replies[:at], append([]Reply{{Text: strings.TrimSpace(text)}}, t.d.Replies[at:]...)...)
}

// decide chooses what to do with the interpretation, most specific first:
// what the user asks the bot to do, an answer to the step they are on,
// news about their letter or registration, a question, small talk.
func (t *turn) decide() {
	in := t.in
	if in.OffTopic {
		t.d.NotUnderstood, t.d.OutOfScope = true, true
		if in.Near != "" {
			t.say(t.ui("near." + in.Near))
		} else {
			t.say(t.ui("match.out_of_scope"))
		}
		t.reoffer()
		return
	}
	if t.requests() {
		return
	}
	noticed := t.notice()
	if in.Digits == understand.DigitsDiffer && !strings.HasPrefix(t.u.Flow.Name, "fix.") {
		// "it sends the PIN to ***123 but mine ends 456": the cause.
		t.guideTopic("sms_not_arriving")
		return
	}
	if in.States(understand.Registered) {
		if in.Verdict == understand.Clear && (in.Acts.Has(understand.ActQuestion) || in.Problem || problemTopic(t, in.Topics[0].TopicID)) &&
			in.Topics[0].TopicID != "after_registration" {
			// "I registered with the letter but the site says my level
			// is not enough": the news is background to the question.
			t.u.RegisteredOn = t.today
			t.u.Reminders, t.u.RemindDaysBefore = nil, nil
			t.endFlow()
			t.question()
			return
		}
		t.registered()
		return
	}
	if f := lookupFlow(t.u.Flow.Name); f != nil && f.reply(t) {
		t.alsoAnswer()
		return
	}
	if t.letterNews() {
		return
	}
	if !in.Acts.Has(understand.ActQuestion) && !t.u.Flow.Active() && t.caseNews(true) {
		return
	}
	if t.routeFromCase() {
		return
	}
	if r, ok := in.Request(understand.RequestFlow); ok && t.startFlow(r.Flow) {
		return
	}
	if in.HowToRegister && !t.u.Flow.Active() {
		// "How do I sign up?": the ways, in short, then the questions
		// that pick one.
		if tp := t.e.cat.Topic("routes"); tp != nil {
			t.say(tp.Short.In(t.lang))
			t.d.Topic = "routes"
		}
		t.setFlow("route", "cert")
		routeFlow{}.next(t)
		return
	}
	if t.caseNews(false) {
		return
	}
	if t.placeFollowUp() {
		return
	}
	if noticed && in.Verdict != understand.Clear {
		t.reoffer()
		return
	}
	if in.Case.Region != understand.NoRegion && (in.Verdict != understand.Clear || in.Acts.Has(understand.ActQuestion) && asksTime(in)) {
		// "the time will be Canary time, right?"
		t.say(t.ui("timezone.current", "zone", t.ui("tz."+t.u.location().String())))
		if len(t.u.Reminders) > 0 {
			t.listReminders()
		}
		return
	}
	t.question()
}

// requests carries out what the user asks the bot to do, reporting whether
// there was anything.
func (t *turn) requests() bool {
	in := t.in
	for _, r := range in.Requests {
		switch r.Kind {
		case understand.RequestForget:
			t.startFlow("forget")
		case understand.RequestMyData:
			t.startFlow("mydata")
		case understand.RequestLanguage:
			if r.Lang != "" {
				t.setLang(r.Lang)
			} else {
				t.startFlow("language")
			}
		case understand.RequestStopReminders:
			t.reminderAction("stop")
		case understand.RequestListReminders:
			t.reminderAction("list")
		case understand.RequestRemindLater:
			t.reminderAction("snooze")
		case understand.RequestMenu:
			t.endFlow()
			t.menu()
		case understand.RequestBack:
			t.back()
		case understand.RequestCancel:
			t.command("cancel", "")
		case understand.RequestHelp:
			t.startFlow("help")
		default:
			continue
		}
		return true
	}
	return false
}

// notice acts on what the message says in passing: where the user lives,
// which document they hold. It reports whether it said anything.
func (t *turn) notice() (said bool) {
	c := t.in.Case
	if c.Region == understand.Canary && t.u.TimeZone != "Atlantic/Canary" {
		t.useZone("Atlantic/Canary")
		t.say(t.ui("timezone.noticed", "zone", t.ui("tz.Atlantic/Canary")))
		said = true
	}
	if c.Document != understand.NoDocument {
		t.u.Document = documentNames[c.Document]
	}
	switch c.Certificate {
	case understand.TriYes:
		t.u.Certificate = "yes"
	case understand.TriNo:
		t.u.Certificate = "no"
	}
	if c.ForeignPhone {
		t.u.ForeignPhone = true
	}
	return said
}

// documentNames are the kinds of document the record keeps, by name.
var documentNames = map[understand.Document]string{understand.DocTIE: "tie", understand.DocEUCert: "eu_certificate",
	understand.DocNIE: "nie", understand.DocDNI: "dni", understand.DocPassport: "passport"}

// question answers the message from the knowledge base, or says why it
// cannot.
func (t *turn) question() {
	in := t.in
	inFlow := t.u.Flow.Active()
	if !in.Rest || (in.Verdict != understand.Clear && in.Words <= 3 && smallTalkOnly(in)) {
		if t.smallTalk() {
			if inFlow {
				t.reoffer()
			}
			return
		}
		if in.Answer != understand.NoAnswer && !inFlow {
			// A yes or a no to nothing in particular.
			t.say(t.ui("smalltalk.ack"))
			return
		}
	}
	switch in.Verdict {
	case understand.Clear:
		id := in.Topics[0].TopicID
		if tp := t.e.cat.Topic(id); in.AsksBot && len(tp.Cannot) > 0 {
			t.cannot(tp)
			if inFlow {
				t.reoffer()
			}
			return
		}
		if tp := t.e.cat.Topic(id); len(tp.Steps) > 0 && !inFlow && (in.Problem || !infoFirst[id]) {
			t.guideTopic(id)
			return
		}
		if strings.HasPrefix(t.u.Flow.Name, "fix.") && t.u.Flow.Name != "fix."+id {
			// A question about something else leaves the guide: the
			// subject has changed.
			t.endFlow()
			inFlow = false
			if tp := t.e.cat.Topic(id); len(tp.Steps) > 0 && in.Problem {
				t.guideTopic(id)
				return
			}
		}
		if t.u.Flow.Name == "fix."+id {
			// A question about the guide the user is in: its map, then
			// the step they are on.
			tp := t.e.cat.Topic(id)
			t.d.Topic = id
			t.reply(t.guideIntro(tp)+"\n\n"+t.overview(tp), t.links(tp), nil)
			t.reoffer()
			return
		}
		t.answerTopic(id)
		t.alsoAnswer()
		t.personalNote(id)
		if inFlow {
			t.reoffer()
		}
	case understand.Between:
		t.d.NotUnderstood, t.d.Clarify = true, true
		var buttons []Button
		for _, c := range in.Topics[:2] {
			buttons = append(buttons, t.button("topic:"+c.TopicID))
		}
		buttons = append(buttons, t.button("flow:menu"))
		t.reply(t.ui("match.did_you_mean"), nil, buttons)
	case understand.Unclear:
		t.d.NotUnderstood = true
		t.rephrase()
	default:
		if in.Acts&(understand.ActGreeting|understand.ActThanks|understand.ActBye) != 0 ||
			in.Acts.Has(understand.ActAck) && in.Words <= 4 {
			t.smallTalk()
			if inFlow {
				t.reoffer()
			}
			return
		}
		if inFlow || in.Acts.Has(understand.ActMeta) || t.aboutClave() {
			t.d.NotUnderstood = true
			t.rephrase()
			return
		}
		t.d.NotUnderstood, t.d.OutOfScope = true, true
		t.say(t.ui("match.out_of_scope"))
		t.menu()
	}
}

// aboutClave reports a message the matcher could not place but that
// clearly concerns the user's Cl@ve business: it states progress, a fact
// of their case or a date.
func (t *turn) aboutClave() bool {
	in := t.in
	c := in.Case
	return len(in.Progress) > 0 || c.Certificate != 0 || c.Office != 0 || c.Address != 0 || c.SharedPhone ||
		in.Outcome != understand.NoOutcome && t.u.Flow.Active()
}

// problemTopic reports a topic about something going wrong.
func problemTopic(t *turn, id string) bool {
	tp := t.e.cat.Topic(id)
	return tp != nil && len(tp.Steps) > 0
}

func smallTalkOnly(in *understand.Interpretation) bool {
	return in.Acts&(understand.ActGreeting|understand.ActThanks|understand.ActBye|understand.ActAck) != 0
}

// smallTalk answers greetings, thanks and goodbyes; false when the message
// was none of them.
func (t *turn) smallTalk() bool {
	in := t.in
	switch {
	case in.Acts.Has(understand.ActThanks) || in.Acts.Has(understand.ActBye):
		key := "smalltalk.thanks"
		if in.Acts.Has(understand.ActBye) {
			key = "smalltalk.bye"
		}
		t.say(t.ui(key))
	case in.Acts.Has(understand.ActGreeting):
		t.say(t.ui("smalltalk.hello"))
		if !t.u.Flow.Active() {
			t.menu()
		}
	case in.Acts.Has(understand.ActAck):
		t.say(t.ui("smalltalk.ack"))
	default:
		return false
	}
	return true
}

// rephrase asks calmly for other words, offering what the message may
// have been about.
func (t *turn) rephrase() {
	var data []string
	for _, c := range t.in.Topics {
		if c.Score >= 0.1 {
			data = append(data, "topic:"+c.TopicID)
		}
	}
	if t.u.Flow.Active() {
		t.say(t.ui("flow.not_an_answer"))
		t.reoffer()
		return
	}
	data = append(data, "flow:menu")
	t.reply(t.ui("match.rephrase"), nil, t.buttons(data...))
}

// alsoAnswer answers the second question of a message that asked two.
func (t *turn) alsoAnswer() {
	if id := t.in.Also; id != "" && id != t.d.Topic {
		if tp := t.e.cat.Topic(id); tp != nil {
			t.reply(tp.Short.In(t.lang), t.links(tp), nil)
		}
	}
}

// offerResume greets a user who comes back to an unfinished flow after a
// long pause, answering their message first when it was a clear question.
func (t *turn) offerResume() {
	if t.in.Verdict == understand.Clear {
		t.answerTopic(t.in.Topics[0].TopicID)
	}
	t.reply(t.ui("flow.resume", "flow", t.flowName()), nil, t.buttons("nav:resume", "flow:menu"))
}

// warnSensitive tells the user that what they pasted is personal or secret
// and was not kept.
func (t *turn) warnSensitive(found understand.Sensitive) {
	var parts []string
	if found.Has(understand.SensitiveCSV) {
		parts = append(parts, t.ui("sensitive.csv"))
	}
	if found.Has(understand.SensitiveDocument) {
		parts = append(parts, t.ui("sensitive.document"))
	}
	if found.Has(understand.SensitivePhone) {
		parts = append(parts, t.ui("sensitive.phone"))
	}
	text := strings.Join(parts, "\n\n")
	t.d.Replies = append(t.d.Replies, Reply{
		Text:    text + "\n\n" + t.ui("sensitive.not_kept"),
		Removed: text + "\n\n" + t.ui("sensitive.removed"),
	})
}

// cannot answers a request for the bot to do what topic tp is about: it
// says plainly that it cannot, and who can.
func (t *turn) cannot(tp *Topic) {
	t.saidCannot = true
	t.d.Topic, t.u.LastTopic = tp.ID, tp.ID
	t.reply(tp.Cannot.In(t.lang), t.links(tp), t.buttons("topic:"+tp.ID, "flow:menu"))
}
