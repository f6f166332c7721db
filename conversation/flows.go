package conversation

import (
	"strconv"
	"strings"
)

// setFlow moves the user to a step of a flow.
func (t *turn) setFlow(name, step string) {
	f := &t.u.Flow
	if f.Name != name {
		*f = Flow{Name: name}
	}
	f.Step = step
	f.Since = t.now
}

func (t *turn) endFlow() { t.u.Flow = Flow{} }

// startFlow opens a flow by name; false when there is no such flow.
func (t *turn) startFlow(name string) bool {
	switch name {
	case "menu":
		t.endFlow()
		t.menu()
	case "route":
		t.endFlow()
		t.routeAsk("cert")
	case "checklist":
		t.setFlow("checklist", "list")
		t.showChecklist()
	case "letter":
		t.letterStart()
	case "registered":
		t.registered()
	case "fix":
		t.endFlow()
		t.fixList()
	case "topics":
		t.endFlow()
		t.reply(t.ui("topics.title"), nil, t.buttons(
			"topic:what_is_clave", "topic:clave_systems", "topic:routes", "topic:requirements",
			"topic:csv_code", "topic:levels", "topic:login_app", "topic:clave_vs_certificate",
			"topic:about_bot", "flow:menu"))
	case "help":
		t.reply(t.ui("help.text"), nil, t.buttons("flow:menu", "flow:topics"))
	case "language":
		t.reply(t.ui("language.choose"), nil, t.buttons("lang:en", "lang:es"))
	case "timezone":
		t.reply(t.ui("timezone.choose"), nil, t.buttons("tz:Europe/Madrid", "tz:Atlantic/Canary"))
	case "mydata":
		t.reply(t.myData(), nil, t.buttons("flow:forget", "flow:menu"))
	case "forget":
		t.setFlow("forget", "confirm")
		t.forgetAsk()
	default:
		return false
	}
	return true
}

// reoffer shows again the step the user is on, or the menu.
func (t *turn) reoffer() {
	f := t.u.Flow
	switch {
	case f.Name == "route":
		t.routeAsk(f.Step)
	case f.Name == "checklist":
		t.showChecklist()
	case f.Name == "letter":
		t.letterAsk(f.Step)
	case f.Name == "forget":
		t.forgetAsk()
	case strings.HasPrefix(f.Name, "fix."):
		t.fixAsk()
	default:
		t.menu()
	}
}

// flowText reads free text as an answer to the current step. It reports
// false when the text is not an answer, so it can be treated as a question.
func (t *turn) flowText(text string) bool {
	f := t.u.Flow
	switch {
	case f.Name == "route":
		return t.routeText(f.Step, text)
	case f.Name == "letter":
		return t.letterText(f.Step, text)
	case f.Name == "forget":
		if v := yesNo(text); v == "yes" || v == "no" {
			return t.forgetAnswer(v)
		}
	case strings.HasPrefix(f.Name, "fix."):
		if v := yesNo(text); v == "yes" || v == "no" {
			return t.fixAnswer(v)
		}
	}
	return false
}

// back returns to the previous step of the flow, or to the menu.
func (t *turn) back() {
	f := t.u.Flow
	switch {
	case f.Name == "route":
		t.routeBack()
	case strings.HasPrefix(f.Name, "fix."):
		if n, err := strconv.Atoi(f.Step); err == nil && n > 0 {
			t.setFlow(f.Name, strconv.Itoa(n-1))
			t.fixAsk()
			return
		}
		t.endFlow()
		t.fixList()
	case f.Name == "letter" && f.Step == "date":
		t.setFlow("letter", "arrived")
		t.letterAsk("arrived")
	default:
		t.endFlow()
		t.menu()
	}
}

// flowName names the user's current flow for "shall we continue" prompts.
func (t *turn) flowName() string {
	name := t.u.Flow.Name
	if id, ok := strings.CutPrefix(name, "fix."); ok {
		if tp := t.e.cat.Topic(id); tp != nil {
			return tp.Title.In(t.lang)
		}
	}
	return t.ui("flowname." + name)
}

// offerResume greets a user who comes back to an unfinished flow after a
// long pause, answering their message first when it was a clear question.
func (t *turn) offerResume(text string) {
	if r := t.e.match.Match(text); r.Verdict == Confident {
		t.answerTopic(r.Candidates[0].TopicID)
	}
	t.reply(t.ui("flow.resume", "flow", t.flowName()), nil, t.buttons("nav:resume", "flow:menu"))
}

// warnSensitive tells the user that what they pasted is personal or secret
// and was not kept.
func (t *turn) warnSensitive(found Sensitive) {
	var parts []string
	if found.Has(SensitiveCSV) {
		parts = append(parts, t.ui("sensitive.csv"))
	}
	if found.Has(SensitiveDocument) {
		parts = append(parts, t.ui("sensitive.document"))
	}
	if found.Has(SensitivePhone) {
		parts = append(parts, t.ui("sensitive.phone"))
	}
	parts = append(parts, t.ui("sensitive.not_kept"))
	t.say(strings.Join(parts, "\n\n"))
}

func (t *turn) setLang(l Lang) {
	t.u.Lang, t.u.LangChosen, t.lang = l, true, l
	t.say(t.ui("language.set"))
	t.reoffer()
}

// Zones are the time zones of Spain a user can choose.
var Zones = []string{"Europe/Madrid", "Atlantic/Canary"}

func (t *turn) setZone(name string) bool {
	for _, z := range Zones {
		if z == name {
			t.u.TimeZone = name
			t.today = DateOf(t.now.In(t.u.location()))
			if len(t.u.Reminders) > 0 {
				t.schedule()
			}
			t.say(t.ui("timezone.set", "zone", t.ui("tz."+name)))
			t.reoffer()
			return true
		}
	}
	return false
}
