package conversation

import (
	"strings"
)

// act carries out a button action (pressed, or chosen by number or label).
func (t *turn) act(action string) {
	kind, name, _ := strings.Cut(action, ":")
	switch kind {
	case "topic":
		if t.e.cat.Topic(name) != nil {
			t.answerTopic(name)
			return
		}
	case "more":
		if t.e.cat.Topic(name) != nil {
			t.answerMore(name)
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
		if t.answer(name) {
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

// answer applies a flow answer "FLOW:STEP:VALUE" if it fits the step the
// user is on.
func (t *turn) answer(s string) bool {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return false
	}
	f := t.u.Flow
	if f.Name != parts[0] || f.Step != parts[1] {
		return false
	}
	switch {
	case f.Name == "route":
		return t.routeAnswer(parts[1], parts[2])
	case f.Name == "letter":
		return t.letterAnswer(parts[1], parts[2])
	case f.Name == "forget":
		return t.forgetAnswer(parts[2])
	case strings.HasPrefix(f.Name, "fix."):
		return t.fixAnswer(parts[2])
	}
	return false
}

// command handles "/name args" and the plain words that mean a command.
func (t *turn) command(text string) {
	name, arg, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name, _, _ = strings.Cut(strings.ToLower(name), "@") // Telegram appends @botname in groups
	arg = strings.TrimSpace(arg)
	switch name {
	case "start":
		t.u.Flow = Flow{}
		if arg != "" && t.deepLink(arg) {
			return
		}
		t.say(t.ui("welcome.start"))
		t.menu()
	case "menu":
		t.u.Flow = Flow{}
		t.menu()
	case "cancel":
		if t.u.Flow.Active() {
			t.u.Flow = Flow{}
			t.say(t.ui("flow.cancelled"))
		}
		t.menu()
	case "back":
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
		if flow, ok := commandFlows[name]; ok {
			t.startFlow(flow)
			return
		}
		t.say(t.ui("command.unknown"))
		t.startFlow("help")
	}
}

// commandFlows maps the commands that open a flow, in both languages, to
// the flow they open.
var commandFlows = map[string]string{
	"help": "help", "ayuda": "help",
	"timezone": "timezone", "zona": "timezone",
	"mydata": "mydata", "misdatos": "mydata",
	"forget": "forget", "olvidar": "forget", "borrar": "forget",
	"route": "route", "ruta": "route",
	"checklist": "checklist", "lista": "checklist",
	"letter": "letter", "carta": "letter",
	"registered": "registered", "registrado": "registered",
	"topics": "topics", "temas": "topics",
	"fix": "fix", "problema": "fix", "problemas": "fix",
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

// keyword recognises a message made only of a navigation word, in either
// language, and returns the command it means.
func keyword(text string) string {
	switch plainWords(text) {
	case "menu", "main menu", "menu principal", "inicio", "start", "empezar", "comenzar":
		return "menu"
	case "back", "go back", "atras", "volver", "vuelve", "anterior":
		return "back"
	case "cancel", "stop that", "cancelar", "salir", "exit", "quit":
		return "cancel"
	case "help", "ayuda", "commands", "comandos":
		return "help"
	case "language", "idioma", "change language", "cambiar idioma", "english", "ingles", "in english", "espanol", "en espanol", "spanish", "castellano":
		if l, ok := ParseLang(lastWord(plainWords(text))); ok {
			return "language " + string(l)
		}
		return "language"
	case "my data", "mydata", "mis datos":
		return "mydata"
	case "forget me", "delete my data", "erase my data", "borrar mis datos", "olvidame", "borra mis datos":
		return "forget"
	}
	return ""
}

func lastWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

// smallTalk recognises greetings and thanks, which deserve a human answer
// rather than a knowledge-base search.
func smallTalk(text string) string {
	words := plainWords(text)
	// "hey, how are you?" is a greeting followed by chit-chat: neither
	// part asks anything about Cl@ve.
	for _, greeting := range []string{"hi ", "hello ", "hey ", "hola ", "buenas "} {
		if rest, ok := strings.CutPrefix(words, greeting); ok && chitChat[rest] {
			return "hello"
		}
	}
	if chitChat[words] {
		return "hello"
	}
	switch words {
	case "hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening",
		"hola", "buenas", "buenos dias", "buenas tardes", "buenas noches", "hola buenas", "hi there", "hello there":
		return "hello"
	case "thanks", "thank you", "thx", "ty", "thanks a lot", "thank you so much", "great thanks", "ok thanks", "cheers",
		"gracias", "muchas gracias", "mil gracias", "vale gracias", "ok gracias", "genial gracias":
		return "thanks"
	case "bye", "goodbye", "see you", "adios", "hasta luego", "chao", "chau":
		return "bye"
	}
	return ""
}

// chitChat are pleasantries that deserve a greeting back.
var chitChat = map[string]bool{
	"how are you": true, "how are you today": true, "how s it going": true, "how is it going": true,
	"whats up": true, "what s up": true, "how are things": true, "you there": true, "are you there": true,
	"que tal": true, "que tal estas": true, "como estas": true, "como va": true, "como va todo": true, "estas ahi": true,
}

// yesNo reads a free-text answer to a yes/no question: a known phrase, or
// a message that starts with a plain yes or no ("no, I don't").
func yesNo(text string) string {
	words := plainWords(text)
	if v := yesNoPhrase(words); v != "" {
		return v
	}
	first, _, _ := strings.Cut(words, " ")
	switch first {
	case "yes", "yeah", "yep", "yup", "si", "sip", "claro":
		return "yes"
	case "no", "nope", "nah":
		return "no"
	}
	return ""
}

func yesNoPhrase(words string) string {
	switch words {
	case "yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "correct", "right", "i do", "i have", "i can", "it did", "it worked", "fixed", "solved",
		"si", "sip", "claro", "vale", "correcto", "si tengo", "tengo", "puedo", "si puedo", "funciono", "resuelto", "arreglado", "solucionado", "ya", "por supuesto":
		return "yes"
	case "no", "n", "nope", "nah", "not yet", "i dont", "i don t", "i can t", "i cant", "didn t work", "didnt work", "it didn t", "no luck", "still not", "next",
		"todavia no", "aun no", "no tengo", "no puedo", "no funciono", "sigue igual", "siguiente", "nada":
		return "no"
	case "not sure", "dont know", "don t know", "i dont know", "i don t know", "no idea", "maybe", "unsure",
		"no se", "no lo se", "ni idea", "quizas", "tal vez", "no estoy seguro", "no estoy segura":
		return "unsure"
	}
	return ""
}
