package conversation

import (
	"strconv"
	"strings"
)

// fixOrder is the order of the "something went wrong" menu: the most
// common problems first.
var fixOrder = []string{
	"sms_not_arriving", "support_number", "csv_expired", "letter_not_arrived",
	"mobile_already_used", "level_refused", "login_no_qr", "request_timed_out",
}

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

func (t *turn) startFix(id string) {
	t.setFlow("fix."+id, "0")
	t.fixAsk()
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

func (t *turn) fixAsk() {
	tp, step, ok := t.fixTopic()
	if !ok {
		t.endFlow()
		t.fixList()
		return
	}
	head := t.ui("fix.step", "n", strconv.Itoa(step+1), "total", strconv.Itoa(len(tp.Steps)), "title", tp.Title.In(t.lang))
	text := head + "\n\n" + tp.Steps[step].In(t.lang) + "\n\n" + t.ui("fix.did_it_help")
	prefix := "a:" + t.u.Flow.Name + ":" + t.u.Flow.Step + ":"
	data := []string{prefix + "yes", prefix + "no"}
	if step > 0 {
		data = append(data, "nav:back")
	}
	data = append(data, "flow:menu")
	t.reply(text, nil, t.buttons(data...))
}

func (t *turn) fixAnswer(value string) bool {
	tp, step, ok := t.fixTopic()
	if !ok {
		return false
	}
	switch value {
	case "yes":
		t.endFlow()
		t.reply(t.ui("fix.solved"), nil, t.buttons("flow:menu", "flow:topics"))
	case "no":
		if step+1 < len(tp.Steps) {
			t.setFlow(t.u.Flow.Name, strconv.Itoa(step+1))
			t.fixAsk()
			return true
		}
		t.endFlow()
		data := []string{}
		for _, n := range tp.Next {
			if n != "fix:"+tp.ID {
				data = append(data, n)
			}
		}
		data = append(data, "flow:menu")
		t.reply(tp.Unsolved.In(t.lang), t.links(tp), t.buttons(data...))
	default:
		return false
	}
	return true
}
