package understand

// Words that put a message outside Cl@ve whatever else it says, unless it
// names Cl@ve itself: a bank card's PIN, the weather, health insurance.
var (
	offTopic = phrases("bank", "banco", "bancaria", "bancario", "credit card pin", "debit card pin",
		"tarjeta del banco", "card pin", "pin of my card", "pin of the card", "pin de la tarjeta", "pin de mi tarjeta", "cajero", "atm",
		"cash machine", "sim pin", "pin de la sim", "puk", "weather", "forecast", "que tiempo hace", "tiempo hace", "pronostico", "lluvia", "rain",
		"insurance", "seguro medico", "seguro de salud", "seguro privado", "sanitas", "adeslas", "dkv", "asisa", "mapfre",
		"renew my passport", "renew passport", "passport renewal", "renovar el pasaporte", "renovar pasaporte", "renovar mi pasaporte",
		"fingerprints", "huellas", "toma de huellas", "driving licence", "driving license", "carnet de conducir", "dgt",
		"gmail password", "email password", "contrasena del correo", "contrasena de gmail", "wifi", "netflix", "restaurant",
		"restaurante", "visa application", "solicitud de visado", "visado", "football", "futbol", "recipe", "receta", "hotel",
		"flight", "vuelo", "rent", "alquiler", "landlord", "casero", "seguros", "aseguradora", "health cover",
		"private health", "medical insurance", "renuevo", "renovar", "renew", "renewal", "renovacion", "tiempo va a hacer",
		"tiempo hara", "va a llover", "hace calor", "hace frio", "hara calor", "hara frio", "temperatura", "temperature")
	appointmentWords = phrases("appointment", "appointments", "cita", "citas", "cita previa", "book", "booking", "reservar")
	nieProcedure     = phrases("nie", "tie", "extranjeria", "residencia", "padron", "empadronamiento", "empadronarme", "empadronarse",
		"empadronar", "huellas", "fingerprints", "residence card", "tarjeta de residencia")
	renewWords = phrases("renew", "renewal", "renovar", "renuevo", "renueva", "renuevan", "renovacion", "expired passport",
		"pasaporte caducado", "pasaporte caduca", "passport expires", "new passport", "nuevo pasaporte")
	claveCore = phrases("clave", "csv", "permanente", "soporte", "support number", "invitation letter", "carta de invitacion",
		"registration office", "oficina de registro")
)

// Near are the subjects next to Cl@ve that the bot does not cover but
// can point from: the reply says so, gives the nearest Cl@ve fact and
// where to go.
const (
	NearNIEAppointment     = "nie_appointment"
	NearPadron             = "padron"
	NearCertificateInstall = "certificate_install"
)

var (
	padronWords = phrases("padron", "empadronamiento", "empadronarme", "empadronarse", "empadronar", "empadronado",
		"empadronada", "registro municipal", "town hall registration")
	certificateInstall = phrases("install the certificate", "install my certificate", "install a certificate",
		"install the digital certificate", "installing the certificate", "import the certificate", "import my certificate",
		"certificate in chrome", "certificate in firefox", "certificate in my browser", "certificate in the browser",
		"certificate on my browser", "instalar el certificado", "instalo el certificado", "instalar mi certificado",
		"importar el certificado", "certificado en el navegador", "certificado en chrome", "certificado en firefox",
		"certificado en mi navegador")
)

// notAboutClave reports a message about something else: the bank, the
// weather, an appointment for the NIE itself. near names the subject
// when it is one next to Cl@ve.
func notAboutClave(w []string) (off bool, near string) {
	if claveCore.in(w) {
		return false, ""
	}
	if certificateInstall.in(w) || installVerbs.in(w) && browserWords.in(w) && (certificateWords.in(w) || fnmtWords.in(w)) {
		return true, NearCertificateInstall
	}
	if appointmentWords.in(w) && padronWords.in(w) || padronDo.in(w) && (howWords.in(w) || whereWords.in(w) || papersWords.in(w)) {
		return true, NearPadron
	}
	if appointmentWords.in(w) && nieProcedure.in(w) || fingerprintWords.in(w) && nieProcedure.in(w) {
		return true, NearNIEAppointment
	}
	if dniWords.in(w) && dniCodes.in(w) {
		return false, "" // the electronic DNI's PIN or PUK: next to Cl@ve, answered
	}
	if offTopic.in(w) {
		return true, ""
	}
	if passportOny.in(w) && (renewWords.in(w)) {
		return true, ""
	}
	return false, ""
}

var (
	installVerbs = phrases("install", "installing", "import", "importing", "instalar", "instalarlo", "instalarla", "instalo",
		"importar", "importarlo", "importo")
	browserWords = phrases("browser", "chrome", "firefox", "edge", "safari", "navegador", "ordenador", "computer", "laptop",
		"p12", "pfx", "keychain")
	fnmtWords = phrases("fnmt")
	// padronDo are ways of asking to register on the padrón itself.
	padronDo = phrases("empadronarme", "empadronarse", "empadronar", "get empadronado", "get empadronada",
		"register on the padron", "register for the padron", "registering on the padron", "sign up for the padron",
		"alta en el padron", "darme de alta en el padron", "inscribirme en el padron")
	papersWords = phrases("papers", "papeles", "documents", "documentos", "what do i need", "que necesito", "que tengo que llevar",
		"what do i bring")
	fingerprintWords = phrases("fingerprints", "huellas", "toma de huellas")
	dniCodes         = phrases("pin", "puk")
)
