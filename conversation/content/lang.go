package content

import "strings"

// Lang is a reply language.
type Lang string

// The languages the bot speaks.
const (
	English Lang = "en"
	Spanish Lang = "es"
)

// Langs lists every supported language, in the order menus show them.
var Langs = []Lang{English, Spanish}

// Index returns l's position in Langs: 0 for English, 1 for Spanish.
func (l Lang) Index() int {
	if l == Spanish {
		return 1
	}
	return 0
}

// ParseLang maps a language name or a platform language code such as
// "es-ES" to a supported language. It reports false for anything else.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", false
	case strings.HasPrefix(s, "es"), s == "spanish", s == "castellano", s == "español":
		return Spanish, true
	case strings.HasPrefix(s, "en"), s == "english", s == "ingles", s == "inglés":
		return English, true
	}
	return "", false
}

// Text is one sentence or paragraph in every supported language.
type Text map[Lang]string

// In returns the text in l, falling back to English.
func (t Text) In(l Lang) string {
	if s, ok := t[l]; ok && s != "" {
		return s
	}
	return t[English]
}
