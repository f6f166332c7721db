package understand

import (
	"regexp"
	"strings"
)

var (
	remindWords = phrases("remind", "reminder", "reminders", "reminding", "recordar", "recuerdame", "recuerdes", "recordarme",
		"recordatorio", "recordatorios", "avisame", "avisar", "avisarme", "avises", "aviso", "avisos", "notify me",
		"alert", "alerts", "alerta", "alertas", "ping me", "let me know",
		"message me", "text me", "warn me", "heads up", "nudge", "reminder before", "send me a message", "send me a reminder",
		"mandame", "escribeme", "reminde", "remaind", "remindme", "recuerda", "recuerdamelo", "avisamelo", "recordarmelo",
		"avisarme", "me avisas", "me recuerdas", "me avisaras", "me lo recuerdas", "remiders", "reminers", "remainders",
		"reminds", "recordatorio", "avisos", "recuerdeme", "aviseme")
	// remindVerbs ask for a reminder outright; remindWords also name them.
	remindVerbs = phrases("remind me", "remind", "reminde", "remaind", "remindme", "recuerdame", "recuerdamelo", "recordarme",
		"recordarmelo", "me recuerdas", "me lo recuerdas", "avisame", "avisamelo", "avisarme", "me avisas", "me avisaras",
		"notify me", "let me know", "ping me", "message me", "text me", "warn me", "send me a reminder", "send me a message",
		"give me a reminder", "set a reminder", "set me a reminder", "ponme un recordatorio", "ponme un aviso", "pon un recordatorio",
		"mandame un aviso", "mandame un recordatorio", "recuerdeme", "recuerdemelo", "aviseme", "avisemelo", "me lo recuerde",
		"me avise", "recordadme", "avisadme")
	// remindQuestion asks to be told something, not reminded: "remind me
	// what the CSV is".
	remindQuestion = phrases("remind me what", "remind me how", "remind me where", "remind me why", "remind me which", "remind me who",
		"recuerdame que es", "recuerdame como", "recuerdame donde", "recuerdame cual")
	// firstPersonNotice is the user promising to tell the bot: "I'll let
	// you know when it arrives".
	firstPersonNotice = phrases("te aviso", "te lo digo", "te digo", "ill let you know", "i ll let you know", "ill tell you",
		"i ll tell you", "i will let you know", "i will tell you", "te avisare", "te escribo cuando", "ya te contare")
	wantWords = phrases("want", "need", "like", "can you", "could you", "please", "set", "send", "give", "quiero", "necesito",
		"puedes", "podrias", "pon", "ponme", "manda", "mandame", "programa", "activa", "por favor", "porfa", "pls", "plz")
	stopWords = phrases("stop", "no me mandes", "no mandes", "dont send", "don t send", "do not send", "no more", "cancel", "no more", "dont want", "don t want", "do not want", "disable", "turn off", "switch off",
		"unsubscribe", "mute", "para", "parar", "paralos", "deja de", "dejar de", "deja", "cancela", "cancelar", "no quiero",
		"no mas", "quita", "quitar", "desactiva", "desactivar", "basta", "enough", "delete the reminders", "remove the reminders",
		"borra los recordatorios", "elimina los recordatorios", "too many")
	listWords = phrases("what reminders", "did you set", "have you set", "is it set", "are they set", "any reminders", "any reminder",
		"tengo algun", "tengo recordatorios", "q recordatorios", "que recordatorios tengo", "hay algun", "hay recordatorios",
		"when will u", "wen will u", "when will you", "wen will you", "esta puesto", "estan puestos", "has puesto", "which reminders", "when will you remind", "when are the reminders", "when will i get",
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
		"puedes", "do you speak", "hablas", "talk in", "language", "idioma", "pls", "plz", "porfa")
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
	deleteVerbs = phrases("delete", "erase", "remove", "wipe", "borra", "borrar", "borrame", "borres", "borre", "borrad",
		"elimina", "eliminar", "eliminame", "elimines", "elimine",
		"suprime", "suprimir", "quita", "quitar")
	dataNouns = phrases("data", "datos", "info", "information", "informacion", "everything", "todo", "account", "cuenta",
		"history", "historial", "profile", "perfil")
	menuAnywhere = phrases("main menu", "back to the start", "go back to the start", "start over", "start again", "volver al menu",
		"volver al inicio", "vuelve al menu", "vuelve al inicio", "menu principal", "show me the options", "show the options",
		"show options", "ver las opciones", "ver opciones", "muestrame las opciones", "back to the menu", "go to the menu")
	helpAnywhere = phrases("necesito ayuda", "i need help", "help me", "ayudame", "help please", "ayuda por favor",
		"what can you do", "que puedes hacer", "que sabes hacer", "what do you do", "how does this work", "como funciona esto")
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
		"which way is best", "which is best for me", "best for me", "whats best for me", "what is best for me", "which option is best",
		"cual es la mejor", "cual me va mejor", "que es lo mejor para mi", "que me conviene mas", "la mejor forma para mi",
		"que via me recomiendas", "que forma me recomiendas", "what route would you recommend")
	checklistFlowWords = phrases("am i ready", "checklist", "check list", "estoy listo", "estoy lista", "lista de comprobacion",
		"do i have everything", "tengo todo", "what do i need to have ready", "ready to register")
	howToRegister = phrases("how do i get clave", "how do i get cl ve", "how to get clave", "how can i get clave", "how do i register",
		"how can i register", "how to register", "how do i sign up", "how can i sign up", "how to sign up", "how do i apply",
		"what do i do to register", "como me registro", "como registrarme", "como me doy de alta",
		"como darme de alta", "como consigo clave", "como obtengo clave", "como puedo registrarme", "como puedo conseguir",
		"como conseguir clave", "como obtener clave", "quiero registrarme", "quiero darme de alta", "quiero sacar clave",
		"como saco clave", "como me saco", "necesito registrarme", "como me apunto", "como registrarme en clave")
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
	remindVerb := remindVerbs.in(w) && !remindQuestion.in(w) && !firstPersonNotice.in(w)
	remindNoun := remindWords.in(w) && !remindQuestion.in(w) && !firstPersonNotice.in(w)
	switch {
	case remindNoun && stopWords.in(w):
		add(Request{Kind: RequestStopReminders})
	case remindNoun && listWords.in(w) && !in.HasDays:
		add(Request{Kind: RequestListReminders})
	case remindVerb && laterWords.in(w) && !in.HasDays:
		add(Request{Kind: RequestRemindLater})
	case remindVerb || remindNoun && (wantWords.in(w) || in.HasDays):
		add(Request{Kind: RequestRemind})
	case remindNoun && r.question:
		add(Request{Kind: RequestListReminders})
	}
	if l, ok := languageRequest(rest); ok {
		add(Request{Kind: RequestLanguage, Lang: l})
	}
	switch {
	case forgetWords.in(w) || deleteVerbs.in(w) && dataNouns.in(w) && !remindWords.in(w):
		add(Request{Kind: RequestForget})
	case myDataWords.in(w) && !administrationWords.in(w):
		// "puedes ver mis datos de Hacienda?" is about the Tax Agency's
		// data, not the bot's.
		add(Request{Kind: RequestMyData})
	}
	switch {
	case menuWords.whole(rest), menuAnywhere.in(w):
		add(Request{Kind: RequestMenu})
	case backWords.whole(rest):
		add(Request{Kind: RequestBack})
	case cancelWords.whole(rest):
		add(Request{Kind: RequestCancel})
	case helpWords.whole(rest), helpAnywhere.whole(rest), len(rest) <= 4 && helpAnywhere.in(rest):
		add(Request{Kind: RequestHelp})
	}
	in.HowToRegister = howToRegister.in(w) || asksHowToRegister(w)
	switch {
	case routeFlowWords.in(w):
		add(Request{Kind: RequestFlow, Flow: "route"})
	case checklistFlowWords.in(w):
		add(Request{Kind: RequestFlow, Flow: "checklist"})
	case letterFlowWords.in(w):
		add(Request{Kind: RequestFlow, Flow: "letter"})
	case fixFlowWords.whole(rest):
		add(Request{Kind: RequestFlow, Flow: "fix"})
	}
}

var (
	administrationWords = phrases("hacienda", "agencia tributaria", "tax agency", "aeat", "seguridad social", "social security",
		"tax data", "datos fiscales", "renta", "tax return", "declaracion")
	// fixFlowWords ask for troubleshooting without naming the problem.
	fixFlowWords = phrases("fix me", "fix it", "fix this", "fix a problem", "i have a problem", "ive got a problem",
		"i ve got a problem", "something went wrong", "something is wrong", "something s wrong", "somethings wrong",
		"troubleshoot", "troubleshooting", "problems", "a problem", "tengo un problema", "algo ha fallado", "algo falla",
		"algo va mal", "ha fallado algo", "problemas", "un problema", "no funciona", "doesnt work", "it doesnt work",
		"not working", "its not working")
)

var (
	howWords      = phrases("how", "como", "steps", "pasos", "what do i do", "que hago", "que tengo que hacer", "procedure", "procedimiento")
	registerWords = phrases("register", "registration", "sign up", "signup", "registrarme", "registrarse", "registrar", "registro",
		"registo", "alta", "apuntarme", "apunto", "inscribirme", "darme de alta", "get clave", "get cl ve", "sacar la clave",
		"sacarme la clave", "obtener clave", "conseguir clave")
	wantRegister = phrases("want to sign up", "want to register", "want to get clave", "quiero registrarme", "quiero darme de alta",
		"quiero sacarme la clave", "quiero sacar la clave", "quiero la clave", "i d like to register", "id like to register",
		"would like to register", "me gustaria registrarme")
)

// asksHowToRegister reads "how do I register for clave pin?", "pasos
// para registrarse", "I want to sign up for clave".
func asksHowToRegister(w []string) bool {
	if wantRegister.in(w) {
		return true
	}
	h, ok := howWords.find(w, 0, len(w))
	if !ok {
		return false
	}
	_, ok = registerWords.find(w, h.end, min(len(w), h.end+5))
	return ok
}

// languageRequest reads "in Spanish please", "en español", "english?".
// "I'm Spanish" is a nationality, not a request.
func languageRequest(w []string) (Lang, bool) {
	var found Lang
	for i, word := range w {
		l, ok := languageNames[word]
		if !ok {
			continue
		}
		if i > 0 && (nationality[w[i-1]] || i > 1 && w[i-2] == "i" && w[i-1] == "am") {
			continue // "I'm Spanish" is a nationality
		}
		if i > 0 && negators[w[i-1]] || i > 1 && negators[w[i-2]] {
			continue // "I don't speak Spanish"
		}
		if i > 1 && (w[i-1] == "in" || w[i-1] == "en") && describing[w[i-2]] {
			continue // "the page is all in Spanish" describes, it does not ask
		}
		if len(w) <= 2 {
			found = l
			continue
		}
		if i > 0 && languageCues.at(w, i-1) > 0 || i+1 < len(w) && languageCues.at(w, i+1) > 0 && (w[i+1] == "please" || w[i+1] == "pls" || w[i+1] == "por") {
			found = l
			continue
		}
		for k := max(0, i-3); k < i; k++ {
			if n := languageCues.at(w, k); n > 0 && k+n <= i && w[k] != "in" && w[k] != "en" && w[k] != "please" {
				found = l
			}
		}
	}
	return found, found != ""
}

// describing words before "in <language>" say what something is written
// in.
var describing = map[string]bool{"all": true, "is": true, "its": true, "written": true, "only": true, "everything": true,
	"page": true, "site": true, "website": true, "web": true, "letter": true, "form": true, "todo": true, "esta": true,
	"solo": true, "sale": true, "viene": true, "pone": true, "escrito": true, "escrita": true, "pagina": true, "carta": true}

// nationality words before a language name make it a nationality.
var nationality = map[string]bool{"im": true, "soy": true, "am": true, "es": true, "eres": true, "somos": true, "are": true, "were": true}

// readDays reads a number of days from folded text: "3 days before",
// "a week before", "una semana antes", "the day before".
func readDays(s string) (int, bool) {
	if !containsAny(s, "day", "week", "fortnight", "month", "dia", "semana", "quincena", "mes") {
		return 0, false
	}
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
	if !strings.ContainsAny(s, "0123456789*x._") {
		return DigitsUnsaid
	}
	var groups []string
	for _, m := range maskedRE.FindAllStringSubmatch(s, -1) {
		groups = append(groups, m[1])
	}
	for _, m := range endsIf(s) {
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

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func endsIf(s string) [][]string {
	if !containsAny(s, "end", "finish", "termina", "acaba", "last digit", "last number") {
		return nil
	}
	return endsRE.FindAllStringSubmatch(s, -1)
}
