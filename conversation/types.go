package conversation

import "github.com/clavebot/clavebot/conversation/content"

// Lang is a reply language.
type Lang = content.Lang

// The languages the bot speaks.
const (
	English = content.English
	Spanish = content.Spanish
)

// Langs lists every supported language, in the order menus show them.
var Langs = content.Langs

// ParseLang maps a language name or a platform language code such as
// "es-ES" to a supported language. It reports false for anything else.
func ParseLang(s string) (Lang, bool) { return content.ParseLang(s) }

// Input is one thing a user did: typed a message or pressed a button.
type Input struct {
	// Text is what the user typed. Empty when a button was pressed.
	Text string
	// Action is the Data of the button the user pressed, if any.
	Action string
	// LangHint is the language the user's platform reports (Telegram's
	// language_code, for instance); used until the user chooses one.
	LangHint string
}

// Reply is one message from the bot. Text is plain text: paragraphs are
// separated by blank lines and list items start with "• " or "1. ". It
// never carries markup, so front ends escape it as a whole.
type Reply struct {
	Text    string
	Links   []Link
	Buttons []Button
	// Removed, when set, is the text to send instead of Text once the
	// front end has deleted the user's message from the chat: it held a
	// secret (a CSV code, a document or phone number). A front end that
	// cannot delete messages sends Text, which asks the user to.
	Removed string
	// File is a file that goes with the reply, such as a calendar event.
	File *File
}

// File is a file sent with a reply. It never holds a code, a document
// number or a phone number.
type File struct {
	Name string // a file name, such as "clave-csv-2027-01-19.ics"
	MIME string // its media type, such as "text/calendar"
	Data []byte
}

// Link is an official page a reply points to.
type Link struct {
	Title string
	URL   string
}

// Button is an option offered to the user. Data is what comes back in
// Input.Action when it is pressed; it is short (Telegram allows 64 bytes).
type Button struct {
	Label string
	Data  string
}
