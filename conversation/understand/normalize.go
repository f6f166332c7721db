package understand

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/spanish"
)

// maxQueryRunes bounds the work done for one message: nobody asks a
// question in more than a few hundred characters, and a pasted document
// must not cost more than a normal question.
const maxQueryRunes = 1000

// maxTokenBytes keeps a pasted hash or base64 blob from being stemmed or
// typo-corrected as if it were a word.
const maxTokenBytes = 40

// foldRune maps r to its lower-case letter without diacritics, so that
// "Móvil", "movil" and "MOVIL" are one word. It returns -1 for runes that
// separate words. Accents are taken off by Unicode decomposition
// (golang.org/x/text/unicode/norm), so every Latin alphabet folds, not only
// Spanish; the comparison with the hand-written table it replaced is in
// fold_compare_test.go.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		}
		return -1
	}
	if r == utf8.RuneError || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return -1
	}
	r = unicode.ToLower(r)
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	if d := norm.NFD.Properties(buf[:n]).Decomposition(); len(d) > 0 {
		if base, _ := utf8.DecodeRune(d); unicode.IsLetter(base) {
			r = base
		}
	}
	// Letters that are not a base letter plus a mark, but read as one.
	switch r {
	case 'ø':
		return 'o'
	case 'ß':
		return 's'
	}
	return r
}

// isJoiner reports whether r glues two parts of one word: "don't" must stay
// one token so that it can be read as a negation, not as "don" and "t".
func isJoiner(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == '´' || r == '`'
}

// appendNormalized appends to dst the words of s, folded by foldRune and
// separated by single spaces, and returns the extended buffer. An "@"
// inside a word becomes "a", because people write "Cl@ve". Only the first
// maxQueryRunes runes are read.
func appendNormalized(dst []byte, s string) []byte {
	inWord := false
	pendingSpace := false
	n := 0
	for _, r := range s {
		if n++; n > maxQueryRunes {
			break
		}
		if r == '@' && inWord {
			r = 'a'
		}
		if isJoiner(r) && inWord {
			continue
		}
		f := foldRune(r)
		if f < 0 {
			if inWord {
				pendingSpace = true
			}
			inWord = false
			continue
		}
		if pendingSpace {
			dst = append(dst, ' ')
			pendingSpace = false
		}
		dst = utf8.AppendRune(dst, f)
		inWord = true
	}
	return dst
}

// normalizeWords returns the normalised words of s. It is the slow,
// allocating form used while building the index and in tests.
func normalizeWords(s string) []string {
	b := appendNormalized(nil, s)
	if len(b) == 0 {
		return nil
	}
	return strings.Split(string(b), " ")
}

// stem reduces a normalised word with the Snowball stemmer of l.
func stem(l Lang, w string) string {
	if l == Spanish {
		// The Spanish stemmer only knows the accented suffixes ("-ción"),
		// and the text has lost its accents by now; putting the accent
		// back lets "identificacion" and "identificar" meet.
		switch {
		case strings.HasSuffix(w, "cion"):
			w = w[:len(w)-4] + "ción"
		case strings.HasSuffix(w, "sion"):
			w = w[:len(w)-4] + "sión"
		}
		return foldString(spanish.Stem(w, true))
	}
	return english.Stem(w, true)
}

// foldString applies foldRune to every rune of an already lower-case word.
func foldString(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return string(appendNormalized(nil, w))
		}
	}
	return w
}

// stopwords are dropped before matching in both languages at once: a
// Spanish question often carries English words ("app", "email") and the
// other way round, and the function words of the two languages barely
// collide. Negations are not here: "not arriving" is the whole point of
// some questions, so they become the concept "neg" instead.
var stopwords = wordSet(`
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while     why will with
would you your yours yourself yourselves
im ive id ill youre youve whats hows wheres   thats theres heres lets its
hi hello hey hiya thanks thank thx ty please pls plz ok okay yes yeah yep hola gracias vale
guys anyone someone somebody help question questions quick really actually exactly even
get got getting gets just still already ever much many thing things stuff something
de la que el en y los del se las por un para con su al lo como mas pero sus le ya o este si
porque esta entre cuando muy sobre tambien me hasta hay donde   desde todo nos durante
todos uno les contra otros ese eso ante ellos e esto mi antes algunos unos yo otro otras otra
el tanto esa estos mucho   cual poco ella estar estas algunas algo nosotros mis tu te ti
tus ellas nosotras os mio mia mios mias tuyo tuya tuyos tuyas suyo suya suyos suyas nuestro
nuestra nuestros nuestras vuestro vuestra vuestros vuestras esos esas estoy estas esta estamos
estan este estaba estado he has ha hemos han haya hay habia soy eres es somos son sea sean era
fue fueron ser q k xq pq porfa porfavor favor oye buenas buenos dias tardes saludos alguien
hacer hago hace puedo puede pueden podria quiero quisiera necesito tengo tiene tienen tener
`)

// negations become one term, "neg", so that "the sms does not arrive" and
// "no me llega el sms" meet, and neither looks like "get the pin by sms".
var negations = wordSet(`
no not nor never none without cannot cant dont doesnt didnt isnt arent wasnt werent havent hasnt
hadnt wont wouldnt couldnt shouldnt aint nothing
nunca sin ningun ninguna ninguno ni tampoco nada
`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// evidence grades how surely a word shows a question is about Cl@ve:
// "NIE" or "CSV" do; "letter" or "phone" only together with more.
type evidence int8

const (
	weak   evidence = 1
	strong evidence = 2
)

// synonymGroup is one concept of the domain and the ways people name it.
// Words are matched after normalisation (so without accents) and also by
// their stem in their own language, so inflected forms need not be listed.
// Phrases are word sequences, stopwords included ("sign up", "número de
// soporte"); a phrase adds its concept to what its words say, except a
// phrase marked consume, which stands for its words ("Cl@ve Móvil" is the
// app, not a phone). A word belongs to one group: the last one listing it.
type synonymGroup struct {
	name    string
	domain  evidence // how much naming it shows that the question is about Cl@ve
	en, es  []string
	phrases []string
	consume []string
}

// synonyms is the domain vocabulary that differs between the way the
// knowledge base is written and the way people ask.
var synonyms = []synonymGroup{
	// Misspellings of the one word every question has are listed rather
	// than left to typo correction, which does not touch short words.
	{name: "clave", domain: strong, en: []string{"clave", "claves", "clabe", "klave", "clve", "clav", "cleve", "calve"}},
	{name: "pin", domain: strong, en: []string{"pin", "pins", "otp"}},
	{name: "sms", domain: weak,
		en: []string{"sms", "text", "texts", "texting", "txt", "message", "messages", "msg"},
		es: []string{"mensaje", "mensajes", "mensajito", "texto", "textos"}},
	{name: "letter", domain: weak,
		en: []string{"letter", "letters", "post", "posted"},
		es: []string{"carta", "cartas", "correo postal"}},
	{name: "invite", domain: weak,
		en: []string{"invitation", "invite", "invitations"},
		es: []string{"invitacion", "invitaciones"}},
	{name: "phone", domain: weak, en: []string{"mobile", "mobiles", "phone", "phones", "cellphone", "cell", "smartphone", "iphone", "android", "handy", "sim"},
		es: []string{"movil", "moviles", "telefono", "telefonos", "celular", "tlf", "tfno", "tel"}},
	{name: "app", domain: weak, en: []string{"app", "apps", "aplication", "application"},
		es: []string{"aplicacion", "aplicaciones", "appli"},
		consume: []string{"clave movil", "clave mobile", "clave app", "clave aplicacion", "app de clave", "aplicacion de clave",
			"app clave", "app of clave", "app for clave"}},
	{name: "expire", domain: weak, en: []string{"expired", "expire", "expires", "expiry", "expiration", "outdated", "lapsed"},
		es:      []string{"caducado", "caducada", "caduca", "caducar", "caducidad", "caduco", "vencido", "vencida", "vence", "vencer", "vencimiento"},
		phrases: []string{"out of date", "run out", "ran out"}},
	{name: "supportnum", domain: strong, en: []string{"soporte"},
		phrases: []string{"support number", "support code", "numero de soporte", "numero soporte", "num soporte", "n de soporte"}},
	{name: "certificate", domain: strong,
		en:      []string{"certificate", "certificates", "cert", "certs", "certificat"},
		es:      []string{"certificado", "certificados"},
		phrases: []string{"digital certificate", "electronic certificate", "certificado digital", "certificado electronico", "fnmt"}},
	{name: "appointment", domain: weak, en: []string{"appointment", "appointments", "booking"},
		es:      []string{"cita", "citas"},
		phrases: []string{"cita previa"}},
	{name: "taxaddr", domain: strong,
		phrases: []string{"tax address", "fiscal address", "tax residence", "domicilio fiscal", "direccion fiscal"}},
	{name: "address", domain: weak, en: []string{"address", "addresses"},
		es: []string{"domicilio", "direccion", "direcciones"}},
	{name: "padron", domain: strong, en: []string{"padron", "empadronamiento", "empadronado", "empadronada", "empadronarse", "census"}},
	{name: "dni", domain: strong, en: []string{"dni", "dnie", "nif"},
		phrases: []string{"id card", "identity card", "national id", "documento nacional de identidad"}},
	{name: "nie", domain: strong, en: []string{"nie", "tie", "nies"},
		phrases: []string{"residence card", "residency card", "tarjeta de residencia", "foreigner identity number", "numero de identidad de extranjero", "green card", "green certificate"}},
	{name: "csv", domain: strong, en: []string{"csv"},
		phrases: []string{"secure verification code", "codigo seguro de verificacion", "16 character", "16 characters", "16 caracteres", "16 digit", "16 digits"}},
	{name: "email", en: []string{"email", "emails", "mail", "gmail", "hotmail"},
		es:      []string{"correo", "correos"},
		phrases: []string{"e mail", "correo electronico"}},
	{name: "password", domain: weak, en: []string{"password", "passwords", "pwd", "passcode"},
		es: []string{"contrasena", "contrasenas"}},
	{name: "register", domain: weak,
		en:      []string{"register", "registered", "registering", "registration", "registrations", "signup", "enrol", "enroll", "enrolment", "enrollment"},
		es:      []string{"registro", "registrarse", "registrarme", "registrar", "registrado", "registrada", "alta", "inscribirme", "inscribirse"},
		consume: []string{"sign up", "signed up", "signing up", "dar de alta", "darme de alta", "darse de alta", "darte de alta", "doy de alta"}},
	{name: "login", domain: weak, en: []string{"login", "logon", "signin"},
		es:      []string{"acceder", "acceso", "entrar", "identificarme"},
		consume: []string{"log in", "logged in", "logging in", "log on", "sign in", "signed in", "signing in", "iniciar sesion", "inicio sesion", "inicia sesion", "inicio de sesion", "iniciar la sesion"}},
	{name: "arrive", en: []string{"arrive", "arrived", "arriving", "arrives", "came", "come", "coming", "received", "receive", "receiving", "delivered"},
		es: []string{"llega", "llegado", "llegar", "llego", "llegan", "recibido", "recibir", "recibo", "recibe"}},
	{name: "lost", en: []string{"lost", "lose", "misplaced", "stolen"},
		es: []string{"perdido", "perdida", "perdi", "extraviado", "extraviada", "robado", "robaron"}},
	{name: "forgot", en: []string{"forgot", "forgotten", "forget", "remember"},
		es: []string{"olvidado", "olvide", "olvidar", "acuerdo"}},
	{name: "code", domain: weak, en: []string{"code", "codes"}, es: []string{"codigo", "codigos"}},
	// Being a foreigner is what most users' questions are about; it hints
	// at Cl@ve without showing it.
	{name: "foreign", domain: weak, en: []string{"foreign", "foreigner", "foreigners", "abroad", "international", "overseas"},
		es: []string{"extranjero", "extranjera", "extranjeros", "internacional", "fuera"}},
	// A country or a nationality next to "number" or "SMS" is how people
	// say their phone is foreign.
	{name: "country", en: []string{"uk", "british", "irish", "ireland", "dutch", "netherlands", "holland", "german", "germany",
		"french", "france", "italian", "italy", "portuguese", "portugal", "belgian", "belgium", "swedish", "sweden", "norwegian", "norway",
		"danish", "denmark", "finnish", "finland", "polish", "poland", "romanian", "romania", "bulgarian", "bulgaria", "ukrainian", "ukraine",
		"russian", "russia", "american", "usa", "canadian", "canada", "australian", "australia", "mexican", "mexico",
		"argentina", "argentinian", "argentine", "colombia", "colombian", "venezuela", "venezuelan", "peru", "peruvian", "chile", "chilean",
		"ecuador", "brazil", "brazilian", "morocco", "moroccan", "china", "chinese", "india", "indian", "pakistan", "swiss", "switzerland", "austria"},
		es: []string{"ingles", "inglesa", "britanico", "britanica", "reino unido", "irlanda", "holanda", "holandes", "alemania", "aleman", "alemana",
			"francia", "frances", "francesa", "italia", "italiano", "italiana", "portugues", "belgica", "suecia", "noruega", "dinamarca",
			"polonia", "rumania", "rumano", "rumana", "bulgaria", "ucrania", "ucraniano", "ucraniana", "rusia", "ruso", "rusa",
			"estados unidos", "eeuu", "canadiense", "mexicano", "mexicana", "argentino", "colombiano", "colombiana",
			"venezolano", "venezolana", "peruano", "peruana", "chileno", "chilena", "ecuatoriano", "brasil", "brasileno", "marruecos", "marroqui",
			"china", "chino", "india", "suiza", "austria"}},
	{name: "prefix", en: []string{"prefix", "prefijo"}, phrases: []string{"country code", "codigo pais", "dialling code", "dialing code"}},
	{name: "level", domain: weak, en: []string{"level", "levels"}, es: []string{"nivel", "niveles"}},
	// A registration level by name is Cl@ve talk on its own.
	{name: "levelname", domain: strong,
		phrases: []string{"advanced level", "basic level", "registration level", "nivel avanzado", "nivel basico", "nivel de registro"}},
	{name: "advanced", en: []string{"advanced", "advance", "higher", "full"}, es: []string{"avanzado", "avanzada", "superior"}},
	{name: "basic", en: []string{"basic", "lower"}, es: []string{"basico", "basica"}},
	{name: "office", domain: weak, en: []string{"office", "offices"}, es: []string{"oficina", "oficinas"}},
	{name: "inperson", domain: weak, en: []string{"presencial", "presencialmente"}, phrases: []string{"in person", "face to face", "en persona", "cara a cara"}},
	{name: "video", domain: weak, en: []string{"video", "videocall", "videollamada", "webcam", "selfie", "videoidentificacion"},
		phrases: []string{"video call", "video identification", "identificacion video"}},
	{name: "minor", en: []string{"minor", "minors", "child", "children", "kid", "kids", "son", "daughter", "teenager"},
		es: []string{"menor", "menores", "hijo", "hija", "hijos", "hijas", "nino", "nina", "ninos"}},
	{name: "family", en: []string{"wife", "husband", "partner", "spouse", "couple", "family", "mum", "mom", "dad", "parents", "mother", "father", "girlfriend", "boyfriend"},
		es: []string{"esposa", "esposo", "marido", "mujer", "pareja", "familia", "madre", "padre", "padres", "novia", "novio"}},
	{name: "share", en: []string{"share", "shared", "sharing"}, es: []string{"compartir", "compartido", "compartimos", "comparto"}},
	{name: "sign", en: []string{"signature", "signatures", "sign", "signing"}, es: []string{"firma", "firmar", "firmas"}},
	{name: "permanente", domain: strong, en: []string{"permanente", "permanent"}},
	{name: "tax", domain: weak, en: []string{"renta", "hacienda", "aeat", "irpf", "modelo"},
		phrases: []string{"tax agency", "tax office", "tax return", "income tax", "agencia tributaria", "declaracion de la renta", "renta web"}},
	{name: "segsocial", domain: strong, phrases: []string{"social security", "seguridad social", "seg social", "tgss", "inss", "vida laboral", "work history"}},
	{name: "qr", domain: weak, en: []string{"qr", "qrcode", "scan", "scanning", "scanned", "escanear", "escaneo"}},
	{name: "timeout", domain: weak, phrases: []string{"timed out", "time out", "timeout", "times out", "took too long", "too slow"}},
	{name: "device", domain: weak, en: []string{"device", "devices"}, es: []string{"dispositivo", "dispositivos"}},
	{name: "new", en: []string{"new", "another", "replacement"}, es: []string{"nuevo", "nueva", "otro", "otra"}},
	{name: "change", en: []string{"change", "changed", "changing", "update", "updated", "modify", "switch", "switched"},
		es: []string{"cambiar", "cambio", "cambie", "cambiado", "modificar", "actualizar", "actualice"}},
	{name: "delete", en: []string{"delete", "erase", "remove", "wipe"}, es: []string{"borrar", "borra", "eliminar", "elimina", "suprimir"}},
	{name: "install", domain: weak, en: []string{"install", "installed", "download", "downloaded"}, es: []string{"instalar", "instalo", "instalado", "descargar", "descargo", "descargado", "bajar"}},
	{name: "activate", domain: weak, en: []string{"activate", "activation", "activating", "activated"}, es: []string{"activar", "activacion", "activado", "activo"}},
	{name: "need", en: []string{"need", "needs", "required", "require", "requirements", "requirement", "prerequisites"},
		es: []string{"necesito", "necesita", "necesario", "necesaria", "necesarios", "requisitos", "requisito", "falta", "hace falta"}},
	{name: "bot", domain: strong, en: []string{"bot", "chatbot", "robot"},
		phrases: []string{"who are you", "are you a", "are you an", "are you from", "are you official", "told you", "tell you",
			"quien eres", "que eres", "eres un", "eres una", "eres de", "te he dicho", "te dije", "te cuento"}},
	// "Who can register" is not "how can I register".
	{name: "who", en: []string{"who", "whom", "whos", "eligible", "eligibility"}, es: []string{"quien", "quienes"}},
	{name: "whatis", phrases: []string{"what is", "whats", "what s", "what are", "que es", "q es", "que son", "explain", "explica", "explicar", "meaning", "significa"}},
	{name: "whatfor", phrases: []string{"do with", "use it for", "used for", "good for", "useful", "para que sirve", "sirve", "servir", "para que se usa", "hacer con"}},
	{name: "data", en: []string{"data", "privacy", "gdpr"}, es: []string{"datos", "privacidad", "rgpd"}},
	{name: "block", en: []string{"blocked", "locked", "block", "lock"}, es: []string{"bloqueado", "bloqueada", "bloqueo", "bloquea"}},
	{name: "request", en: []string{"request", "requested", "requesting", "ask", "asked", "asking", "apply", "applied", "applying", "order", "ordered"},
		es: []string{"pedir", "pedi", "pido", "pedido", "pides", "pide", "solicitar", "solicite", "solicitado", "solicito", "solicitud"}},
	{name: "inuse", phrases: []string{"already used", "already in use", "already registered", "already associated", "associated with", "linked to", "in use",
		"ya utilizado", "ya usado", "ya en uso", "ya registrado", "ya esta registrado", "ya asociado", "asociado a", "vinculado a", "en uso"}},
	{name: "docs", en: []string{"documents", "document", "paperwork", "papers", "documentation", "docs"},
		es: []string{"documentos", "documento", "documentacion", "papeles", "papeleo"}},
	{name: "options", en: []string{"options", "option", "ways", "methods", "method", "routes", "route", "alternatives", "alternative"},
		es: []string{"opciones", "opcion", "formas", "maneras", "metodos", "metodo", "vias", "alternativas", "alternativa"}},
	{name: "confirm", en: []string{"approve", "approved", "confirm", "confirmed", "authorise", "authorize", "authorised", "authorized", "validate"},
		es: []string{"aprobar", "apruebo", "confirmar", "confirmo", "autorizar", "autorizo", "validar", "aceptar", "acepto"}},
	{name: "attempts", en: []string{"attempts", "attempt", "tries", "tried", "retry", "retries"}, es: []string{"intentos", "intento", "intentado", "reintentar"}},
	{name: "difference", en: []string{"difference", "differences", "different", "vs", "versus", "compare", "comparison", "better"},
		es: []string{"diferencia", "diferencias", "diferente", "distinto", "distinta", "comparar", "mejor"}},
	{name: "next", phrases: []string{"what now", "now what", "then what", "next step", "next steps", "y ahora", "siguiente paso", "ahora que"}},
	{name: "move", en: []string{"moved", "move", "moving", "relocated"}, es: []string{"mudado", "mudanza", "mudarme", "mude", "traslado"}},
	{name: "wait", en: []string{"waiting", "wait", "waited"}, es: []string{"esperando", "espero", "esperar", "esperado", "todavia", "aun", "sigo"}},
	{name: "camera", en: []string{"camera"}, es: []string{"camara"}},
	{name: "wrong", en: []string{"wrong", "error", "invalid", "incorrect", "rejected", "reject", "rejects", "fails", "failed", "accepted", "accept"},
		es: []string{"error", "incorrecto", "incorrecta", "invalido", "rechaza", "rechazado", "acepta", "falla", "fallo"}},
}
