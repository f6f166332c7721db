package understand

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// The marker words are frequent words that belong to one language only.
// Words both languages use ("a", "no", "me", "he", "app", "pin", "clave")
// are left out, so a message made only of them stays undecided.
var (
	englishMarkers = wordSet(`
about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing done down during each few for from further
had has have having her here hers him his how i if in into is it its just more most my myself
of off on once only or other our out over own same she should so some such than that the their
them then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours im ive id ill youre whats hows
dont doesnt didnt isnt cant cannot wont havent hasnt wasnt arent not never without
hi hello hey thanks thank please get got need want know tell work working works does
my letter arrive arrived mobile phone number code register registration new old still yet
wrong again says said help anyone someone just any way use using used first time long
`)
	spanishMarkers = wordSet(`
de la que el en y los del se las por un para con una su al lo como mas pero sus le ya o
este porque esta entre cuando muy sin sobre tambien hasta hay donde quien desde todo nos
durante todos uno les ni contra otros ese eso ante ellos e esto antes algunos unos yo otro
otras otra tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo
nosotros mis tu te ti tus ellas os mio mia esos esas estoy esta estamos estan he has ha hemos
han hay soy eres es somos son sea era fue tengo tiene tienen puedo puede necesito quiero hacer
hago hace hola gracias vale porfa favor ayuda alguien sabe saber pasa pasado llega llegado
carta movil telefono numero codigo registrarme registro nuevo nueva todavia aun ahora sigue
tarda cuanto cuanta cuantos dias cosa cosas hacienda solo mismo misma mi q k xq pq
`)
)

func init() {
	// "me", "he" and "no" are words in both languages; a word that reads
	// the same in both tells nothing about the language.
	for w := range englishMarkers {
		if spanishMarkers[w] {
			delete(englishMarkers, w)
			delete(spanishMarkers, w)
		}
	}
}

// DetectLang tells English from Spanish by the text alone. It reports false
// when the text gives no clear sign, as with "clave pin", "NIE" or a bare
// number: the caller then keeps the language it already had.
func DetectLang(text string) (Lang, bool) {
	en, es := langEvidence(text)
	return decideLang(en, es)
}

func decideLang(en, es float64) (Lang, bool) {
	switch {
	case es > en && es >= 1:
		return Spanish, true
	case en > es && en >= 1:
		return English, true
	}
	return "", false
}

// langEvidence counts the signs of each language in text: marker words,
// Spanish spelling (ñ, accents, ¿ ¡) and a few word endings.
func langEvidence(text string) (en, es float64) {
	var buf [512]byte
	word := buf[:0]
	n := 0
	flush := func() {
		if len(word) == 0 {
			return
		}
		// Indexing a map with string(bytes) does not allocate.
		switch {
		case englishMarkers[string(word)]:
			en++
		case spanishMarkers[string(word)]:
			es++
		case len(word) > 5 && (bytes.HasSuffix(word, []byte("cion")) || bytes.HasSuffix(word, []byte("ciones"))):
			es += 0.5
		case len(word) > 5 && (bytes.HasSuffix(word, []byte("ing")) || bytes.HasSuffix(word, []byte("tion"))):
			en += 0.5
		}
		word = word[:0]
	}
	for _, r := range text {
		if n++; n > maxQueryRunes {
			break
		}
		switch r {
		case 'ñ', 'Ñ', '¿', '¡', 'á', 'é', 'í', 'ó', 'ú', 'Á', 'É', 'Í', 'Ó', 'Ú':
			es += 0.5
		}
		if isJoiner(r) && len(word) > 0 {
			continue
		}
		f := foldRune(r)
		if f < 0 {
			flush()
			continue
		}
		if len(word)+utf8.UTFMax <= cap(word) {
			word = utf8.AppendRune(word, f)
		}
	}
	flush()
	return en, es
}

// detectLang is DetectLang on a message already read.
func detectLang(r *reading) (Lang, bool) {
	es := 0.5 * float64(r.spanishMarks)
	en := 0.0
	for _, w := range r.words {
		switch {
		case englishMarkers[w]:
			en++
		case spanishMarkers[w]:
			es++
		case len(w) > 5 && (strings.HasSuffix(w, "cion") || strings.HasSuffix(w, "ciones")):
			es += 0.5
		case len(w) > 5 && (strings.HasSuffix(w, "ing") || strings.HasSuffix(w, "tion")):
			en += 0.5
		}
	}
	return decideLang(en, es)
}
