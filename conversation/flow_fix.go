package conversation

import (
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

// startFix opens the guide of topic id at its first step.
func (t *turn) startFix(id string) {
	t.setFlow("fix."+id, "0")
	fixFlow{}.ask(t)
}

// guideTopic answers a typed question about a problem with the guide's
// overview and its first step, so that the next message can answer it.
func (t *turn) guideTopic(id string) {
	tp := t.e.cat.Topic(id)
	t.setFlow("fix."+id, "0")
	if t.in != nil && t.in.Digits == understand.DigitsDiffer {
		// They already saw the cause: "it shows ***123 but mine ends 456".
		for i, s := range tp.Steps {
			if s.Check {
				t.d.Topic, t.u.LastTopic = id, id
				fixFlow{}.found(t, tp, i)
				return
			}
		}
	}
	t.topicReply(id, false)
	t.personalNote(id)
	t.setFlow("fix."+id, "0")
	fixFlow{}.stepReply(t, tp, 0, "")
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
	head := t.ui("fix.step", "n", strconv.Itoa(step+1), "total", strconv.Itoa(len(tp.Steps)), "title", tp.Title.In(t.lang))
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
	n := step + 1
	for n < len(tp.Steps) && t.stepDone(tp.ID, n) {
		n++
	}
	if n < len(tp.Steps) {
		t.setFlow(t.u.Flow.Name, strconv.Itoa(n))
		lead := t.ui("fix.next")
		if n > step+1 {
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
	if n, err := strconv.Atoi(t.u.Flow.Step); err == nil && n > 0 {
		t.setFlow(t.u.Flow.Name, strconv.Itoa(n-1))
		f.ask(t)
		return
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
