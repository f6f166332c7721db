package conversation

import (
	"slices"
	"strconv"
	"strings"
)

// checklistItems are the readiness items, in the order they are shown.
var checklistItems = []string{"document", "support", "mobile", "email", "tax_address"}

func (t *turn) showChecklist() {
	done := 0
	var lines []string
	for _, item := range checklistItems {
		mark := "⬜ "
		if t.u.Checklist[item] {
			mark = "✅ "
			done++
		}
		lines = append(lines, mark+t.ui("checklist.item."+item)+"\n   "+t.ui("checklist.hint."+item))
	}
	head := t.ui("checklist.progress", "done", strconv.Itoa(done), "total", strconv.Itoa(len(checklistItems)))
	text := head + "\n\n" + strings.Join(lines, "\n")
	var data []string
	for _, item := range checklistItems {
		data = append(data, "ck:"+item)
	}
	if done == len(checklistItems) {
		text += "\n\n" + t.ui("checklist.ready")
		data = append(data, "flow:route", "flow:letter")
	} else {
		text += "\n\n" + t.ui("checklist.how")
		data = append(data, "topic:requirements")
	}
	data = append(data, "flow:menu")
	t.reply(text, nil, t.buttons(data...))
}

// toggleItem ticks or unticks a checklist item; buttons stay valid at any
// time because the list is shown again after each press.
func (t *turn) toggleItem(item string) bool {
	if !slices.Contains(checklistItems, item) {
		return false
	}
	if t.u.Checklist == nil {
		t.u.Checklist = map[string]bool{}
	}
	if t.u.Checklist[item] {
		delete(t.u.Checklist, item)
	} else {
		t.u.Checklist[item] = true
	}
	t.setFlow("checklist", "list")
	t.showChecklist()
	return true
}

// registered records that the user completed registration and shows what
// comes next.
func (t *turn) registered() {
	t.endFlow()
	if t.u.RegisteredOn.IsZero() {
		t.u.RegisteredOn = t.today
	}
	t.u.Reminders = nil
	t.reply(t.ui("registered.next"), nil, t.buttons(
		"topic:clave_movil", "topic:permanente_activation", "topic:levels", "topic:login_app", "flow:menu"))
}

func (t *turn) forgetAsk() {
	t.reply(t.ui("forget.confirm"), nil, t.buttons("a:forget:confirm:yes", "a:forget:confirm:no"))
}

func (t *turn) forgetAnswer(value string) bool {
	switch value {
	case "yes":
		lang := t.lang
		*t.u = User{}
		t.lang = lang
		t.d.Forget = true
		t.reply(t.ui("forget.done"), nil, nil)
	case "no":
		t.endFlow()
		t.say(t.ui("forget.kept"))
		t.menu()
	default:
		return false
	}
	return true
}

// myData lists everything stored about the user, in words.
func (t *turn) myData() string {
	u := t.u
	var lines []string
	add := func(key string, args ...string) { lines = append(lines, "• "+t.ui(key, args...)) }
	if u.LangChosen {
		add("mydata.lang_chosen", "lang", t.ui("lang."+string(t.lang)))
	} else {
		add("mydata.lang_detected", "lang", t.ui("lang."+string(t.lang)))
	}
	zone := u.TimeZone
	if zone == "" {
		zone = "Europe/Madrid"
	}
	add("mydata.zone", "zone", t.ui("tz."+zone))
	var ticked []string
	for _, item := range checklistItems {
		if u.Checklist[item] {
			ticked = append(ticked, t.ui("checklist.item."+item))
		}
	}
	if len(ticked) > 0 {
		add("mydata.checklist", "items", strings.Join(ticked, "; "))
	}
	if u.Route != "" {
		add("mydata.route", "route", t.ui("route.name."+u.Route))
	}
	if d := u.Letter.RequestedOn; !d.IsZero() {
		add("mydata.requested", "date", t.formatDate(d))
	}
	if d := u.Letter.ArrivedOn; !d.IsZero() {
		add("mydata.arrived", "date", t.formatDate(d))
	}
	if d := u.Letter.Dated; !d.IsZero() {
		add("mydata.dated", "date", t.formatDate(d), "expiry", t.formatDate(u.Letter.Expires()))
	}
	if d := u.RegisteredOn; !d.IsZero() {
		add("mydata.registered", "date", t.formatDate(d))
	}
	if n := len(u.Reminders); n > 0 {
		next := u.Reminders[0].In(u.location())
		add("mydata.reminders", "n", strconv.Itoa(n), "date", t.formatDate(DateOf(next)))
	}
	if u.Flow.Active() {
		add("mydata.flow", "flow", t.flowName())
	}
	if !u.Created.IsZero() {
		add("mydata.since", "date", t.formatDate(DateOf(u.Created.In(u.location()))))
	}
	return t.ui("mydata.title") + "\n\n" + strings.Join(lines, "\n") + "\n\n" + t.ui("mydata.never")
}
