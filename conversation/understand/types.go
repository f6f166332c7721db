package understand

import "github.com/clavebot/clavebot/conversation/content"

// The catalogue's types, under short names: the matcher reads topics and
// speaks the catalogue's languages.
type (
	Lang  = content.Lang
	Topic = content.Topic
	Text  = content.Text
)

// The languages, as in the catalogue.
const (
	English = content.English
	Spanish = content.Spanish
)

// Langs lists the languages in index order: English 0, Spanish 1.
var Langs = content.Langs
