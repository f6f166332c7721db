package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/clavebot/clavebot/conversation"
)

// Reply, Button and Link are the conversation's own values: front ends
// render them as they are.
type (
	Reply  = conversation.Reply
	Button = conversation.Button
	Link   = conversation.Link
	File   = conversation.File
)

// Message is one thing a user did on a front end.
type Message struct {
	// UserKey names the user across front ends: "tg:123456",
	// "mx:@ana:example.org", "cli:local".
	UserKey string
	// Text is what the user typed; empty when a button was pressed.
	Text string
	// Action is the Data of the pressed button, if any.
	Action string
	// LangHint is the language the platform reports for the user.
	LangHint string
	// Received is the message's number in the inbox; 0 when it did not
	// come through one (the terminal).
	Received uint64
	// To is where its replies go; with no Chat they are not queued.
	To Address
}

// Handler handles one message and returns the replies to send, in order
// (Service.Answer is the one front ends chain middleware around).
type Handler func(ctx context.Context, m Message) ([]Outgoing, error)

// Middleware wraps a Handler, in the style of net/http middleware.
type Middleware func(next Handler) Handler

// Chain wraps h in the middlewares; the first one runs outermost.
func Chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Store persists users. Update must load the user's record, call fn, and
// save the record (or erase every trace of the user when fn returns
// forget) in one transaction; fn may run more than once.
type Store interface {
	Update(key string, fn func(u *conversation.User, exists bool) (forget bool, err error)) error
}

// ErrNoUser is returned for a message without a user key.
var ErrNoUser = errors.New("bot: message has no user key")

// ErrBlocked is what a Deliverer returns when the platform refuses to
// deliver because the user blocked the bot: retrying cannot help.
var ErrBlocked = errors.New("bot: the user blocked the bot")

// Deliverer sends replies to one of its users outside a conversation
// turn, such as reminders. It returns nil only once the platform accepted
// every reply, ErrBlocked (wrapped) when it never will.
type Deliverer interface {
	Deliver(ctx context.Context, userKey string, replies []Reply) error
}

// Service handles messages against the store and the conversation engine.
type Service struct {
	store  Store
	engine *conversation.Engine
	log    *slog.Logger
	obs    Observer
	admins map[string]bool
	memSeq atomic.Uint64 // numbers updates when the store keeps no inbox
}

// WithAdmins lets these user keys use admin commands such as /stats; to
// anyone else those commands do not exist.
func WithAdmins(keys ...string) Option {
	return func(s *Service) {
		for _, k := range keys {
			if k = strings.TrimSpace(k); k != "" {
				s.admins[k] = true
			}
		}
	}
}

// statsStore and unansweredNoter are optional capabilities of the Store.
type statsStore interface {
	Stats(now time.Time, top int) (conversation.Stats, error)
}

type unansweredNoter interface {
	NoteUnanswered(question string, at time.Time) error
}

// Observer hears about every message the service handled, for metrics.
// It carries no user identifier and no text. It must not block.
type Observer interface {
	Handled(h Handled)
}

// Handled describes one handled message.
type Handled struct {
	FrontEnd      string // "tg", "mx", "cli": the user key's prefix
	Duration      time.Duration
	Replies       int
	Topic         string // the knowledge-base topic answered, if any
	NotUnderstood bool
	Err           error
}

// WithObserver reports every handled message to o.
func WithObserver(o Observer) Option { return func(s *Service) { s.obs = o } }

// FrontEndOf returns the front end part of a user key: "tg" for "tg:123".
func FrontEndOf(key string) string {
	if i := strings.IndexByte(key, ':'); i > 0 {
		return key[:i]
	}
	return "unknown"
}

// Option configures a Service.
type Option func(*Service)

// WithLogger sets where the service logs; the default discards.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// NewService returns a service deciding with engine and saving to store.
func NewService(store Store, engine *conversation.Engine, opts ...Option) *Service {
	s := &Service{store: store, engine: engine, log: slog.New(slog.DiscardHandler), admins: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handle decides the replies to m and saves the user's new state in the
// same transaction. On a storage failure it returns a calm apology to send
// together with the error to log: the user's message was not acted upon.
// It queues nothing: Answer is Handle for front ends with an outbox.
func (s *Service) Handle(ctx context.Context, m Message) ([]Reply, error) {
	m.Received, m.To = 0, Address{}
	out, err := s.Answer(ctx, m)
	replies := make([]Reply, len(out))
	for i, o := range out {
		replies[i] = o.Reply
	}
	return replies, err
}

// handled does what follows a committed decision: metrics, and counting
// a question the bot could not answer.
func (s *Service) handled(m Message, start time.Time, d conversation.Decision) {
	s.observe(m, start, d, nil)
	if d.NotUnderstood && m.Text != "" {
		if noter, ok := s.store.(unansweredNoter); ok {
			if err := noter.NoteUnanswered(s.engine.Unanswerable(m.Text), start); err != nil {
				s.log.Warn("unanswered question not counted", "err", err)
			}
		}
	}
	s.log.Debug("message handled", "user", m.UserKey, "topic", d.Topic, "not_understood", d.NotUnderstood, "replies", len(d.Replies))
}

// stats answers an admin's /stats. It changes no user state.
func (s *Service) stats(m Message) ([]Reply, error) {
	src, ok := s.store.(statsStore)
	if !ok {
		return []Reply{s.engine.Apology("", m.LangHint)}, errors.New("stats: the store cannot count")
	}
	st, err := src.Stats(time.Now(), 10)
	if err != nil {
		return []Reply{s.engine.Apology("", m.LangHint)}, fmt.Errorf("stats: %w", err)
	}
	return []Reply{s.engine.StatsReply(m.LangHint, st)}, nil
}

// isCommand reports whether text is /name (possibly /name@bot).
func isCommand(text, name string) bool {
	cmd, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	return strings.EqualFold(cmd, "/"+name)
}

func (s *Service) observe(m Message, start time.Time, d conversation.Decision, err error) {
	if s.obs == nil {
		return
	}
	s.obs.Handled(Handled{FrontEnd: FrontEndOf(m.UserKey), Duration: time.Since(start), Replies: len(d.Replies),
		Topic: d.Topic, NotUnderstood: d.NotUnderstood, Err: err})
}

// Apologizer queues the apology for a message that could not be handled.
type Apologizer interface {
	Apology(langHint string) Reply
	Post(received uint64, out ...Outgoing) ([]Outgoing, error)
}

// Recover turns a panic while handling one message into a logged error and
// a calm apology, so one bad message never takes the process down. The
// message leaves the inbox with the apology: handled again, it would fail
// again.
func Recover(a Apologizer, log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, m Message) (out []Outgoing, err error) {
			defer func() {
				if r := recover(); r != nil {
					log.Error("panic while handling a message", "user", m.UserKey, "panic", r, "stack", string(debug.Stack()))
					err = fmt.Errorf("panic while handling a message: %v", r)
					apology := Outgoing{To: m.To, Reply: a.Apology(m.LangHint)}
					var qerr error
					if out, qerr = a.Post(m.Received, apology); qerr != nil {
						out, err = []Outgoing{apology}, errors.Join(err, qerr)
					}
				}
			}()
			return next(ctx, m)
		}
	}
}

// MarkBlocked records that the platform refused to deliver to the user
// because they blocked the bot; nothing more is sent to them until they
// write again. An unknown user is not created for it.
func (s *Service) MarkBlocked(key string) error {
	err := s.store.Update(key, func(u *conversation.User, exists bool) (bool, error) {
		u.Blocked = true
		return !exists, nil
	})
	if err != nil {
		return fmt.Errorf("mark %s as blocked: %w", key, err)
	}
	return nil
}

// GroupNotice is the reply to a group chat that addresses the bot: it
// points to a private chat (link) and stores nothing.
func (s *Service) GroupNotice(langHint, link string) Reply {
	return s.engine.GroupNotice(langHint, link)
}

// Command is a command a front end advertises, described in one language.
type Command = conversation.Command

// Commands lists the commands to advertise, described in lang ("en", "es").
func (s *Service) Commands(lang string) []Command {
	l, ok := conversation.ParseLang(lang)
	if !ok {
		l = conversation.English
	}
	return s.engine.Commands(l)
}

// Apology is the calm reply for a message that could not be handled.
func (s *Service) Apology(langHint string) Reply { return s.engine.Apology("", langHint) }

// Unreadable is the reply to a message the front end could not decrypt:
// what happened and what the person can do, in every language.
func (s *Service) Unreadable() Reply { return s.engine.Unreadable() }
