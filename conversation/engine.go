package conversation

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clavebot/clavebot/conversation/understand"
)

// MaxInputBytes is the longest message the engine reads. Longer ones get
// a polite request to shorten them; nothing a user needs to say about
// Cl@ve takes more, and it bounds the work per message.
const MaxInputBytes = 4096

// Idle times after which an unfinished flow is offered again or dropped.
const (
	resumeAfter = 12 * time.Hour
	dropAfter   = 30 * 24 * time.Hour
)

// Engine decides the replies to one input, given what is known about the
// user. It holds no per-user state and is safe for concurrent use.
type Engine struct {
	cat *Catalog
	ip  *understand.Interpreter
	now func() time.Time
	// keepUnanswered: unanswered questions are counted, anonymised.
	keepUnanswered bool
}

// Option configures an Engine.
type Option func(*Engine)

// WithClock makes the engine read time from now instead of time.Now, so
// tests and rehearsals control it.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// WithKeepUnanswered says whether the questions the bot could not answer
// are kept, anonymised, for the knowledge base to grow (the default), or
// not at all; /mydata says which.
func WithKeepUnanswered(keep bool) Option { return func(e *Engine) { e.keepUnanswered = keep } }

// NewEngine returns an engine over the catalogue cat.
func NewEngine(cat *Catalog, opts ...Option) *Engine {
	e := &Engine{cat: cat, ip: understand.New(cat.Topics()), now: time.Now, keepUnanswered: true}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Warm builds ahead of time what understanding builds on first need (the
// typo index), so that a running bot's first user does not wait for it.
func (e *Engine) Warm() { e.ip.Warm() }

// Decision is what the engine decided for one input.
type Decision struct {
	Replies []Reply
	// Forget asks the caller to erase everything stored about the user.
	Forget bool
	// Topic is the knowledge-base topic answered, if any, for statistics.
	Topic string
	// NotUnderstood is set when the input matched nothing the bot can
	// answer: a "which did you mean", a request to rephrase or an
	// out-of-scope reply.
	NotUnderstood bool
	// Clarify is set when the reply asks which of several topics was meant.
	Clarify bool
	// OutOfScope is set when the reply says the bot only helps with Cl@ve.
	OutOfScope bool
}

// turn carries one Handle call's working state.
type turn struct {
	e     *Engine
	u     *User
	lang  Lang
	now   time.Time
	today Date
	in    *understand.Interpretation
	// lastTopic is the topic answered before this message.
	lastTopic string
	// saidCannot is set once the reply has said what the bot cannot do.
	saidCannot bool
	d          Decision
}

// Handle decides the replies to in and updates u in place. It never fails:
// every input, however malformed, gets at least one reply.
func (e *Engine) Handle(u *User, in Input) Decision {
	now := e.now()
	t := &turn{e: e, u: u, now: now}
	t.today = DateOf(now.In(u.location()))
	firstContact := u.Created.IsZero()
	if firstContact {
		u.Created = now
	}
	text, tooLong := cleanText(in.Text)
	t.lang = t.chooseLang(in.LangHint, "")
	idle := now.Sub(u.LastSeen)
	u.LastSeen = now
	u.Blocked = false // they wrote, so they can be written to again

	// The letter stays the subject for one exchange; the last topic until
	// another one is answered.
	lastTopic, letterTalk := u.LastTopic, u.LetterTalk
	t.lastTopic = lastTopic
	u.LetterTalk = false
	switch {
	case tooLong:
		t.say(t.ui("input.too_long"))
		t.reoffer()
	case in.Action != "":
		t.act(in.Action)
	case text == "":
		t.say(t.ui("input.empty"))
		t.reoffer()
	default:
		t.text(text, in.LangHint, idle, lastTopic, letterTalk)
	}
	if len(t.d.Replies) == 0 {
		// A path that forgot to answer is a bug, but the user must still
		// hear back.
		t.say(t.ui("input.not_understood"))
		t.menu()
	}
	if firstContact && !strings.HasPrefix(text, "/") {
		// Said first, but written last: in the language the message
		// turned out to be in.
		// In the same message as the answer: one message per message.
		t.d.Replies[0].Text = t.ui("welcome.first") + "\n\n" + t.d.Replies[0].Text
		if r := &t.d.Replies[0]; r.Removed != "" {
			r.Removed = t.ui("welcome.first") + "\n\n" + r.Removed
		}
	}
	if u.Flow.Name == "letter" {
		u.LetterTalk = true
	}
	t.remember()
	return t.d
}

// location returns the user's time zone, Europe/Madrid by default.
func (u *User) location() *time.Location {
	name := u.TimeZone
	if name == "" {
		name = "Europe/Madrid"
	}
	if loc, err := loadZone(name); err == nil {
		return loc
	}
	return time.UTC
}

// chooseLang applies the order: the user's choice, then the platform's
// hint, then the language of the text (detected), then what was used
// before.
func (t *turn) chooseLang(hint string, detected Lang) Lang {
	u := t.u
	if u.LangChosen && u.Lang != "" {
		return u.Lang
	}
	if l, ok := ParseLang(hint); ok {
		u.Lang = l
		return l
	}
	if detected != "" {
		u.Lang = detected
		return detected
	}
	if u.Lang != "" {
		return u.Lang
	}
	return English
}

// cleanText makes user text safe to inspect: valid UTF-8, no control
// characters, trimmed. It reports inputs over MaxInputBytes.
func cleanText(s string) (string, bool) {
	if len(s) > MaxInputBytes {
		return "", true
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case unicode.IsControl(r), r == utf8.RuneError, unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s), false
}

// remember stores the data of the last reply's buttons so that a number
// typed next refers to them.
func (t *turn) remember() {
	t.u.Offered = t.u.Offered[:0]
	if n := len(t.d.Replies); n > 0 {
		for _, b := range t.d.Replies[n-1].Buttons {
			t.u.Offered = append(t.u.Offered, b.Data)
		}
	}
	if len(t.u.Offered) == 0 {
		t.u.Offered = nil
	}
}
