package conversation

import (
	"strings"

	"github.com/clavebot/clavebot/conversation/understand"
)

// flow is one guided flow: the route chooser, the checklist, the letter,
// a troubleshooting guide... Each lives in a file of its own and registers
// itself; the engine reaches it only through this interface, so adding a
// flow touches one file.
//
// A flow's sentences are the catalogue's "button.flow.NAME" (its menu
// label) and "flowname.NAME" (how "shall we continue" prompts name it).
type flow interface {
	// name is the flow's name in "flow:NAME" buttons and in User.Flow.
	name() string
	// commands are the slash commands that open it, in both languages.
	commands() []string
	// start opens the flow.
	start(t *turn)
	// ask shows the step the user is on again.
	ask(t *turn)
	// press applies the button answer value to step; false when it does
	// not fit.
	press(t *turn, step, value string) bool
	// reply reads the turn's interpretation as an answer to the step the
	// user is on; false when it is not one.
	reply(t *turn) bool
	// back goes one step back.
	back(t *turn)
	// expect says what the step asks for.
	expect(t *turn, step string) understand.Expect
}

// baseFlow gives a flow without steps its defaults.
type baseFlow struct{}

func (baseFlow) commands() []string                     { return nil }
func (baseFlow) ask(t *turn)                            { t.menu() }
func (baseFlow) press(*turn, string, string) bool       { return false }
func (baseFlow) reply(*turn) bool                       { return false }
func (baseFlow) back(t *turn)                           { t.endFlow(); t.menu() }
func (baseFlow) expect(*turn, string) understand.Expect { return understand.ExpectNothing }

// action is a flow of one step: it shows something and is done.
type action struct {
	baseFlow
	id   string
	cmds []string
	run  func(t *turn)
}

func (a action) name() string       { return a.id }
func (a action) commands() []string { return a.cmds }
func (a action) start(t *turn)      { a.run(t) }

var (
	flowRegistry = map[string]flow{}
	// flowPrefixes holds the flows whose names are a family, such as
	// "fix.sms_not_arriving": the part before the dot names the flow.
	commandIndex = map[string]string{}
)

// register adds f to the flows. It is called from each flow's file.
func register(f flow) {
	if flowRegistry[f.name()] != nil {
		panic("conversation: flow " + f.name() + " registered twice")
	}
	flowRegistry[f.name()] = f
	for _, c := range f.commands() {
		commandIndex[c] = f.name()
	}
}

// lookupFlow returns the flow a stored flow name belongs to, or nil.
func lookupFlow(name string) flow {
	if f, ok := flowRegistry[name]; ok {
		return f
	}
	if family, _, ok := strings.Cut(name, "."); ok {
		return flowRegistry[family+"."]
	}
	return nil
}

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
	f := flowRegistry[name]
	if f == nil || strings.HasSuffix(name, ".") {
		return false
	}
	f.start(t)
	return true
}

// reoffer shows again the step the user is on, or the menu.
func (t *turn) reoffer() {
	if f := lookupFlow(t.u.Flow.Name); f != nil {
		f.ask(t)
		return
	}
	t.menu()
}

// back returns to the previous step of the flow, or to the menu.
func (t *turn) back() {
	if f := lookupFlow(t.u.Flow.Name); f != nil {
		f.back(t)
		return
	}
	t.endFlow()
	t.menu()
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

// act carries out a button action (pressed, or chosen by number or label).
func (t *turn) act(action string) {
	kind, name, _ := strings.Cut(action, ":")
	switch kind {
	case "topic":
		if t.e.cat.Topic(name) != nil {
			t.firstAnswer(name)
			return
		}
	case "more":
		if t.e.cat.Topic(name) != nil {
			t.answerMore(name)
			return
		}
	case "cal":
		t.sendCalendar()
		return
	case "all":
		if t.e.cat.Topic(name) != nil {
			t.topicAnswer(name, true, false)
			return
		}
	case "fix":
		if tp := t.e.cat.Topic(name); tp != nil && len(tp.Steps) > 0 {
			t.startFix(name)
			return
		}
	case "flow":
		if t.startFlow(name) {
			return
		}
	case "lang":
		if l, ok := ParseLang(name); ok {
			t.setLang(l)
			return
		}
	case "tz":
		if t.setZone(name) {
			return
		}
	case "ck":
		if t.toggleItem(name) {
			return
		}
	case "rem":
		if t.reminderAction(name) {
			return
		}
	case "nav":
		switch name {
		case "back":
			t.back()
			return
		case "no_such_option":
			t.say(t.ui("input.no_such_option"))
			t.reoffer()
			return
		case "resume":
			t.u.Flow.Since = t.now
			t.reoffer()
			return
		}
	case "a":
		// a:FLOW:STEP:VALUE answers a step, if the user is still on it.
		parts := strings.SplitN(name, ":", 3)
		if f := lookupFlow(t.u.Flow.Name); len(parts) == 3 && f != nil &&
			t.u.Flow.Name == parts[0] && t.u.Flow.Step == parts[1] && f.press(t, parts[1], parts[2]) {
			return
		}
	}
	t.stale()
}

// stale answers a button that no longer fits: pressed days later, from an
// old menu, or forged.
func (t *turn) stale() {
	t.say(t.ui("button.stale"))
	t.reoffer()
}

// command handles a slash command: its name and what follows it.
func (t *turn) command(name, arg string) {
	switch name {
	case "start":
		t.endFlow()
		if arg != "" && t.deepLink(arg) {
			return
		}
		t.menu()
		// One message: the greeting above the menu.
		last := &t.d.Replies[len(t.d.Replies)-1]
		last.Text = t.ui("welcome.start") + "\n\n" + last.Text
	case "menu", "inicio":
		t.endFlow()
		t.menu()
	case "cancel", "cancelar":
		if t.u.Flow.Active() {
			t.endFlow()
			t.say(t.ui("flow.cancelled"))
		}
		t.menu()
	case "back", "atras":
		t.back()
	case "stop", "parar":
		t.reminderAction("stop")
	case "reminders", "recordatorios":
		t.reminderAction("list")
	case "language", "idioma", "lang":
		if l, ok := ParseLang(arg); ok {
			t.setLang(l)
			return
		}
		t.startFlow("language")
	default:
		if flow, ok := commandIndex[name]; ok {
			t.startFlow(flow)
			return
		}
		t.say(t.ui("command.unknown"))
		t.startFlow("help")
	}
}

// deepLink opens what a /start payload names: a flow, a topic, or a
// troubleshooting guide ("fix-ID"). Telegram payloads allow only
// [A-Za-z0-9_-], hence the dash.
func (t *turn) deepLink(payload string) bool {
	payload = strings.ToLower(payload)
	if id, ok := strings.CutPrefix(payload, "fix-"); ok {
		if tp := t.e.cat.Topic(id); tp != nil && len(tp.Steps) > 0 {
			t.startFix(id)
			return true
		}
		return false
	}
	if t.e.cat.Topic(payload) != nil {
		t.answerTopic(payload)
		return true
	}
	return t.startFlow(payload)
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
			t.useZone(name)
			t.say(t.ui("timezone.set", "zone", t.ui("tz."+name)))
			t.reoffer()
			return true
		}
	}
	return false
}

// useZone moves the user to a time zone, and their reminders with them.
func (t *turn) useZone(name string) {
	t.u.TimeZone = name
	t.today = DateOf(t.now.In(t.u.location()))
	if len(t.u.Reminders) > 0 {
		t.schedule()
	}
}

// The flows of one step, and the menu.
func init() {
	register(action{id: "menu", cmds: []string{"menu", "inicio"}, run: func(t *turn) { t.endFlow(); t.menu() }})
	register(action{id: "help", cmds: []string{"help", "ayuda"}, run: func(t *turn) {
		t.reply(t.ui("help.text"), nil, t.buttons("flow:menu", "flow:topics"))
	}})
	register(action{id: "topics", cmds: []string{"topics", "temas"}, run: func(t *turn) {
		t.endFlow()
		t.reply(t.ui("topics.title"), nil, t.buttons(
			"topic:what_is_clave", "topic:clave_systems", "topic:routes", "topic:requirements",
			"topic:csv_code", "topic:levels", "topic:login_app", "topic:clave_vs_certificate",
			"topic:about_bot", "flow:menu"))
	}})
	register(action{id: "language", run: func(t *turn) {
		t.reply(t.ui("language.choose"), nil, t.buttons("lang:en", "lang:es"))
	}})
	register(action{id: "timezone", cmds: []string{"timezone", "zona"}, run: func(t *turn) {
		t.reply(t.ui("timezone.choose"), nil, t.buttons("tz:Europe/Madrid", "tz:Atlantic/Canary"))
	}})
	register(action{id: "mydata", cmds: []string{"mydata", "misdatos"}, run: func(t *turn) {
		t.reply(t.myData(), nil, t.buttons("flow:forget", "flow:menu"))
	}})
	register(action{id: "registered", cmds: []string{"registered", "registrado"}, run: func(t *turn) { t.registered() }})
}
