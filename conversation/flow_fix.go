package conversation

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/clavebot/clavebot/conversation/understand"
)

// fixFlow walks a troubleshooting guide (a topic with steps) one step at
// a time. Its flows are named "fix.TOPIC"; the step is the index of the
// step shown.
type fixFlow struct{}

func init() {
	register(fixFlow{})
	register(action{id: "fix", cmds: []string{"fix", "problema", "problemas"}, run: func(t *turn) {
		t.endFlow()
		t.fixList()
	}})
}

// fixOrder is the order of the "something went wrong" menu: the most
// common problems first.
var fixOrder = []string{
	"sms_not_arriving", "support_number", "csv_expired", "letter_not_arrived",
	"mobile_already_used", "level_refused", "login_no_qr", "request_timed_out",
}

func (fixFlow) name() string  { return "fix." }
func (fixFlow) start(t *turn) { t.fixList() }

func (t *turn) fixList() {
	var data []string
	for _, id := range fixOrder {
		if tp := t.e.cat.Topic(id); tp != nil && len(tp.Steps) > 0 {
			data = append(data, "fix:"+id)
		}
	}
	data = append(data, "flow:menu")
	t.reply(t.ui("fix.title"), nil, t.buttons(data...))
}

// startFix opens the guide of topic id: its map, then the step to start
// with.
func (t *turn) startFix(id string) {
	tp := t.e.cat.Topic(id)
	t.setFlow("fix."+id, "0")
	t.d.Topic, t.u.LastTopic = id, id
	t.reply(t.overview(tp), nil, nil)
	t.firstStep(tp)
}

// guideTopic answers a typed question about a problem: what it usually
// is and the map of the usual fixes, a line each, then the step to start
// with, so that the next message can answer it.
func (t *turn) guideTopic(id string) {
	tp := t.e.cat.Topic(id)
	t.setFlow("fix."+id, "0")
	t.d.Topic, t.u.LastTopic = id, id
	if t.in != nil && t.in.Digits == understand.DigitsDiffer {
		// They already saw the cause: "it shows ***123 but mine ends 456".
		for i, s := range tp.Steps {
			if s.Check {
				fixFlow{}.found(t, tp, i)
				return
			}
		}
	}
	t.reply(t.guideIntro(tp)+"\n\n"+t.overview(tp), t.links(tp), nil)
	t.personalNote(id)
	t.firstStep(tp)
}

// guideIntro is what a guide's problem usually is, for the user's case.
func (t *turn) guideIntro(tp *Topic) string {
	if c := t.caseFor(tp); c != nil {
		return strings.TrimSpace(c.Short.In(t.lang))
	}
	return strings.TrimSpace(tp.Short.In(t.lang))
}

// firstAnswer is the first reply about topic id to someone who asks
// about it: a guide's map and first step, or the topic's answer.
func (t *turn) firstAnswer(id string) {
	if tp := t.e.cat.Topic(id); tp != nil && len(tp.Steps) > 0 && !infoFirst[id] {
		t.guideTopic(id)
		return
	}
	t.answerTopic(id)
}

// guideSteps lists the steps of tp that apply to the user, in order.
func (t *turn) guideSteps(tp *Topic) []int {
	var out []int
	for i, s := range tp.Steps {
		if t.stepApplies(s) {
			out = append(out, i)
		}
	}
	return out
}

// overview is the map of a guide: every step that applies, a line each.
func (t *turn) overview(tp *Topic) string {
	var b strings.Builder
	b.WriteString(t.ui("fix.overview"))
	for n, i := range t.guideSteps(tp) {
		if t.stepDone(tp.ID, i) {
			continue // "I already restarted it": not news to them
		}
		fmt.Fprintf(&b, "\n%d. %s", n+1, tp.Steps[i].Line.In(t.lang))
	}
	return b.String()
}

// firstStep shows the step to start a guide with: the one what the user
// reports seeing points to, or the first that applies and was not done.
func (t *turn) firstStep(tp *Topic) {
	if n, ok := t.seenStep(tp, -1); ok {
		t.setFlow("fix."+tp.ID, strconv.Itoa(n))
		fixFlow{}.stepReply(t, tp, n, t.ui("fix.overview_jump", "n", strconv.Itoa(t.stepNumber(tp, n))))
		return
	}
	for _, i := range t.guideSteps(tp) {
		if !t.stepDone(tp.ID, i) {
			t.setFlow("fix."+tp.ID, strconv.Itoa(i))
			fixFlow{}.stepReply(t, tp, i, "")
			return
		}
	}
	t.setFlow("fix."+tp.ID, strconv.Itoa(len(tp.Steps)-1))
	fixFlow{}.next(t, tp, len(tp.Steps)-1)
}

// seenStep returns the step after step that what the message reports
// seeing points to ("my inbox is full").
func (t *turn) seenStep(tp *Topic, step int) (int, bool) {
	if t.in == nil {
		return 0, false
	}
	for _, s := range t.in.StepsSeen {
		id, idx, _ := strings.Cut(s, ":")
		n, err := strconv.Atoi(idx)
		if id == tp.ID && err == nil && n > step && n < len(tp.Steps) && t.stepApplies(tp.Steps[n]) {
			return n, true
		}
	}
	return 0, false
}

// stepNumber is the position of step i among the steps shown to the
// user, counted from 1.
func (t *turn) stepNumber(tp *Topic, i int) int {
	for n, j := range t.guideSteps(tp) {
		if j == i {
			return n + 1
		}
	}
	return i + 1
}

// fixTopic returns the topic and step index of the user's troubleshooting
// flow; ok is false when the stored position no longer fits the content.
func (t *turn) fixTopic() (tp *Topic, step int, ok bool) {
	id, found := strings.CutPrefix(t.u.Flow.Name, "fix.")
	if !found {
		return nil, 0, false
	}
	tp = t.e.cat.Topic(id)
	step, err := strconv.Atoi(t.u.Flow.Step)
	if tp == nil || err != nil || step < 0 || step >= len(tp.Steps) {
		return nil, 0, false
	}
	return tp, step, true
}

func (f fixFlow) ask(t *turn) {
	tp, step, ok := t.fixTopic()
	if !ok {
		t.endFlow()
		t.fixList()
		return
	}
	f.stepReply(t, tp, step, "")
}

// stepReply shows a step, after lead when there is one.
func (fixFlow) stepReply(t *turn, tp *Topic, step int, lead string) {
	s := tp.Steps[step]
	t.u.LastTopic = tp.ID
	head := t.ui("fix.step", "n", strconv.Itoa(t.stepNumber(tp, step)), "total", strconv.Itoa(len(t.guideSteps(tp))),
		"title", tp.Title.In(t.lang))
	question := t.ui("fix.did_it_help")
	if s.Check {
		question = s.Ask.In(t.lang)
	}
	text := head + "\n\n" + s.Text.In(t.lang) + "\n\n" + question
	if lead != "" {
		text = lead + "\n\n" + text
	}
	prefix := "a:" + t.u.Flow.Name + ":" + t.u.Flow.Step + ":"
	data := []string{prefix + "yes", prefix + "no"}
	if s.Check {
		// A question about what the user sees: a plain yes or no.
		data = []string{prefix + "y", prefix + "n"}
	}
	if step > 0 {
		data = append(data, "nav:back")
	}
	data = append(data, "flow:menu")
	t.reply(text, nil, t.buttons(data...))
}

func (f fixFlow) press(t *turn, _ string, value string) bool {
	tp, step, ok := t.fixTopic()
	if !ok {
		return false
	}
	check := tp.Steps[step].Check
	switch {
	case check && value == "y":
		f.next(t, tp, step)
	case check && value == "n":
		f.found(t, tp, step)
	case !check && value == "yes":
		f.solved(t)
	case !check && value == "no":
		f.next(t, tp, step)
	default:
		return false
	}
	return true
}

// reply reads what the user says of the step: it worked, it still fails,
// they did it, or what they see ("it shows ***123 but mine ends 456").
func (f fixFlow) reply(t *turn) bool {
	tp, step, ok := t.fixTopic()
	if !ok {
		return false
	}
	in := t.in
	if in.States(understand.LetterCame) {
		// "it came!": news of the letter, told by its own flow.
		t.endFlow()
		return false
	}
	if in.Verdict == understand.Clear && "fix."+in.Topics[0].TopicID != t.u.Flow.Name && in.Outcome != understand.Fixed &&
		(in.Acts.Has(understand.ActQuestion) ||
			in.Problem && in.Outcome == understand.NoOutcome && in.Answer == understand.NoAnswer && len(t.e.cat.Topic(in.Topics[0].TopicID).Steps) > 0) {
		// A question about something else, or another problem: not
		// news of this step.
		return false
	}
	if in.Digits == understand.DigitsDiffer {
		for i, s := range tp.Steps {
			if s.Check {
				f.found(t, tp, i)
				return true
			}
		}
	}
	if tp.Steps[step].Check {
		switch {
		case in.Outcome == understand.Fixed && in.Answer != understand.No:
			f.solved(t)
		case in.Answer == understand.Yes, in.Digits == understand.DigitsMatch:
			f.next(t, tp, step)
		case in.Answer == understand.No:
			f.found(t, tp, step)
		case in.Outcome == understand.Failing, in.Outcome == understand.Tried:
			f.next(t, tp, step)
		default:
			return false
		}
		return true
	}
	switch {
	case in.Outcome == understand.Fixed:
		f.solved(t)
	case in.Outcome == understand.Failing, in.Outcome == understand.Tried, in.Answer == understand.No:
		f.next(t, tp, step)
	case in.Answer == understand.Yes && !in.Rest:
		f.solved(t)
	default:
		return false
	}
	return true
}

func (fixFlow) solved(t *turn) {
	t.endFlow()
	t.reply(t.ui("fix.solved"), nil, t.buttons("flow:menu", "flow:topics"))
}

// found says what to do once a check step has found the cause.
func (fixFlow) found(t *turn, tp *Topic, step int) {
	s := tp.Steps[step]
	t.endFlow()
	t.u.LastTopic = tp.ID
	if len(s.FoundNext) > 0 {
		// What to do next is the first of the buttons: a follow-up
		// ("how do I change it?") is about that.
		if _, id, ok := strings.Cut(s.FoundNext[0], ":"); ok && t.e.cat.Topic(id) != nil {
			t.u.LastTopic = id
		}
	}
	data := append(append([]string{}, s.FoundNext...), "flow:menu")
	t.reply(s.Found.In(t.lang), t.links(tp), t.buttons(data...))
}

// next moves to the following step not already done, or to what to do
// when none helped.
func (f fixFlow) next(t *turn, tp *Topic, step int) {
	if n, ok := t.seenStep(tp, step); ok {
		t.setFlow("fix."+tp.ID, strconv.Itoa(n))
		f.stepReply(t, tp, n, t.ui("fix.overview_jump", "n", strconv.Itoa(t.stepNumber(tp, n))))
		return
	}
	n := step + 1
	skipped := false
	for n < len(tp.Steps) && (t.stepDone(tp.ID, n) || !t.stepApplies(tp.Steps[n])) {
		skipped = skipped || t.stepDone(tp.ID, n)
		n++
	}
	if n < len(tp.Steps) {
		t.setFlow("fix."+tp.ID, strconv.Itoa(n))
		lead := t.ui("fix.next")
		if skipped {
			lead = t.ui("fix.skipped")
		}
		f.stepReply(t, tp, n, lead)
		return
	}
	t.endFlow()
	var data []string
	for _, n := range tp.Next {
		if n != "fix:"+tp.ID {
			data = append(data, n)
		}
	}
	data = append(data, "flow:menu")
	t.reply(tp.Unsolved.In(t.lang), t.links(tp), t.buttons(data...))
}

func (f fixFlow) back(t *turn) {
	if tp, step, ok := t.fixTopic(); ok {
		for n := step - 1; n >= 0; n-- {
			if t.stepApplies(tp.Steps[n]) {
				t.setFlow(t.u.Flow.Name, strconv.Itoa(n))
				f.ask(t)
				return
			}
		}
	}
	t.endFlow()
	t.fixList()
}

func (fixFlow) commands() []string { return nil }

// stepDone reports whether the message says step n of topic id was tried.
func (t *turn) stepDone(id string, n int) bool {
	if t.in == nil {
		return false
	}
	want := id + ":" + strconv.Itoa(n)
	for _, s := range t.in.StepsDone {
		if s == want {
			return true
		}
	}
	return false
}

func (fixFlow) expect(t *turn, _ string) understand.Expect {
	if tp, step, ok := t.fixTopic(); ok && tp.Steps[step].Check {
		return understand.ExpectCheck
	}
	return understand.ExpectOutcome
}
