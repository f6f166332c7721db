package understand

// Statements of progress and of the user's case, read clause by clause:
// "got my letter, its dated 12/10, how long do i have?" states the letter
// came in its first clause and asks in its last.

var (
	letterNouns = phrases("letter", "letters", "carta", "cartas", "invitation", "invitacion", "csv letter", "the csv",
		"envelope", "sobre", "post", "correo", "la carta")
	// Verbs that say the letter is here. Base forms ("get", "arrive")
	// are left out: they come in questions, not in news.
	arrivedVerbs = phrases("arrived", "has arrived", "came", "has come", "come", "got", "ive got", "i ve got", "i got", "received",
		"have received", "is here", "here", "delivered", "turned up", "showed up", "landed", "have it", "have the letter",
		"have my letter", "got it", "finally came", "llego", "llegado", "ha llegado", "me llego", "me ha llegado", "recibi",
		"recibido", "recibida", "la recibi", "he recibido", "ya la tengo", "tengo la carta", "ya tengo", "ya esta aqui",
		"esta aqui", "llegada", "in the post", "in the mail", "in my mailbox", "en el buzon", "the postman brought")
	requestedVerbs = phrases("asked for", "i asked", "ive asked", "i ve asked", "have asked", "requested", "have requested",
		"ordered", "applied for", "sent for", "i requested", "pedi", "he pedido", "la pedi", "la he pedido", "pedida",
		"solicite", "he solicitado", "la solicite", "solicitada", "ya la pedi", "ya pedi", "mande pedir")
	// A registration the user reports as done.
	registeredPhrases = phrases("i registered", "i ve registered", "ive registered", "i have registered", "im registered",
		"i m registered", "i am registered", "got registered", "am registered", "registered", "registration done",
		"registration is done", "registration complete", "registration completed", "registration went through",
		"registration worked", "signed up", "i signed up", "done registering", "finished registering",
		"finished the registration", "completed the registration", "completed registration", "got the welcome",
		"welcome sms", "welcome text", "welcome message", "it went through", "me registre", "me he registrado",
		"estoy registrado", "estoy registrada", "ya estoy registrado", "ya estoy registrada", "me di de alta",
		"me he dado de alta", "estoy dado de alta", "estoy dada de alta", "registro completado", "ya me registre",
		"termine el registro", "he terminado el registro", "complete el registro", "sms de bienvenida",
		"mensaje de bienvenida", "ya tengo clave", "ya tengo cl ve", "i have clave now", "i have cl ve now", "i now have clave")
	// Words that make a clause a plan or a question, not news.
	notNews = phrases("how", "when", "where", "what", "will", "would", "should", "can", "could", "do i", "does", "did", "want to",
		"need to", "going to", "gonna", "plan to", "trying to", "try to", "como", "cuando", "donde", "que", "quiero", "necesito",
		"voy a", "tengo que", "puedo", "deberia", "if", "si", "before", "antes de", "after", "despues de", "once", "until",
		"hasta que", "expect", "supposed", "should i", "has it", "is it", "have i", "ha llegado ya", "te aviso", "ill tell",
		"i ll tell", "ill let you know", "let you know")
)

var (
	certificateWords = phrases("digital certificate", "electronic certificate", "certificado digital", "certificado electronico",
		"fnmt", "dnie", "electronic dni", "electronic id", "dni electronico", "dni with chip", "dni with the chip", "dni con chip",
		"chip", "e dni", "edni", "certificate installed", "certificado instalado", "software certificate", "cert", "certificate",
		"certificado")
	// These certificates are identity documents, not digital certificates.
	documentCertificates = phrases("green certificate", "eu certificate", "registration certificate", "certificate of registration",
		"residence certificate", "certificado verde", "certificado de registro", "certificado de residencia", "green paper",
		"certificado de la ue", "certificado ue", "certificado comunitario", "green card", "tarjeta verde", "eu citizen",
		"eu citizens", "european citizen", "ciudadano de la ue", "ciudadana de la ue", "ciudadano europeo", "ciudadana europea",
		"ciudadanos de la ue", "from the eu", "de la ue", "comunitario", "comunitaria")
	haveWords = phrases("have", "got", "own", "hold", "ive got", "i ve got", "tengo", "tiene", "dispongo", "cuento con", "uso", "use",
		"with", "con", "using")
	officeYes = phrases("can go", "could go", "can get to", "able to go", "happy to go", "dont mind going", "can visit",
		"puedo ir", "podria ir", "puedo acercarme", "no me importa ir", "puedo pasar", "in person is fine", "i can do in person",
		"can go in person", "near an office", "office near", "office nearby", "oficina cerca")
	officeNo = phrases("cant go", "can t go", "cannot go", "cant get to", "can t get to", "unable to go", "no way to go", "not able to go",
		"no puedo ir", "no puedo acercarme", "imposible ir", "no tengo tiempo", "no time", "work during", "trabajo por la manana",
		"far from", "lejos de", "no office", "no hay oficina", "dont want to go", "rather not go", "prefiero no ir",
		"no quiero ir", "avoid going", "without going", "sin ir", "no cita", "no appointments")
	officeWords = phrases("office", "oficina", "in person", "en persona", "presencial", "presencialmente", "appointment", "cita")
	addressOK   = phrases("address is up to date", "address is correct", "address is right", "address is fine", "address is ok",
		"address is current", "up to date", "correct address", "right address", "current address", "esta actualizado",
		"esta actualizada", "actualizado", "actualizada", "esta bien", "es correcta", "es correcto", "al dia", "correcto",
		"correcta", "i get post there", "i receive post", "recibo correo", "recibo las cartas", "lives there", "live there",
		"vivo ahi", "vivo alli", "same address", "misma direccion", "mismo domicilio", "its fine", "it s fine", "fine", "ok")
	addressBad = phrases("moved", "just moved", "i moved", "have moved", "recently moved", "me he mudado", "me mude", "mudanza",
		"old address", "wrong address", "not up to date", "out of date", "outdated", "not updated", "direccion antigua",
		"domicilio antiguo", "no esta actualizado", "no esta actualizada", "desactualizado", "desactualizada", "no vivo",
		"dont live there", "don t live there", "not my address", "another address", "otra direccion", "otro domicilio")
	addressWords = phrases("address", "direccion", "domicilio", "domicilio fiscal", "tax address", "fiscal address", "hacienda",
		"tax agency", "agencia tributaria", "aeat", "post", "correo", "padron")
	sharedPhone = phrases("same phone", "same mobile", "same number", "one phone", "one mobile", "one number", "share a phone",
		"share the phone", "share a number", "share the number", "share one", "shared phone", "shared number", "sharing a phone",
		"sharing the phone", "mismo movil", "mismo telefono", "mismo numero", "un solo movil", "un solo numero", "un movil",
		"compartimos", "compartir el movil", "compartir movil", "compartir el numero", "compartido", "between us",
		"entre los dos", "the two of us", "los dos", "both of us", "we both", "mine and my", "my wife s", "my husband s")

	tieWords    = phrases("tie", "residence card", "residency card", "tarjeta de residencia", "tarjeta de extranjero", "foreigner card", "tarjeta tie", "residence permit", "permiso de residencia", "tarjeta")
	nieWords    = phrases("nie", "n i e", "foreigner number", "numero de extranjero", "extranjero", "extranjera", "foreign resident", "foreigner")
	dniWords    = phrases("dni", "spanish id", "spanish id card", "national id", "documento nacional", "soy espanol", "soy espanola", "im spanish", "i m spanish", "i am spanish", "spanish citizen", "ciudadano espanol", "ciudadana espanola", "espanol", "espanola", "nationality spanish")
	passportOny = phrases("passport", "pasaporte")
)

// clauses splits the words at clause breaks.
func clauses(r *reading, words []string, offset int) [][]string {
	var out [][]string
	start := 0
	for i := 1; i <= len(words); i++ {
		if i == len(words) || r.clause[offset+i] != r.clause[offset+i-1] || isConjunction(words[i]) {
			if i > start {
				out = append(out, words[start:i])
			}
			start = i
		}
	}
	return out
}

func isConjunction(w string) bool {
	switch w {
	case "and", "but", "y", "pero", "so", "then", "luego", "also", "tambien", "although", "aunque", "because", "porque":
		return true
	}
	return false
}

// readStatements finds the statements of progress and of the user's case.
func readStatements(r *reading, ctx Context, in *Interpretation) {
	letterContext := (ctx.LetterTalk || ctx.Letter >= LetterRequested) &&
		(ctx.Flow == "" || ctx.Flow == "letter" || ctx.Flow == "fix.letter_not_arrived" || ctx.Flow == "fix.csv_expired")
	for _, c := range clauses(r, r.words, 0) {
		news := !notNews.in(c)
		aboutLetter := letterNouns.in(c) || (letterContext && pronounSubject(c))
		switch {
		case !aboutLetter:
		case arrivedVerbs.in(c):
			sp, _ := arrivedVerbs.find(c, 0, len(c))
			if negatedAt(c, sp.start) || stillWaiting(c) {
				in.Progress = appendProgress(in.Progress, LetterMissing)
			} else if news {
				in.Progress = appendProgress(in.Progress, LetterCame)
			}
		case requestedVerbs.in(c) && news:
			sp, _ := requestedVerbs.find(c, 0, len(c))
			if !negatedAt(c, sp.start) {
				in.Progress = appendProgress(in.Progress, LetterAskedFor)
			}
		case stillWaiting(c):
			in.Progress = appendProgress(in.Progress, LetterMissing)
		}
		if sp, ok := registeredPhrases.find(c, 0, len(c)); ok && news && !negatedAt(c, sp.start) && !stillWaiting(c) &&
			!thirdPerson.in(c[:sp.start]) {
			in.Progress = appendProgress(in.Progress, Registered)
		}
		readCase(c, &in.Case)
	}
}

// pronounSubject reports a clause such as "it came today" or "ya llegó",
// whose subject is left for the context to give. A clause that names
// something else ("never got one", about a PIN) is not one.
func pronounSubject(c []string) bool {
	if otherSubjects.in(c) {
		return false
	}
	for _, w := range c {
		switch w {
		case "it", "its", "la", "ya", "finally", "por", "fin", "just", "today", "hoy", "yesterday", "ayer", "here", "aqui":
			return true
		}
	}
	return len(c) <= 3
}

var otherSubjects = phrases("pin", "sms", "text", "message", "mensaje", "code", "codigo", "app", "number", "numero", "email",
	"mail", "correo electronico", "password", "contrasena", "certificate", "certificado", "dni", "nie", "tie", "phone", "movil",
	"telefono", "qr", "notification", "notificacion", "reminder", "recordatorio", "one", "uno", "una", "ninguno", "ninguna")

// thirdPerson are subjects other than the user: "my wife registered".
var thirdPerson = phrases("she", "he", "they", "my wife", "my husband", "my partner", "my son", "my daughter", "my mother",
	"my father", "my friend", "ella", "ellos", "mi mujer", "mi marido", "mi pareja", "mi esposa", "mi esposo", "mi hijo",
	"mi hija", "mi madre", "mi padre", "mi amigo", "mi amiga", "someone", "somebody", "alguien", "otra persona", "another person")

var waiting = phrases("still waiting", "waiting for", "still hasnt", "still not", "never came", "never arrived", "never got",
	"not arrived", "not received", "no sign", "sigo esperando", "todavia no", "aun no", "sigue sin", "no ha llegado", "no me ha llegado",
	"no me llega", "no llega", "no llego", "nunca llego", "hasnt arrived", "hasnt come", "havent received", "havent got",
	"didnt arrive", "didnt come", "didnt get", "not yet", "not here", "no la he recibido", "no he recibido", "lost", "perdida",
	"se ha perdido", "never received")

func stillWaiting(c []string) bool { return waiting.in(c) }

func appendProgress(ps []Progress, p Progress) []Progress {
	for _, q := range ps {
		if q == p {
			return ps
		}
	}
	return append(ps, p)
}

// readCase reads the facts of the user's situation from one clause.
func readCase(c []string, k *Case) {
	docCert := documentCertificates.in(c)
	if docCert {
		k.Document = DocEUCert
	}
	if sp, ok := certificateWords.find(c, 0, len(c)); ok && !docCert {
		_, has := haveWords.find(c, 0, sp.start)
		if has || len(c) <= 4 {
			switch {
			case unsureWords.in(c):
				k.Certificate = TriUnsure
			case hasNegator(c) || noWords.at(c, 0) > 0:
				k.Certificate = TriNo
			default:
				k.Certificate = TriYes
			}
		}
	}
	switch {
	case officeNo.in(c):
		k.Office = TriNo
	case officeYes.in(c):
		k.Office = TriYes
	case officeWords.in(c) && hasNegator(c):
		if canWords.in(c) {
			k.Office = TriNo
		}
	}
	if addressWords.in(c) || addressBad.in(c) {
		switch {
		case addressBad.in(c):
			k.Address = TriNo
		case unsureWords.in(c):
			k.Address = TriUnsure
		case addressOK.in(c) && !hasNegator(c):
			k.Address = TriYes
		}
	}
	if sharedPhone.in(c) {
		k.SharedPhone = true
	}
	switch {
	case docCert:
	case tieWords.in(c):
		k.Document = DocTIE
	case passportOny.in(c) && !nieWords.in(c) && !dniWords.in(c):
		k.Document = DocPassport
	case nieWords.in(c):
		if k.Document == NoDocument {
			k.Document = DocNIE
		}
	case dniWords.in(c):
		k.Document = DocDNI
	}
	if r := regionOf(c); r != NoRegion {
		k.Region = r
	}
}

var canWords = phrases("can", "cant", "could", "able", "puedo", "podria", "go", "get", "ir")

func hasNegator(c []string) bool {
	for _, w := range c {
		if negators[w] {
			return true
		}
	}
	return false
}

var (
	canaryWords = phrases("canary", "canaries", "canary islands", "canarias", "islas canarias", "canarian", "canario", "canaria",
		"tenerife", "gran canaria", "las palmas", "lanzarote", "fuerteventura", "la palma", "la gomera", "gomera", "el hierro",
		"santa cruz de tenerife", "la laguna", "puerto de la cruz", "arona", "adeje", "maspalomas", "corralejo", "arrecife",
		"atlantic canary", "hora canaria", "canary time")
	peninsulaWords = phrases("peninsula", "mainland", "madrid time", "hora peninsular", "hora de madrid", "peninsular time",
		"baleares", "balearic", "mallorca", "majorca", "ibiza", "menorca")
)

func regionOf(c []string) Region {
	switch {
	case canaryWords.in(c):
		return Canary
	case peninsulaWords.in(c):
		return Peninsula
	}
	return NoRegion
}
