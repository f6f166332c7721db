package understand

// The word lists below are folded as the text is (lower case, no accents,
// apostrophes glued: "don't" is "dont"). They are about how people say
// things, not about Cl@ve, which is the knowledge base's business.

var (
	greetings = phrases("hi", "hello", "hey", "hiya", "hallo", "howdy", "good morning", "good afternoon", "good evening",
		"morning", "hi there", "hello there", "hey there", "hola", "buenas", "buenos dias", "buenas tardes", "buenas noches",
		"hola buenas", "saludos", "que tal", "hey hola", "ola", "holaa", "holi")
	thanks = phrases("thanks", "thank you", "thank u", "thx", "ty", "tysm", "cheers", "thanks a lot", "many thanks", "thank you so much",
		"thanks so much", "much appreciated", "appreciate it", "gracias", "muchas gracias", "mil gracias", "muchisimas gracias",
		"te lo agradezco", "gracias de nuevo", "thanks again", "merci", "grazie", "danke", "ta", "ta very much", "thank", "thnx",
		"tnx", "thanx", "thnks", "grax", "grcs", "grasias", "cheers mate", "many thanks indeed")
	byes = phrases("bye", "goodbye", "bye bye", "see you", "see ya", "cya", "see you later", "good night", "talk later", "thats all",
		"that s all", "thats it", "that is all", "nothing else", "adios", "hasta luego", "hasta pronto", "chao", "chau", "nos vemos",
		"eso es todo", "nada mas", "buenas noches")
	// acks are bare acknowledgements: alone they answer nothing.
	acks = phrases("ok", "okay", "okey", "k", "kk", "okk", "alright", "all right", "right", "cool", "great", "perfect", "nice",
		"awesome", "good", "fine", "got it", "understood", "i see", "ah", "ahh", "oh", "ohh", "oh ok", "ah ok", "makes sense",
		"sounds good", "brilliant", "lovely", "super", "wow", "hmm", "mmm", "vale", "perfecto", "genial", "estupendo", "entendido",
		"de acuerdo", "guay", "bien", "muy bien", "ya veo", "claro", "oki", "okis", "listo", "bueno", "pues", "ah vale", "vale vale",
		"fantastico", "excelente", "lol", "haha", "jaja", "jajaja", "noted", "apuntado", "anotado")
	// chitChat is talk about nothing: answered as a greeting.
	chitChat = phrases("how are you", "how are you today", "how s it going", "hows it going", "how is it going", "whats up", "what s up",
		"how are things", "you there", "are you there", "anyone there", "que tal estas", "como estas", "como va", "como va todo",
		"estas ahi", "hay alguien")
)

var (
	yesWords = phrases("yes", "yeah", "yep", "yup", "yea", "ye", "yass", "yes please", "sure", "of course", "correct", "exactly", "indeed",
		"absolutely", "definitely", "affirmative", "that s right", "thats right", "true", "i do", "i have", "i can", "i am",
		"it is", "it does", "they do", "they are", "it did", "i think so", "i believe so", "probably", "si", "sip", "sii", "siii",
		"claro", "claro que si", "por supuesto", "exacto", "correcto", "efectivamente", "desde luego", "afirmativo", "asi es",
		"eso es", "creo que si", "seguramente", "si tengo", "si puedo", "si claro", "yes i do", "yes i have", "found it",
		"i found it", "lo encontre", "ya lo encontre", "ya lo tengo", "lo tengo", "i know it", "i know where", "i have it", "i have one",
		"i have them", "i have both", "tengo", "tengo uno", "tengo una", "los tengo", "las tengo", "i do have", "got one", "done that")
	noWords = phrases("no", "nope", "nah", "nop", "not really", "not yet", "negative", "never", "none", "no way", "not at all",
		"i dont", "i do not", "i cant", "i can not", "i cannot", "i havent", "i have not", "i dont think so", "dont think so",
		"not that i know", "todavia no", "aun no", "que va", "para nada", "ninguno", "ninguna", "nunca", "creo que no", "no tengo",
		"no puedo", "tampoco", "en absoluto", "de momento no", "por ahora no")
	unsureWords = phrases("not sure", "im not sure", "i m not sure", "i am not sure", "dont know", "i dont know", "i do not know",
		"no idea", "maybe", "perhaps", "unsure", "idk", "dunno", "not certain", "no clue", "depends", "i have no idea",
		"no se", "no lo se", "ni idea", "quizas", "quiza", "tal vez", "a lo mejor", "no estoy seguro", "no estoy segura",
		"no sabria decir", "ni puta idea", "puede ser", "puede que si", "no lo tengo claro", "how do i know", "how would i know",
		"como lo se", "como se si", "how can i check", "how do i check", "cant tell", "can t tell", "cannot tell", "hard to say",
		"not 100 sure", "not 100 percent sure", "no estoy 100 seguro", "no estoy 100 segura", "no se ve", "no lo veo", "cant see",
		"i think so but", "creo que si pero", "not really sure", "no estoy muy seguro", "no estoy muy segura")
	// The digits on screen are the user's, or not: the question of the
	// first check when an SMS does not arrive.
	matchWords = phrases("match", "matches", "they match", "it matches", "same", "the same", "same number", "is mine", "its mine",
		"it s mine", "my number", "mine", "is correct", "is right", "the right number", "coinciden", "coincide", "es mio",
		"es el mio", "el mismo", "es correcto", "es mi numero", "son los mios", "son mios", "same as mine", "igual que el mio",
		"como el mio", "are mine", "they re mine", "theyre mine")
	differWords = phrases("different", "dont match", "doesnt match", "do not match", "does not match", "not the same", "not mine",
		"isnt mine", "is not mine", "wrong number", "old number", "another number", "someone else", "not my number",
		"no coinciden", "no coincide", "distinto", "distintos", "diferente", "diferentes", "no es mio", "no es el mio",
		"numero antiguo", "numero viejo", "otro numero", "no es mi numero", "mi antiguo numero", "my old", "old one",
		"el viejo", "el antiguo", "not the same")
)

var (
	fixedWords = phrases("it worked", "that worked", "worked", "works now", "working now", "it works", "works", "got it now",
		"got the sms", "got the text", "got the code", "got the pin", "got the message", "received it", "it arrived", "it came",
		"arrived", "came through", "came", "solved", "fixed", "sorted", "resolved", "all good", "that did it", "did the trick",
		"success", "it went through", "went through", "in now", "im in", "i m in", "logged in", "got in", "finally", "that was it",
		"funciona", "funciono", "ya funciona", "ha funcionado", "me ha llegado", "me llego", "ya llego", "ya me llego", "ha llegado",
		"llego", "lo recibi", "recibido", "solucionado", "resuelto", "arreglado", "ya esta", "ya entre", "ya he entrado", "he entrado",
		"ya puedo", "era eso", "problema resuelto", "perfect it worked", "now it works", "ahora si", "ahora funciona")
	failingWords = phrases("still nothing", "nothing", "no luck", "didnt work", "didn t work", "doesnt work", "does not work",
		"did not work", "not working", "still not", "still no", "still doesnt", "still isnt", "still the same", "same thing",
		"same problem", "same issue", "no change", "no difference", "nothing happened", "nothing yet", "nothing came",
		"didnt help", "did not help", "doesnt help", "no good", "still failing", "still waiting", "not arriving", "nope",
		"nada", "sigue igual", "sigue sin", "sigue sin llegar", "sigue sin funcionar", "no funciona", "no funciono",
		"no ha funcionado", "tampoco", "igual", "todavia nada", "aun nada", "ni asi", "no llega", "no me llega",
		"sigue fallando", "mismo error", "no ha servido", "no sirvio", "no me ha llegado", "sin suerte", "same error", "still getting",
		"still get", "still says", "sigue diciendo", "sigue saliendo", "what else", "que mas puedo", "que otra cosa", "nada de nada")
	triedWords = phrases("done", "did it", "did that", "i did", "tried", "tried that", "tried it", "already did", "already tried",
		"ive tried", "i ve tried", "have tried", "i restarted", "restarted", "rebooted", "turned it off", "turned off", "switched off",
		"turned the phone off", "cleared", "deleted", "checked", "i checked", "ok done", "hecho", "ya lo hice", "ya lo he hecho",
		"lo he hecho", "he reiniciado", "reinicie", "ya lo he probado", "lo he probado", "probado", "lo intente", "lo he intentado",
		"ya he probado", "ya lo he reiniciado", "lo he reiniciado", "apague", "he apagado", "ya esta hecho", "he borrado",
		"borre", "lo he comprobado", "comprobado", "ya lo mire", "lo he mirado", "requested a new", "asked for a new", "like you said",
		"as you said", "como dijiste", "como me dijiste", "pedi otro", "he pedido otro", "i did that", "ya esta hecho")
	notTriedYet = phrases("not tried yet", "havent tried", "haven t tried", "have not tried", "not yet tried", "todavia no lo he probado",
		"aun no lo he probado", "no lo he probado", "no lo he intentado", "todavia no lo he hecho", "aun no lo he hecho",
		"havent done it", "not done it yet", "ill try", "i ll try", "lo pruebo", "lo intentare", "voy a probar")
)

var (
	corrections = phrases("actually", "sorry", "oops", "whoops", "i misread", "misread", "i meant", "meant", "my mistake", "my bad",
		"correction", "typo", "i mean", "wrong date", "got the date wrong", "not that", "instead", "let me correct",
		"perdona", "perdon", "me equivoque", "me he equivocado", "en realidad", "quise decir", "queria decir", "error mio",
		"fallo mio", "mejor dicho", "rectifico", "corrijo", "me confundi", "lo lei mal", "lei mal", "fecha equivocada",
		"la fecha esta mal", "me he confundido", "wait", "no wait", "hang on", "espera", "no espera", "un momento")
	questionStarts = phrases("how", "what", "whats", "when", "where", "wheres", "why", "which", "who", "whom", "can", "could",
		"do", "does", "did", "is", "are", "was", "will", "would", "should", "shall", "may", "might", "any", "anyone",
		"como", "que", "cual", "cuales", "cuando", "donde", "adonde", "por que", "porque", "quien", "cuanto", "cuanta",
		"cuantos", "cuantas", "puedo", "puede", "pueden", "podria", "se puede", "hay", "tengo que", "hace falta", "sabes",
		"me puedes", "me podrias", "tell me", "explain", "dime", "explica", "explicame",
		"i need to know", "i want to know", "i wonder", "wondering", "quiero saber", "is it", "remind me what", "remind me how",
		"remind me where", "recuerdame que", "recuerdame como", "que necesito", "que hago", "que tengo que", "que hay que",
		"que pasa", "como se", "como hago", "que me piden", "que me va a pedir")
	// followUps open a message that continues the last answer.
	followUps = phrases("and", "and if", "and what if", "what if", "what about", "how about", "and what about", "also", "so",
		"then", "ok and", "ok so", "but", "and how", "and where", "and when", "and do", "and can", "and is", "and the",
		"y", "y si", "y que pasa si", "y eso", "y donde", "y como", "y cuanto", "y cuando", "y para", "y con", "y la", "y el",
		"y los", "y las", "entonces", "pero", "vale y", "ok y", "e", "tambien", "pues", "so what", "so how", "so where")
	// anaphora point back at what was just said.
	anaphora = phrases("that", "it", "this", "there", "those", "these", "them", "one", "eso", "esto", "ese", "esa", "ahi", "alli",
		"lo", "la", "ello", "aquello", "that one", "the same", "lo mismo")
	// meta is talk about the conversation: "I didn't understand".
	meta = phrases("i dont understand", "i don t understand", "dont understand", "i didnt understand", "what do you mean",
		"i didnt get that", "you didnt answer", "that doesnt answer", "thats not what i asked", "that s not what i asked",
		"not what i asked", "no entiendo", "no te entiendo", "no lo entiendo", "que quieres decir", "no me has respondido",
		"eso no es lo que pregunte", "no era eso", "that wasnt my question", "wrong answer", "you are wrong", "te equivocas")
)

// readActs finds the small talk, the yes/no answer, the troubleshooting
// outcome, a correction and whether the message asks something.
func readActs(r *reading, ctx Context, in *Interpretation) (rest []string) {
	w := r.words
	// Pleasantries at the start: "hi", "ok thanks", "vale gracias".
	i := 0
	for i < len(w) {
		switch {
		case greetings.at(w, i) > 0 && (i == 0 || in.Acts.Has(ActAck)):
			n := greetings.at(w, i)
			in.Acts |= ActGreeting
			i += n
		case chitChat.at(w, i) > 0:
			in.Acts |= ActGreeting
			i += chitChat.at(w, i)
		case thanks.at(w, i) > 0:
			in.Acts |= ActThanks
			i += thanks.at(w, i)
		case byes.at(w, i) > 0 && (i > 0 || len(w) <= 4):
			in.Acts |= ActBye
			i += byes.at(w, i)
		case acks.at(w, i) > 0 && i < 3:
			in.Acts |= ActAck
			i += acks.at(w, i)
		default:
			goto done
		}
	}
done:
	rest = w[i:]
	// Thanks and goodbyes at the end: "that's all, thanks!".
	for cut := true; cut && len(rest) > 0; {
		cut = false
		for j := len(rest) - 1; j >= 0; j-- {
			if n := thanks.at(rest, j); n > 0 && j+n == len(rest) {
				in.Acts |= ActThanks
				rest, cut = rest[:j], true
				break
			}
			if n := byes.at(rest, j); n > 0 && j+n == len(rest) && j > 0 {
				in.Acts |= ActBye
				rest, cut = rest[:j], true
				break
			}
		}
	}
	if len(rest) == 0 {
		return rest
	}
	if thanks.in(w) {
		in.Acts |= ActThanks
	}
	in.Answer = readAnswer(w, ctx.Expect)
	if in.Answer == Yes && yesWords.at(w, 0) > 0 && strongYes.at(w, 0) == 0 && (r.question || len(w) > 4) {
		// "I have the green certificate, is that the same thing?" asks,
		// and "tengo NIE, con la tarjeta TIE" tells a fact, not a yes.
		in.Answer = NoAnswer
	}
	in.Outcome = readOutcome(w)
	if in.Outcome == NoOutcome && ctx.Expect == ExpectOutcome && onlyAnswer(rest) {
		// "yes" to "Did that solve it?".
		switch in.Answer {
		case Yes:
			in.Outcome = Fixed
		case No:
			in.Outcome = Failing
		}
	}
	if corrections.in(w) {
		in.Acts |= ActCorrection
	}
	if r.question || questionStarts.at(rest, 0) > 0 && !onlyAnswer(rest) && !outcomeOnly(rest) && noWords.at(rest, 0) == 0 ||
		clauseAsks(r) {
		in.Acts |= ActQuestion
	}
	if meta.in(w) {
		in.Acts |= ActMeta
	}
	return rest
}

// clauseAsks reports a later clause that opens with a question word:
// "letter arrived. also where is the support number".
func clauseAsks(r *reading) bool {
	for i := 1; i < len(r.words); i++ {
		if r.clause[i] != r.clause[i-1] || r.words[i-1] == "also" || r.words[i-1] == "tambien" {
			if n := questionStarts.at(r.words, i); n > 1 || n == 1 && !strongStart[r.words[i]] {
				return true
			}
		}
	}
	return false
}

// strongStart are question words that also open statements ("is", "do"),
// so they do not make a later clause a question on their own.
var strongStart = map[string]bool{"is": true, "are": true, "was": true, "do": true, "does": true, "did": true, "can": true,
	"could": true, "will": true, "would": true, "should": true, "may": true, "might": true, "any": true, "anyone": true,
	"que": true, "como": true, "hay": true}

// readAnswer reads a yes, a no or a "not sure" from the way the message
// starts, or from a phrase that says it anywhere ("the digits match").
func readAnswer(w []string, expect Expect) Answer {
	// "and yes, ...", "pues no", "well, not really".
	for len(w) > 1 && fillers[w[0]] {
		w = w[1:]
	}
	if len(w) == 0 {
		return NoAnswer
	}
	// "not sure" before "no", "no idea" before "no".
	if n := unsureWords.at(w, 0); n > 0 {
		return Unsure
	}
	if n := noWords.at(w, 0); n > 0 {
		return No
	}
	if n := yesWords.at(w, 0); n > 0 {
		return Yes
	}
	switch {
	case unsureWords.in(w):
		return Unsure
	case expect != ExpectCheck:
		// "different" and "the same" answer only a question about what
		// the user sees: "how is it different from clave?" is no "no".
	case differWords.in(w):
		return No
	case matchWords.in(w) && !negated(w, matchWords):
		return Yes
	}
	return NoAnswer
}

// strongYes are the words that say yes whatever follows.
var strongYes = phrases("yes", "yeah", "yep", "yup", "yea", "si", "sip", "sii", "claro", "sure", "correct", "exacto", "correcto")

// fillers open a reply without meaning anything.
var fillers = map[string]bool{"and": true, "y": true, "e": true, "well": true, "pues": true, "bueno": true, "ok": true, "okay": true,
	"vale": true, "so": true, "um": true, "uh": true, "hmm": true, "ah": true, "oh": true, "eh": true, "mmm": true, "then": true,
	"entonces": true, "hombre": true, "mira": true}

// outcomeOnly reports a message that is only news of a step: "did it".
func outcomeOnly(w []string) bool {
	return fixedWords.whole(w) || failingWords.whole(w) || triedWords.whole(w)
}

// readOutcome reads what a message says of a troubleshooting step.
func readOutcome(w []string) Outcome {
	switch {
	case len(w) == 0, notTriedYet.in(w):
		return NoOutcome
	case failingWords.in(w):
		return Failing
	case fixedWords.in(w) && !negated(w, fixedWords):
		return Fixed
	case triedWords.in(w):
		if noWords.at(w, 0) > 0 {
			return Failing
		}
		return Tried
	}
	return NoOutcome
}

// negators turn what follows them around.
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "dont": true, "doesnt": true, "didnt": true, "isnt": true, "arent": true,
	"wasnt": true, "hasnt": true, "havent": true, "hadnt": true, "wont": true, "cant": true, "cannot": true, "couldnt": true,
	"nunca": true, "sin": true, "ni": true, "todavia": false, "nothing": true, "nada": true, "without": true,
}

// negated reports whether the first phrase of p in w has a negation
// within the three words before it.
func negated(w []string, p phraseSet) bool {
	sp, ok := p.find(w, 0, len(w))
	if !ok {
		return false
	}
	return negatedAt(w, sp.start)
}

func negatedAt(w []string, i int) bool {
	for k := max(0, i-3); k < i; k++ {
		if negators[w[k]] {
			return true
		}
	}
	return false
}
