package understand

import (
	"regexp"
	"strings"
)

var (
	remindWords = phrases("remind", "reminder", "reminders", "reminding", "recordar", "recuerdame", "recuerdes", "recordarme",
		"recordatorio", "recordatorios", "avisame", "avisar", "avisarme", "avises", "aviso", "avisos", "notify", "notification",
		"notifications", "notificacion", "notificaciones", "alert", "alerts", "alerta", "alertas", "ping me", "let me know",
		"message me", "text me", "warn me", "heads up", "nudge", "reminder before", "send me a message", "send me a reminder",
		"mandame", "escribeme", "reminde", "remaind", "remindme", "recuerda", "recuerdamelo", "avisamelo", "recordarmelo",
		"avisarme", "me avisas", "me recuerdas", "me avisaras", "me lo recuerdas")
	stopWords = phrases("stop", "cancel", "no more", "dont want", "don t want", "do not want", "disable", "turn off", "switch off",
		"unsubscribe", "mute", "para", "parar", "paralos", "deja de", "dejar de", "deja", "cancela", "cancelar", "no quiero",
		"no mas", "quita", "quitar", "desactiva", "desactivar", "basta", "enough", "delete the reminders", "remove the reminders",
		"borra los recordatorios", "elimina los recordatorios", "too many")
	listWords = phrases("what reminders", "which reminders", "when will you remind", "when are the reminders", "when will i get",
		"what time will", "at what time", "what time", "when do i get", "list", "show me the reminders", "my reminders",
		"que recordatorios", "cuando me avisaras", "cuando me vas a avisar", "cuando me recordaras", "a que hora", "que hora",
		"mis recordatorios", "cuando llegan los avisos", "when will the reminder")
	laterWords  = phrases("tomorrow", "manana", "later", "mas tarde", "in a day", "snooze", "luego")
	beforeWords = phrases("before", "beforehand", "earlier", "prior", "in advance", "ahead", "antes", "de antelacion",
		"con antelacion", "previo", "left", "remaining", "to go", "quedan", "queden", "falten", "faltan", "before it expires",
		"before the end", "before expiry")

	languageNames = map[string]Lang{"spanish": Spanish, "espanol": Spanish, "castellano": Spanish, "spanih": Spanish,
		"english": English, "ingles": English, "englsh": English, "inglis": English}
	languageCues = phrases("in", "en", "speak", "speak in", "habla", "hablame", "hablar", "hablame en", "habla en", "switch to",
		"change to", "cambia a", "cambiar a", "cambia al", "prefer", "prefiero", "write in", "escribe en", "escribeme en",
		"answer in", "responde en", "contesta en", "reply in", "please", "por favor", "can we", "podemos", "can you",
		"puedes", "do you speak", "hablas", "talk in", "language", "idioma")
	forgetWords = phrases("delete my data", "delete all my data", "delete everything", "erase my data", "erase everything",
		"erase all", "remove my data", "wipe my data", "forget me", "forget about me", "forget everything", "forget my data",
		"delete my info", "delete my information", "delete my account", "remove my account", "remove everything",
		"borra mis datos", "borrar mis datos", "borra todo", "borrar todo", "elimina mis datos", "eliminar mis datos",
		"olvidame", "olvida mis datos", "olvidate de mi", "borra mi cuenta", "eliminar mi cuenta", "borralo todo",
		"quiero que borres", "delete what you have", "delete what you know", "delete what you store")
	myDataWords = phrases("what do you store", "what do you keep", "what do you save", "what data", "which data", "my data",
		"what do you know about me", "what information", "what info", "data do you", "what have you saved", "what have you stored",
		"que datos", "mis datos", "que guardas", "que sabes de mi", "que informacion", "que tienes de mi", "que has guardado",
		"datos guardas", "datos tienes", "do you store", "do you keep", "are you storing", "are you saving", "do you save",
		"privacy", "privacidad", "gdpr", "rgpd")
	menuWords   = phrases("menu", "main menu", "menu principal", "inicio", "start", "start over", "empezar", "comenzar", "restart", "home")
	backWords   = phrases("back", "go back", "atras", "volver", "vuelve", "anterior", "previous", "step back")
	cancelWords = phrases("cancel", "stop that", "cancelar", "salir", "exit", "quit", "never mind", "nevermind", "forget it",
		"da igual", "olvidalo", "dejalo", "leave it")
	helpWords = phrases("help", "ayuda", "commands", "comandos", "what can you do", "que puedes hacer", "que sabes hacer",
		"how does this work", "como funciona esto", "options", "opciones")

	routeFlowWords = phrases("help me choose", "which route", "which way should", "what route", "best way to register",
		"best route", "which option", "best option", "what option", "which method", "que opcion", "mejor opcion",
		"mejor forma", "mejor manera", "cual me conviene", "que me conviene", "que via", "cual es mejor para mi",
		"what should i do to register", "choose a route", "which one should i", "cual deberia", "which route do you recommend",
		"que via me recomiendas", "que forma me recomiendas", "what route would you recommend")
	checklistFlowWords = phrases("am i ready", "checklist", "check list", "estoy listo", "estoy lista", "lista de comprobacion",
		"do i have everything", "tengo todo", "what do i need to have ready", "ready to register")
	howToRegister = phrases("how do i get clave", "how do i get cl ve", "how to get clave", "how can i get clave", "how do i register",
		"how can i register", "how to register", "how do i sign up", "how can i sign up", "how to sign up", "how do i apply",
		"what do i do to register", "como me registro", "como registrarme", "como me doy de alta",
		"como darme de alta", "como consigo clave", "como obtengo clave", "como puedo registrarme", "como puedo conseguir",
		"como conseguir clave", "como obtener clave", "quiero registrarme", "quiero darme de alta", "quiero sacar clave",
		"como saco clave", "como me saco", "necesito registrarme", "como me apunto", "how do i register for clave",
		"how do i register in clave", "how to register for clave", "como registrarme en clave")
	letterFlowWords = phrases("track my letter", "track the letter", "follow my letter", "seguir mi carta", "seguimiento de la carta",
		"letter tracking", "track my invitation")
)

var (
	// daysRE reads a number of days: "3 days", "a week", "dos semanas".
	daysRE = regexp.MustCompile(`\b(` + numberWord + `|the|el|la)\s+(days?|weeks?|fortnights?|months?|dias?|semanas?|quincenas?|mes|meses|day before|dia antes)\b`)
	// digitsRE finds masked phone digits: "***123", "xxx 456", "...789".
	maskedRE = regexp.MustCompile(`(?:\*{2,}|x{3,}|\.{3,}|_{2,})\s?(\d{2,4})\b`)
	endsRE   = regexp.MustCompile(`\b(?:ends?|ending|finish(?:es)?|termina|acaba|terminado|acabado|last (?:digits|numbers))\s+(?:in|with|en|con|are|is|son|es)?\s*(?:the\s+)?(\d{2,4})\b`)
)

// readRequests finds what the message asks the bot to do.
func readRequests(r *reading, in *Interpretation, rest []string) {
	w := r.words
	add := func(q Request) { in.Requests = append(in.Requests, q) }
	remind := remindWords.in(w)
	switch {
	case remind && stopWords.in(w):
		add(Request{Kind: RequestStopReminders})
	case remind && listWords.in(w) && !in.HasDays:
		add(Request{Kind: RequestListReminders})
	case remind && laterWords.in(w) && !in.HasDays:
		add(Request{Kind: RequestRemindLater})
	case remind:
		add(Request{Kind: RequestRemind})
	}
	if l, ok := languageRequest(rest); ok {
		add(Request{Kind: RequestLanguage, Lang: l})
	}
	switch {
	case forgetWords.in(w):
		add(Request{Kind: RequestForget})
	case myDataWords.in(w):
		add(Request{Kind: RequestMyData})
	}
	switch {
	case menuWords.whole(rest):
		add(Request{Kind: RequestMenu})
	case backWords.whole(rest):
		add(Request{Kind: RequestBack})
	case cancelWords.whole(rest):
		add(Request{Kind: RequestCancel})
	case helpWords.whole(rest):
		add(Request{Kind: RequestHelp})
	}
	in.HowToRegister = howToRegister.in(w)
	switch {
	case routeFlowWords.in(w):
		add(Request{Kind: RequestFlow, Flow: "route"})
	case checklistFlowWords.in(w):
		add(Request{Kind: RequestFlow, Flow: "checklist"})
	case letterFlowWords.in(w):
		add(Request{Kind: RequestFlow, Flow: "letter"})
	}
}

// languageRequest reads "in Spanish please", "en español", "english?".
// "I'm Spanish" is a nationality, not a request.
func languageRequest(w []string) (Lang, bool) {
	for i, word := range w {
		l, ok := languageNames[word]
		if !ok {
			continue
		}
		if len(w) <= 2 {
			return l, true
		}
		if i > 0 && languageCues.at(w, i-1) > 0 {
			return l, true
		}
		for k := max(0, i-3); k < i; k++ {
			if n := languageCues.at(w, k); n > 0 && k+n <= i && w[k] != "in" && w[k] != "en" && w[k] != "please" {
				return l, true
			}
		}
	}
	return "", false
}

// readDays reads a number of days from folded text: "3 days before",
// "a week before", "una semana antes", "the day before".
func readDays(s string) (int, bool) {
	m := daysRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	unit := m[2]
	if unit == "day before" || unit == "dia antes" {
		return 1, true
	}
	n, vague := numberValue(m[1])
	if m[1] == "the" || m[1] == "el" || m[1] == "la" {
		n, vague = 1, false
	}
	if vague || n < 0 {
		return 0, false
	}
	return n * unitDays(unit), true
}

// readDigits reads what the user says about the masked number on screen.
func readDigits(s string, w []string) DigitsSeen {
	var groups []string
	for _, m := range maskedRE.FindAllStringSubmatch(s, -1) {
		groups = append(groups, m[1])
	}
	for _, m := range endsRE.FindAllStringSubmatch(s, -1) {
		groups = append(groups, m[1])
	}
	if len(groups) >= 2 {
		for _, g := range groups[1:] {
			if !strings.HasSuffix(g, groups[0]) && !strings.HasSuffix(groups[0], g) {
				return DigitsDiffer
			}
		}
		return DigitsMatch
	}
	if len(groups) == 1 || maskedRE.MatchString(s) {
		switch {
		case differWords.in(w):
			return DigitsDiffer
		case matchWords.in(w) && !negated(w, matchWords):
			return DigitsMatch
		}
	}
	return DigitsUnsaid
}
