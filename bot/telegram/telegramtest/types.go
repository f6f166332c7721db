package telegramtest

// User is a Telegram user that talks to the bot in a test.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// Button is one inline keyboard button as the bot sent it. Only the
// fields a front end is expected to use are kept; the raw markup is in
// SentMessage.ReplyMarkup.
type Button struct {
	Text         string
	CallbackData string
	URL          string
}

// Entity is a message entity. Offset and Length are in UTF-16 code units,
// as in the Bot API.
type Entity struct {
	Type          string
	Offset        int
	Length        int
	URL           string
	Language      string
	CustomEmojiID string
	User          *User
}

// Revision is one version of a bot message.
type Revision struct {
	// Text is the text exactly as the bot sent it, markup included.
	Text string
	// PlainText is what the user sees: markup parsed away, trimmed.
	PlainText string
	ParseMode string
	Entities  []Entity
	// Buttons is the inline keyboard; nil when the message has none.
	Buttons [][]Button
	// ReplyMarkup is the reply_markup JSON as received ("" when absent).
	ReplyMarkup string
}

// Document is a file the bot sent with sendDocument.
type Document struct {
	FileName string
	Data     []byte
}

// SentMessage is a message the bot sent, in its current (post-edit) state.
type SentMessage struct {
	MessageID int
	ChatID    int64
	Revision
	// Document is the file of a sendDocument message (its caption is the
	// Revision's text); nil for a text message.
	Document *Document
	// ReplyTo is the message_id the bot replied to, 0 if none.
	ReplyTo int
	// Edited reports whether editMessageText or editMessageReplyMarkup
	// changed the message.
	Edited bool
	// History holds the earlier versions, oldest first; it has one entry
	// per successful edit.
	History []Revision
}

// BotCommand is one entry of setMyCommands.
type BotCommand struct {
	Command     string
	Description string
}

// CallbackAnswer is what the bot passed to answerCallbackQuery.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
	URL       string
}

// Fault is an error answer the server gives instead of handling a call.
type Fault struct {
	// Status is both the HTTP status and the error_code.
	Status      int
	Description string
	// RetryAfter, when positive, is sent as parameters.retry_after.
	RetryAfter int
	// Body, when set, replaces the JSON answer verbatim. Real 502/504
	// answers from Telegram's front proxies are HTML pages, not JSON, and
	// clients take a different error path for them.
	Body string
}

// Fault429 is Telegram's flood-control answer.
func Fault429(retryAfter int) *Fault {
	return &Fault{Status: 429, Description: "Too Many Requests: retry after " + itoa(retryAfter), RetryAfter: retryAfter}
}

// Fault502 is a JSON 502 answer. Set Body for the HTML variant.
func Fault502() *Fault {
	return &Fault{Status: 502, Description: "Bad Gateway"}
}

// Fault403 is what Telegram answers once the user has blocked the bot.
func Fault403() *Fault {
	return &Fault{Status: 403, Description: "Forbidden: bot was blocked by the user"}
}
