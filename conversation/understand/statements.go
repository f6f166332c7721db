package understand

// Statements of progress and of the user's case, read clause by clause:
// "got my letter, its dated 12/10, how long do i have?" states the letter
// came in its first clause and asks in its last.

var (
	letterNouns = phrases("letter", "letters", "leter", "lettre", "letetr", "carat", "carta", "cartas", "crata", "invitation", "invitacion", "csv letter", "the csv",
		"envelope", "sobre", "post", "correo", "la carta", "buzon", "mailbox", "postbox", "letterbox", "the postman", "cartero")
	// Verbs that say the letter is here. Base forms ("get", "arrive")
	// are left out: they come in questions, not in news.
	arrivedVerbs = phrases("arrived", "has arrived", "came", "has come", "come", "got", "ive got", "i ve got", "i got", "received",
		"have received", "is here", "here", "delivered", "turned up", "showed up", "landed", "have it", "have the letter",
		"have my letter", "got it", "finally came", "llego", "llegado", "ha llegado", "me llego", "me ha llegado", "recibi",
		"recibido", "recibida", "la recibi", "he recibido", "ya la tengo", "tengo la carta", "ya tengo", "ya esta aqui", "llegao", "ha llegao", "me ha llegao",
		"esta aqui", "llegada", "in my mailbox", "en el buzon", "the postman brought")
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
		"have to", "dont have to", "do i have to", "tengo que", "no tengo que", "hay que",
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
		"papel verde", "la hoja verde", "green sheet",
		"certificado de la ue", "certificado ue", "certificado comunitario", "green card", "tarjeta verde", "eu citizen",
		"eu citizens", "european citizen", "ciudadano de la ue", "ciudadana de la ue", "ciudadano europeo", "ciudadana europea",
		"ciudadanos de la ue", "from the eu", "de la ue", "comunitario", "comunitaria")
	haveWords = phrases("have", "has", "got", "own", "hold", "ive got", "i ve got", "tengo", "tiene", "dispongo", "cuento con", "uso", "use",
		"with", "con", "using")
	officeYes = phrases("ill go to", "i ll go to", "ill just go", "i ll just go", "go to an office", "go to the office", "ire a",
		"voy a ir a", "puedo ir", "si puedo ir", "can go", "could go", "can get to", "able to go", "happy to go", "dont mind going", "can visit",
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
		"vivo ahi", "vivo alli", "same address", "misma direccion", "mismo domicilio", "its fine", "it s fine", "fine", "ok",
		"bien", "lo tengo bien", "current flat", "current home", "current house", "my flat", "where i live", "where i am living",
		"donde vivo", "mi piso", "mi casa", "right one", "the right one", "updated it", "lo actualice", "lo he actualizado",
		"al dia", "good", "is correct", "is my current", "updated", "i updated", "actualice", "lo cambie", "changed it")
	strongAddressOK = phrases("up to date", "current", "correct", "right one", "actualizado", "actualizada", "al dia", "correcto",
		"correcta", "updated", "actualice", "where i live", "donde vivo")
	addressBad = phrases("moved", "just moved", "acabo de mudar", "me acabo de mudar", "nos hemos mudado", "nos mudamos", "i moved", "have moved", "recently moved", "me he mudado", "me mude", "mudanza",
		"old address", "wrong address", "not up to date", "out of date", "outdated", "not updated", "direccion antigua",
		"domicilio antiguo", "no esta actualizado", "no esta actualizada", "desactualizado", "desactualizada", "no vivo",
		"dont live there", "don t live there", "not my address", "another address", "otra direccion", "otro domicilio")
	addressWords = phrases("address", "direccion", "domicilio", "domicilio fiscal", "tax address", "fiscal address", "hacienda",
		"tax agency", "agencia tributaria", "aeat", "post", "correo", "padron")
	sharedPhone = phrases("same phone", "same mobile", "share it", "lo comparto", "la comparto", "registered with my number",
		"registered with my phone", "used my number", "used my phone number", "uses my number", "con mi numero", "uso su numero",
		"usa mi numero", "my number for his", "my number for her", "su numero para", "same number", "one phone", "one mobile", "one number", "share a phone",
		"share the phone", "share a number", "share the number", "share one", "shared phone", "shared number", "sharing a phone",
		"sharing the phone", "mismo movil", "mismo telefono", "mismo numero", "un solo movil", "un solo numero", "un movil",
		"compartimos", "compartir el movil", "compartir movil", "compartir el numero", "compartido", "between us",
		"entre los dos", "the two of us", "los dos", "both of us", "we both", "mine and my", "my wife s", "my husband s")

	tieWords = phrases("tie", "residence card", "residency card", "tarjeta de residencia", "tarjeta de extranjero", "foreigner card", "tarjeta tie", "residence permit", "permiso de residencia", "tarjeta")
	nieWords = phrases("nie", "n i e", "foreigner number", "numero de extranjero", "extranjero", "extranjera", "foreign resident", "foreigner")
	dniWords = phrases("dni", "spanish id", "spanish id card", "national id", "documento nacional", "spanish citizen", "ciudadano espanol", "ciudadana espanola", "nationality spanish")
	// spanishWords are a nationality only after "I'm" or "soy".
	spanishWords = phrases("spanish", "espanol", "espanola")
	passportOny  = phrases("passport", "pasaporte")
)

// clauses splits the words at clause breaks and conjunctions; asked
// reports for each part whether its clause ends with a question mark.
func clauses(r *reading, words []string, offset int) (parts [][]string, asked []bool) {
	start := 0
	for i := 1; i <= len(words); i++ {
		if i == len(words) || r.clause[offset+i] != r.clause[offset+i-1] || isConjunction(words[i]) {
			if i > start {
				parts = append(parts, words[start:i])
				asked = append(asked, r.asked[r.clause[offset+start]])
			}
			start = i
		}
	}
	return parts, asked
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
	letterContext := (ctx.LetterTalk || ctx.Letter >= LetterRequested || letterNouns.in(r.words) || ctx.Flow == "fix.letter_not_arrived") &&
		(ctx.Flow == "" || ctx.Flow == "letter" || ctx.Flow == "fix.letter_not_arrived" || ctx.Flow == "fix.csv_expired")
	parts, asked := clauses(r, r.words, 0)
	theirs := false // the clauses are about someone else: "mi mujer es italiana y tiene..."
	for i, c := range parts {
		switch {
		case otherPerson.in(c) && !includesMe.in(c):
			theirs = true
		case includesMe.in(c) || firstPerson.in(c):
			theirs = false
		}
		news := !notNews.in(c) && !asked[i]
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
		readCase(c, &in.Case, theirs)
	}
	if in.Case.Address == TriUnknown && addressWords.in(r.words) {
		// "my tax address is the flat I live in now, it's up to date":
		// the fact and its subject in different clauses.
		switch {
		case addressBad.in(r.words):
			in.Case.Address = TriNo
		case strongAddressOK.in(r.words) && !hasNegator(r.words):
			in.Case.Address = TriYes
		}
	}
	if (in.Answer == Unsure || unsureWords.in(r.words)) && len(r.words) <= 14 {
		if in.Case.Certificate != TriUnknown {
			in.Case.Certificate = TriUnsure
		}
		if in.Case.Address == TriYes {
			in.Case.Address = TriUnsure
		}
	}
}

// pronounSubject reports a clause such as "it came today" or "ya llegó",
// whose subject is left for the context to give. A clause that names
// something else ("never got one", about a PIN) is not one.
func pronounSubject(c []string) bool {
	if len(c) > 0 && isConjunction(c[0]) {
		c = c[1:]
	}
	return !otherSubjects.in(c) && !notMissing.in(c)
}

// notMissing are ways of not having the letter at hand that say nothing
// about its arrival: "I don't have it with me".
var notMissing = phrases("with me", "on me", "at hand", "a mano", "conmigo", "encima", "in front of me", "delante")

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
	"se ha perdido", "never received", "still no", "no sign", "ni rastro", "llegao", "no ha llegao", "no me ha llegao",
	"never came", "hasnt shown up", "not come", "no letter", "still nothing", "y nada", "nothing yet", "todavia nada",
	"aun nada", "no letter yet", "ages ago", "y no llega", "y no ha llegado")

func stillWaiting(c []string) bool { return waiting.in(c) }

func appendProgress(ps []Progress, p Progress) []Progress {
	for _, q := range ps {
		if q == p {
			return ps
		}
	}
	return append(ps, p)
}

// otherPerson are the people a user asks for; with otherHas ("she has",
// "tiene") what the message says of the case is theirs, not the user's,
// unless the user includes themselves ("my wife and I").
var (
	otherPerson = phrases("my wife", "my husband", "my partner", "my son", "my daughter", "my mother", "my mum", "my mom",
		"my father", "my dad", "my friend", "my girlfriend", "my boyfriend", "my brother", "my sister", "my parents",
		"asking for", "for a friend", "for someone else", "on behalf of", "mi mujer", "mi marido", "mi esposa", "mi esposo",
		"mi pareja", "mi hijo", "mi hija", "mi madre", "mi padre", "mi amigo", "mi amiga", "mi novia", "mi novio", "mi hermano",
		"mi hermana", "mis padres", "para un amigo", "para una amiga", "para otra persona", "de parte de")
	otherHas = phrases("she has", "he has", "shes got", "she s got", "hes got", "he s got", "has the", "has a", "has an",
		"has only", "only has", "they have", "tiene", "tienen", "ella tiene", "el tiene", "solo tiene")
	otherAsks = phrases("can he", "can she", "could he", "could she", "does he", "does she", "is he", "is she", "should he",
		"should she", "puede el", "puede ella", "podria el", "podria ella", "tiene que", "necesita")
	includesMe = phrases("and i", "and me", "y yo", "we", "both", "los dos", "las dos", "ambos", "nosotros", "compartimos",
		"share", "shared", "sharing")
)

// aboutOtherPerson reports a message about someone else's case.
func aboutOtherPerson(w []string, k Case) bool {
	return otherPerson.in(w) && (otherHas.in(w) || k.OtherDocument != NoDocument || otherAsks.in(w)) && !includesMe.in(w)
}

// firstPerson words make a clause the user's own again.
var firstPerson = phrases("i", "im", "i m", "ive", "i ve", "me", "mine", "yo", "el mio", "la mia", "my own")

// readCase reads the facts of the user's situation from one clause.
func readCase(c []string, k *Case, theirs bool) {
	if sharedPhone.in(c) {
		k.SharedPhone = true
	}
	if r := regionOf(c); r != NoRegion {
		k.Region = r
	}
	doc, docCert := NoDocument, false
	if sp, ok := documentCertificates.find(c, 0, len(c)); ok && holds(c, sp.start) {
		doc, docCert = DocEUCert, true
	}
	if d := documentHeld(c); d != NoDocument && !docCert {
		doc = d
	}
	if theirs {
		// "my wife has the green certificate": her case, not the user's.
		if doc != NoDocument {
			k.OtherDocument = doc
		}
		return
	}
	if doc != NoDocument {
		k.Document = doc
	}
	if sp, ok := certificateWords.find(c, 0, len(c)); ok && !docCert {
		_, has := haveWords.find(c, 0, sp.start)
		if has || len(c) <= 4 || hasNegator(c) || noWords.at(c, 0) > 0 || ningun[c[max(0, sp.start-1)]] || unsureWords.in(c) || madeMe.in(c) {
			switch {
			case unsureWords.in(c):
				k.Certificate = TriUnsure
			case hasNegator(c) || noWords.at(c, 0) > 0 || ningun[c[max(0, sp.start-1)]] && c[max(0, sp.start-1)] != "any":
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
	if sp, ok := foreignPhone.find(c, 0, len(c)); ok {
		for i := max(0, sp.start-3); i < sp.start; i++ {
			if phoneOwner[c[i]] {
				k.ForeignPhone = true
			}
		}
	}
	switch {
	case chooseLetter.in(c):
		k.Choice = "letter"
	case chooseOffice.in(c):
		k.Choice = "in_person"
	case chooseCertificate.in(c):
		k.Choice = "certificate"
	}
}

// The route a user settles on: "I'll do the letter thing", "mejor en persona".
var (
	chooseLetter = phrases("do the letter", "go with the letter", "go for the letter", "ill ask for the letter", "i ll ask for the letter",
		"ill request the letter", "the letter then", "letter it is", "prefer the letter", "rather do the letter", "ill use the letter",
		"try the letter", "stick with the letter", "mejor la carta", "prefiero la carta", "pedire la carta", "voy a pedir la carta",
		"lo hare por carta", "lo hago por carta", "me quedo con la carta", "por carta entonces", "la carta entonces", "opto por la carta")
	chooseOffice = phrases("ill go to the office", "i ll go to the office", "go in person", "ill go in person", "i ll go in person",
		"ill book an appointment", "i ll book an appointment", "prefer in person", "rather go in person", "do it in person",
		"mejor en persona", "prefiero en persona", "ire a la oficina", "ire en persona", "pedire cita", "voy a pedir cita",
		"lo hare en persona", "lo hago en persona", "me quedo con la oficina", "opto por la oficina")
	chooseCertificate = phrases("ill get a certificate", "i ll get a certificate", "ill get the certificate", "ill get one",
		"get a digital certificate first", "use my certificate", "go with the certificate", "mejor con certificado",
		"sacare el certificado", "me saco el certificado", "voy a sacar el certificado", "usare el certificado", "con el certificado")
)

// madeMe are ways of saying a certificate exists without "have".
var madeMe = phrases("made me", "got me", "me hizo", "me saco", "installed", "instalado", "instale")

// ningun words deny what follows: "ningún certificado", "any certificate".
var ningun = map[string]bool{"ningun": true, "ninguno": true, "ninguna": true, "any": true, "sin": true, "no": true, "without": true}

// holds reports whether the clause says the user holds what is named at
// word i: "I have a TIE", "tengo NIE", "with my DNI", "I'm Spanish", or a
// clause that is only the name ("TIE"). "Where is it on the TIE?" does not.
func holds(c []string, i int) bool {
	if i > 0 && (negators[c[i-1]] || ningun[c[i-1]]) {
		return false
	}
	if i > 1 && (negators[c[i-2]] || c[i-2] == "not") {
		return false
	}
	if _, ok := haveWords.find(c, max(0, i-4), i); ok {
		return !hasNegator(c[max(0, i-4):i])
	}
	if _, ok := beingWords.find(c, max(0, i-3), i); ok {
		return true
	}
	return len(c) <= 3
}

var beingWords = phrases("im", "i m", "i am", "soy", "as a", "on a", "shes", "she s", "she is", "hes", "he s", "he is",
	"is an", "is a", "es", "es una", "es un", "if im", "if i m", "if i am", "si soy", "we are", "somos", "on my", "with a", "with my", "con mi", "con el", "con la",
	"only", "solo", "just", "only have", "solo tengo")

// documentHeld returns the identity document a clause says the user holds.
// documentNamed returns the one kind of residence or identity document a
// message names, held or only asked about ("the support number of the
// EU registration certificate"); NoDocument when it names none or several.
func documentNamed(w []string) Document {
	var named []Document
	if documentCertificates.in(w) {
		named = append(named, DocEUCert)
	}
	if tieWords.in(w) {
		named = append(named, DocTIE)
	}
	if dniWords.in(w) {
		named = append(named, DocDNI)
	}
	if len(named) != 1 {
		return NoDocument
	}
	return named[0]
}

func documentHeld(c []string) Document {
	find := func(p phraseSet) bool {
		for _, sp := range p.all(c) {
			if holds(c, sp.start) {
				return true
			}
		}
		return false
	}
	switch {
	case find(tieWords):
		return DocTIE
	case find(passportOny) && !find(nieWords) && !find(dniWords):
		return DocPassport
	case find(nieWords):
		return DocNIE
	case find(dniWords):
		return DocDNI
	}
	for _, sp := range spanishWords.all(c) {
		if _, ok := beingWords.find(c, max(0, sp.start-2), sp.start); ok && sp.start > 0 && (c[sp.start-1] == "im" || c[sp.start-1] == "soy" || c[sp.start-1] == "am") {
			return DocDNI
		}
	}
	return NoDocument
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

// foreignPhone names a mobile number from another country; phoneOwner
// words before it make it the user's own ("my UK number", "tengo un
// número extranjero"), not a question about one ("can I use a UK
// number?").
var (
	foreignPhone = phrases("foreign number", "foreign mobile", "foreign phone", "foreign sim", "foreign line", "uk number",
		"uk mobile", "uk sim", "british number", "british mobile", "irish number", "german number", "french number",
		"dutch number", "belgian number", "italian number", "swedish number", "us number", "american number",
		"canadian number", "number from home", "number from the uk", "numero extranjero", "movil extranjero",
		"telefono extranjero", "linea extranjera", "sim extranjera", "numero de fuera", "numero britanico", "numero ingles",
		"numero aleman", "numero frances", "numero italiano", "numero argentino", "numero de mi pais", "numero de otro pais")
	phoneOwner = map[string]bool{"my": true, "mi": true, "have": true, "tengo": true, "got": true, "only": true, "solo": true}
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
