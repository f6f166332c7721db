package understand

import (
	"strconv"
	"strings"
)

// Interpreter reads messages against one knowledge base. It is safe for
// concurrent use.
type Interpreter struct {
	m *Matcher
	// neighbours holds the pairs of topics that point to each other's
	// answers: between two of them there is nothing to ask.
	neighbours map[[2]string]bool
	// topicWords holds, per topic and language, the normalised words of
	// its title and keywords: the context a follow-up is read in.
	topicWords map[string][2][]byte
	// stepsDone finds the ways of saying a troubleshooting step was
	// done, stepsSeen what a user may see that points to a step.
	stepsDone, stepsSeen stepLexicon
	// guides are the topics that are troubleshooting guides.
	guides map[string]bool
}

// New indexes the topics and returns an interpreter over them.
func New(topics []*Topic) *Interpreter {
	in := &Interpreter{m: NewMatcher(topics), topicWords: map[string][2][]byte{}, neighbours: map[[2]string]bool{},
		stepsDone: newStepLexicon(), stepsSeen: newStepLexicon(), guides: map[string]bool{}}
	for _, t := range topics {
		in.guides[t.ID] = len(t.Steps) > 0
		for i, st := range t.Steps {
			step := t.ID + ":" + strconv.Itoa(i)
			for _, l := range Langs {
				for _, p := range st.Done[l] {
					in.stepsDone.add(p, step)
				}
				for _, p := range st.Seen[l] {
					in.stepsSeen.add(p, step)
				}
			}
		}
		for _, n := range t.Next {
			if _, id, ok := strings.Cut(n, ":"); ok && !strings.HasPrefix(n, "flow:") {
				in.neighbours[[2]string{t.ID, id}] = true
				in.neighbours[[2]string{id, t.ID}] = true
			}
		}
		var ws [2][]byte
		for li, l := range Langs {
			b := appendNormalized(nil, t.Title[l])
			for _, k := range t.Keywords[l] {
				b = append(append(b, ' '), appendNormalized(nil, k)...)
			}
			ws[li] = b
		}
		in.topicWords[t.ID] = ws
	}
	return in
}

// Warm builds ahead of time what the interpreter would otherwise build on
// its first message with a typo.
func (ip *Interpreter) Warm() { ip.m.Warm() }

// Matcher returns the interpreter's topic matcher.
func (ip *Interpreter) Matcher() *Matcher { return ip.m }

// Interpret reads one message in its context. The text should already be
// cleaned of control characters; sensitive values in it are found and
// left out of everything else the interpretation holds.
func (ip *Interpreter) Interpret(text string, ctx Context) Interpretation {
	var in Interpretation
	if cmd, ok := strings.CutPrefix(text, "/"); ok {
		name, arg, _ := strings.Cut(cmd, " ")
		name, _, _ = strings.Cut(strings.ToLower(name), "@") // Telegram appends @botname in groups
		in.Command, in.CommandArg = name, strings.TrimSpace(arg)
		if k, ok := commandRequests[name]; ok {
			in.Requests = append(in.Requests, Request{Kind: k})
		}
		text = in.CommandArg
	}
	if in.Command == "" {
		if in.Option = pickOption(text, ctx.Options); in.Option != 0 {
			return in
		}
	}
	in.Sensitive = FindSensitive(text)
	if in.Sensitive != 0 {
		text = Redact(text)
	}
	r := read(text)
	in.Words = len(r.words)
	in.Lang, in.LangSure = detectLang(&r)
	if !in.LangSure {
		in.Lang = ctx.Lang
	}
	rest := readActs(&r, ctx, &in)
	in.Days, in.HasDays = readDays(r.folded)
	if !ctx.Today.IsZero() {
		in.Dates = findDates(r.folded, ctx.Today)
	}
	readRequests(&r, &in, rest)
	readStatements(&r, ctx, &in)
	in.Digits = readDigits(r.folded, r.words)
	if in.Digits == DigitsUnsaid && ctx.Expect == ExpectCheck {
		// An answer to "do the last digits match?".
		switch in.Answer {
		case Yes:
			if matchWords.in(r.words) {
				in.Digits = DigitsMatch
			}
		case No:
			if differWords.in(r.words) {
				in.Digits = DigitsDiffer
			}
		}
	}
	if ctx.Expect == ExpectCheck && in.Digits != DigitsUnsaid {
		in.Case.SharedPhone = false // "same number" here is the one on screen
	}
	if in.Digits == DigitsDiffer {
		in.Answer = No
	} else if in.Digits == DigitsMatch && in.Answer == NoAnswer {
		in.Answer = Yes
	}
	in.StepsDone = ip.stepsDone.find(r.words)
	in.AsksBot = asksBot(r.words)
	in.OtherPerson = aboutOtherPerson(r.words, in.Case)
	in.DocumentNamed = documentNamed(r.words)
	in.StepsSeen = ip.stepsSeen.find(r.words)
	in.Rest = len(rest) > 0 && !onlyAnswer(rest)
	in.MentionsLetter = letterNouns.in(r.words)
	in.MentionsDocument = tieWords.in(r.words) || nieWords.in(r.words) || dniWords.in(r.words) || passportOny.in(r.words)
	in.AsksWhere = whereWords.in(r.words)
	in.Problem = in.Outcome == Failing || problemWords.in(r.words) || hasNegator(r.words)
	ip.readTopics(&r, ctx, &in, rest)
	return in
}

// pickOption reads a typed answer to the offered buttons: "2", "2.", or
// the label itself, whatever its case and accents.
func pickOption(text string, options []string) int {
	if len(options) == 0 {
		return 0
	}
	t := strings.TrimSuffix(strings.TrimSpace(text), ".")
	if n, err := strconv.Atoi(t); err == nil {
		if n >= 1 && n <= len(options) {
			return n
		}
		if n >= 0 && n < 100 {
			return -1
		}
		return 0
	}
	typed := string(appendNormalized(nil, text))
	if typed == "" {
		return 0
	}
	for i, o := range options {
		if string(appendNormalized(nil, o)) == typed {
			return i + 1
		}
	}
	return 0
}

// PlainWords folds text as messages are read: lower case, no accents, no
// punctuation, single spaces.
func PlainWords(text string) string { return string(appendNormalized(nil, text)) }

// problemWords report that something goes wrong.
var problemWords = phrases("error", "rejected", "rejects", "reject", "rejecting", "rechazando", "invalid", "not valid", "wont accept", "won t accept",
	"doesnt accept", "does not accept", "fails", "failed", "incorrect", "wrong", "problem", "issue", "stuck", "blocked",
	"no valido", "no es valido", "rechaza", "rechazado", "no acepta", "no me acepta", "da error", "me sale error", "falla",
	"fallo", "problema", "bloqueado", "incorrecto", "mal", "keeps saying", "says its", "dice que", "me dice", "pone que")

// commandRequests are the slash commands that are plain requests.
var commandRequests = map[string]RequestKind{
	"stop": RequestStopReminders, "parar": RequestStopReminders, "reminders": RequestListReminders,
	"recordatorios": RequestListReminders, "forget": RequestForget, "olvidar": RequestForget, "borrar": RequestForget,
	"mydata": RequestMyData, "misdatos": RequestMyData, "menu": RequestMenu, "inicio": RequestMenu, "help": RequestHelp,
	"ayuda": RequestHelp, "cancel": RequestCancel, "cancelar": RequestCancel, "back": RequestBack, "atras": RequestBack,
}

// onlyAnswer reports a message that is just a yes, a no or "not sure".
func onlyAnswer(w []string) bool {
	return yesWords.whole(w) || noWords.whole(w) || unsureWords.whole(w) || acks.whole(w)
}

func (ip *Interpreter) readTopics(r *reading, ctx Context, in *Interpretation, rest []string) {
	if len(rest) == 0 || onlyAnswer(rest) {
		// A bare "no" names no topic, even one whose title has a "not".
		in.Verdict = OutOfScope
		return
	}
	norm := []byte(strings.Join(rest, " "))
	res := ip.m.matchWords(norm, nil, in.Lang)
	cands, verdict := calibrate(res)
	if off, near := notAboutClave(r.words); off {
		in.Verdict, in.OffTopic, in.Near = OutOfScope, true, near
		return
	}
	// A follow-up is read in the light of the last answer only when it
	// cannot stand alone: "and the qr code runs out too" is a question of
	// its own, "and if I only have a passport?" is not.
	shortVariation := len(rest) <= 5 && variationCues.at(rest, 0) > 0
	if ctx.LastTopic != "" && (verdict != Clear || shortVariation) &&
		(verdict != OutOfScope || looksLikeFollowUp(rest) || in.Acts.Has(ActQuestion) && len(rest) <= 20) {
		li := 0
		if in.Lang == Spanish {
			li = 1
		}
		fres := ip.m.matchWords(norm, ip.topicWords[ctx.LastTopic][li], in.Lang)
		if fc, fv := calibrate(fres); fv == Clear {
			cands, verdict = fc, fv
			in.FollowUp = true
		} else if whatNow.in(rest) && len(rest) <= 6 {
			// "and now what?": what to do is in the last answer.
			cands, verdict = []Candidate{{TopicID: ctx.LastTopic, Score: 1}}, Clear
			in.FollowUp = true
		}
	}
	if in.Problem && len(rest) > 20 && (verdict != Clear || !ip.guides[cands[0].TopicID]) {
		// A long story that ends in a problem: the problem is the point.
		if id := ip.problemClause(r, in.Lang); id != "" {
			cands, verdict = []Candidate{{TopicID: id, Score: 1}}, Clear
		}
	}
	if verdict == Between && in.Problem {
		// Something goes wrong and one of the two is its guide.
		for _, c := range cands[:2] {
			if ip.guides[c.TopicID] {
				cands, verdict = []Candidate{c}, Clear
				break
			}
		}
	}
	if verdict != Clear {
		if a, b, ok := ip.twoQuestions(r, rest, in.Lang); ok {
			cands, verdict = []Candidate{{TopicID: a, Score: 1}}, Clear
			in.Also = b
			in.Topics, in.Verdict = cands, verdict
			return
		}
	}
	if verdict == Between && ip.neighbours[[2]string{cands[0].TopicID, cands[1].TopicID}] {
		// Two neighbouring answers: give the first, whose buttons lead
		// to the second.
		verdict = Clear
	}
	in.Topics, in.Verdict = cands, verdict
	doc := in.Case.Document
	if in.OtherPerson && in.Case.OtherDocument != NoDocument {
		doc = in.Case.OtherDocument
	}
	if id := variation(rest, ctx.LastTopic, doc, in.OtherPerson); id != "" && (verdict != Clear || documentTopics[cands[0].TopicID] || in.OtherPerson) {
		in.Topics, in.Verdict, in.FollowUp = []Candidate{{TopicID: id, Score: 1}}, Clear, true
		return
	}
	if verdict == Clear {
		in.Also = ip.secondQuestion(r, rest, cands[0].TopicID, in.Lang)
	}
}

// whereWords ask where to go.
var whereWords = phrases("where", "wheres", "donde", "adonde", "somewhere", "which office", "que oficina", "en que sitio", "a que sitio")

// whatNow asks what to do next.
var whatNow = phrases("what now", "now what", "what do i do", "what do i do now", "what should i do", "what are my options",
	"what options", "y ahora", "ahora que", "que hago", "que hago ahora", "que puedo hacer", "que opciones tengo", "y entonces",
	"then what", "what next", "y que hago")

// variationCues open a question that asks the last one again for another
// case: "and what if I'm an EU citizen?", "y si solo tengo pasaporte?".
var variationCues = phrases("and if", "what if", "and what if", "what about", "and what about", "how about", "and for",
	"and with", "and if i", "what if i", "y si", "y que pasa si", "y con", "y para", "y en", "y en el", "y en la", "y si soy",
	"y si tengo", "y si solo", "y el", "y la", "and the", "and my", "y mi", "and in", "and mine", "what about mine", "and for me",
	"y el mio", "y la mia", "y el mio que", "y yo")

// documentTopics are the topics whose answer depends on the identity
// document the user holds.
var documentTopics = map[string]bool{"support_number": true, "document_data": true, "who_can_register": true, "in_person": true,
	"requirements": true, "video_id": true}

// variation returns the topic a question asked for another document
// follows up on: the last topic again, for the document named, or the
// topic for having no NIE when the document is only a passport.
func variation(rest []string, last string, doc Document, other bool) string {
	if _, ok := variationCues.find(rest, 0, min(len(rest), 6)); last == "" || doc == NoDocument || !ok && !other {
		return ""
	}
	switch {
	case doc == DocPassport:
		return "no_nie"
	case documentTopics[last]:
		return last
	}
	return ""
}

// looksLikeFollowUp reports a message that leans on the last answer: it
// starts like a continuation or points back at it.
func looksLikeFollowUp(rest []string) bool {
	return followUps.at(rest, 0) > 0 || len(rest) <= 20 && anaphora.in(rest)
}

// secondQuestion returns the topic of a second question in the message,
// when it asks two things that belong to different topics.
func (ip *Interpreter) secondQuestion(r *reading, rest []string, first string, lang Lang) string {
	parts := splitQuestions(r, rest)
	if len(parts) < 2 {
		return ""
	}
	seen := first
	for _, p := range parts {
		res := ip.m.matchWords([]byte(strings.Join(p, " ")), nil, lang)
		cands, v := calibrate(res)
		if v == Clear && cands[0].TopicID != seen {
			if seen != first {
				return cands[0].TopicID
			}
			if cands[0].TopicID != first {
				return cands[0].TopicID
			}
		}
	}
	return ""
}

// problemClause returns the troubleshooting guide a clause that reports a
// problem is clearly about, if any.
func (ip *Interpreter) problemClause(r *reading, lang Lang) string {
	parts, _ := clauses(r, r.words, 0)
	for i := len(parts) - 1; i >= 0; i-- {
		p := parts[i]
		if !(problemWords.in(p) || hasNegator(p) || failingWords.in(p)) {
			continue
		}
		// The clause with what came before it in the same sentence.
		words := p
		if i > 0 {
			words = append(append([]string{}, parts[i-1]...), p...)
		}
		cands, v := calibrate(ip.m.matchWords([]byte(strings.Join(words, " ")), nil, lang))
		if v == Clear && ip.guides[cands[0].TopicID] {
			return cands[0].TopicID
		}
	}
	return ""
}

// twoQuestions reads a message that, as a whole, sits between topics
// but asks two questions that each have a clear one: "how long do I have
// to scan it? and how long does the PIN last?".
func (ip *Interpreter) twoQuestions(r *reading, rest []string, lang Lang) (string, string, bool) {
	parts := splitQuestions(r, rest)
	if len(parts) != 2 {
		return "", "", false
	}
	var ids [2]string
	for i, p := range parts {
		cands, v := calibrate(ip.m.matchWords([]byte(strings.Join(p, " ")), nil, lang))
		if v != Clear {
			return "", "", false
		}
		ids[i] = cands[0].TopicID
	}
	if ids[0] == ids[1] {
		return ids[0], "", true
	}
	return ids[0], ids[1], true
}

// splitQuestions cuts a message into the questions it asks: at question
// marks and at "and"/"y" followed by a question word. Parts of fewer than
// three words are not questions of their own.
func splitQuestions(r *reading, rest []string) [][]string {
	offset := len(r.words) - len(rest)
	var parts [][]string
	start := 0
	for i := 1; i < len(rest); i++ {
		breakHere := r.clause[offset+i] != r.clause[offset+i-1] && questionStarts.at(rest, i) > 0
		if (rest[i] == "and" || rest[i] == "y" || rest[i] == "also" || rest[i] == "tambien") && i+1 < len(rest) &&
			questionStarts.at(rest, i+1) > 0 {
			breakHere = true
		}
		if breakHere && i-start >= 3 && len(rest)-i >= 3 {
			parts = append(parts, rest[start:i])
			start = i
		}
	}
	return append(parts, rest[start:])
}

// stepLexicon finds phrases that name troubleshooting steps, each step
// as "topic:index".
type stepLexicon struct {
	set   phraseSet
	steps map[string][]string
}

func newStepLexicon() stepLexicon { return stepLexicon{set: phraseSet{}, steps: map[string][]string{}} }

func (x stepLexicon) add(phrase, step string) {
	key := strings.Join(read(phrase).words, " ")
	if key == "" {
		return
	}
	ws := strings.Fields(key)
	x.set[ws[0]] = append(x.set[ws[0]], ws)
	x.steps[key] = append(x.steps[key], step)
}

// find returns the steps the phrases in words name, in message order.
func (x stepLexicon) find(words []string) []string {
	var out []string
	for _, sp := range x.set.all(words) {
		out = append(out, x.steps[strings.Join(words[sp.start:sp.end], " ")]...)
	}
	return out
}
