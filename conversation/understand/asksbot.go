package understand

// The bot only explains: it cannot act on anyone's Cl@ve. A message that
// asks it to act ("can you check my code?", "regístrame tú") is read as
// such, so that the answer starts by saying plainly who can.
var (
	// botAsk are the ways of asking the bot itself to do something.
	botAsk = phrases("can you", "could you", "would you", "will you", "can u", "could u", "are you able to", "are you able",
		"is it possible for you to", "puedes", "podrias", "me puedes", "me podrias", "puedes tu", "podrias tu", "eres capaz de")
	// botActs are actions on a registration or an account, which the
	// bot cannot take.
	botActs = phrases("register me", "sign me up", "register", "enrol", "enroll", "check", "verify", "validate", "confirm",
		"change", "update", "modify", "edit", "see", "look at", "look up", "access", "view", "log in", "login", "enter",
		"registrarme", "registrar", "darme de alta", "dar de alta", "comprobar", "verificar", "validar", "confirmar",
		"cambiar", "cambiarme", "actualizar", "actualizarme", "modificar", "ver", "mirar", "consultar", "acceder", "entrar",
		"comprobarlo", "verificarlo", "validarlo", "mirarlo", "cambiarlo", "hacerlo", "do it", "tramitar", "tramitarlo",
		"gestionar", "gestionarlo", "pedir", "request", "ask for")
	// botOrders are requests that read as such anywhere in a message
	// ("soy autónomo y no tengo tiempo, regístrame tú").
	botOrders = phrases("register me", "sign me up", "registrame", "dame de alta", "hazme el registro", "do my registration",
		"comprueba mi", "verifica mi", "valida mi", "cambiame", "actualizame", "tramitame", "pideme la carta")
	// botOnBehalf says the user wants it done for them.
	botOnBehalf = phrases("for me", "on my behalf", "instead of me", "por mi", "en mi nombre", "en mi lugar", "tu mismo",
		"tu misma", "hazlo tu", "hazmelo", "do it yourself")
	// botImperative are requests that start the message.
	botImperative = phrases("register me", "sign me up", "check my", "verify my", "validate my", "change my", "update my",
		"tell me if my registration", "tell me whether my registration", "did my registration", "is my registration",
		"look up my", "registrame", "dame de alta", "comprueba mi", "comprueba el", "verifica mi", "verifica el", "valida mi",
		"valida el", "cambiame", "cambia mi", "actualiza mi", "actualizame", "mira mi", "mira mis", "mira si", "consulta mi",
		"consulta mis", "tramitame", "pideme")
)

// botExplains are what the bot can do when asked: "can you help me
// register?" asks for guidance, not for the registration.
var botExplains = map[string]bool{"help": true, "tell": true, "explain": true, "show": true, "guide": true, "walk": true,
	"give": true, "remind": true, "ayudar": true, "ayudarme": true, "explicar": true, "explicarme": true, "decir": true,
	"decirme": true, "ensenar": true, "ensenarme": true, "guiar": true, "guiarme": true, "recordar": true, "avisar": true,
	"avisarme": true}

// politeStart are words a request may start with before its verb.
var politeStart = map[string]bool{"pls": true, "plz": true, "please": true, "porfa": true, "porfavor": true, "hey": true,
	"hi": true, "hola": true, "ok": true, "vale": true, "so": true, "just": true, "oye": true}

// asksBot reports whether words ask the bot to act on the user's Cl@ve.
func asksBot(words []string) bool {
	if len(words) == 0 {
		return false
	}
	start := 0
	for start < len(words) && politeStart[words[start]] {
		start++ // "pls change my tax address"
	}
	if start < len(words) && botImperative.at(words, start) > 0 || botOrders.in(words) {
		return true
	}
	if sp, ok := botAsk.find(words, 0, len(words)); ok && (sp.end >= len(words) || !botExplains[words[sp.end]]) {
		end := min(len(words), sp.end+3)
		if _, act := botActs.find(words, sp.end, end); act {
			return true
		}
	}
	if _, ok := botOnBehalf.find(words, 0, len(words)); ok {
		_, act := botActs.find(words, 0, len(words))
		return act
	}
	return false
}
