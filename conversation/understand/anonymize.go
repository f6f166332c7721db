package understand

import (
	"regexp"
	"strings"
	"unicode"
)

// Gap stands for words of a question that are not kept.
const Gap = "…"

// maxAnonymized bounds what is kept of one question.
const maxAnonymized = 200

var (
	// emailLike and linkLike are removed whole before the text is read:
	// their parts could otherwise pass for ordinary words.
	emailLike = regexp.MustCompile(`\S+@\S+\.\S+`)
	linkLike  = regexp.MustCompile(`(?i)\b(https?://|www\.)\S+`)

	// nameIntro and placeIntro are followed by what identifies someone:
	// "me llamo Ana García", "I live at Calle Mayor 5".
	nameIntro = phrases("my name is", "my names", "my name s", "name is", "me llamo", "mi nombre es", "soy el", "soy la",
		"i am called", "im called", "call me")
	placeIntro = phrases("calle", "c", "avenida", "avda", "av", "plaza", "pza", "paseo", "carrer", "camino", "carretera",
		"ronda", "travesia", "urbanizacion", "urb", "street", "st", "road", "rd", "avenue", "ave", "lane", "square",
		"i live at", "i live in", "vivo en", "live at", "address is", "mi direccion es", "my address", "piso", "portal",
		"puerta", "escalera", "codigo postal", "postcode", "zip")
)

// namedWords is how many words after a name or a place are dropped, so
// that "Ana María García López" goes whole.
const namedWords = 5

// Anonymize reduces a question to what may be kept of it without
// identifying anyone: the words the knowledge base or its synonym lists
// know, in order; every other word (names, streets, anything new) becomes
// one Gap per run, and so does every word with a digit, every e-mail
// address and link, every sensitive value (CSV, NIE/DNI, support number,
// phone), and the words that follow "my name is" or a street. It returns
// "" when no word the knowledge base knows is left.
func (ip *Interpreter) Anonymize(text string) string {
	text = emailLike.ReplaceAllString(Redact(text), " 0 ")
	text = linkLike.ReplaceAllString(text, " 0 ")
	r := read(text)
	drop := 0
	var b strings.Builder
	gap, kept := false, false
	for i := 0; i < len(r.words); i++ {
		w := r.words[i]
		if n := nameIntro.at(r.words, i); n > 0 {
			drop = n + namedWords
		} else if n := placeIntro.at(r.words, i); n > 0 && drop == 0 {
			drop = n + namedWords
		}
		known := drop == 0 && !containsDigit(w) && ip.m.knows(w)
		if drop > 0 {
			drop--
			// The intro itself ("my name is", "calle") is harmless, but
			// keeping it would say where the gap was.
		}
		if !known {
			gap = true
			continue
		}
		if b.Len() > 0 || gap {
			if gap {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(Gap)
			}
			b.WriteByte(' ')
		}
		gap = false
		b.WriteString(w)
		kept = true
		if b.Len() >= maxAnonymized {
			break
		}
	}
	if !kept {
		return ""
	}
	if gap {
		b.WriteString(" " + Gap)
	}
	out := b.String()
	if len(out) > maxAnonymized {
		out = strings.ToValidUTF8(out[:maxAnonymized], "")
	}
	return strings.TrimSpace(out)
}

func containsDigit(w string) bool {
	return strings.IndexFunc(w, unicode.IsDigit) >= 0
}

// knows reports whether w is a word of the knowledge base or of the
// synonym lists.
func (m *Matcher) knows(w string) bool {
	_, ok := m.lex[w]
	return ok
}
