package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clavebot/clavebot/bot"
)

// Service is what the front end needs from the bot core (bot.Service).
type Service interface {
	bot.Mail
	MarkBlocked(key string) error
	GroupNotice(langHint, link string) bot.Reply
	Commands(lang string) []bot.Command
}

// Config is the Telegram account and how updates arrive.
type Config struct {
	Token string // from @BotFather
	// APIURL is another Bot API server (self-hosted, or a test server).
	APIURL string
	// WebhookURL switches from long polling to a webhook at this public
	// URL; WebhookSecret is then required, and the webhook listens on
	// WebhookListen.
	WebhookURL    string
	WebhookSecret string
	WebhookListen string // default DefaultWebhookListen
}

// DefaultWebhookListen is where the webhook listens unless told.
const DefaultWebhookListen = ":8443"

// KeyPrefix starts the user keys of Telegram users: "tg:123456".
const KeyPrefix = "tg:"

const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// FrontEnd serves the bot on Telegram.
type FrontEnd struct {
	cfg      Config
	svc      Service
	log      *slog.Logger
	api      *tgbot.Bot
	http     *http.Client
	out      *Outbox
	username string

	outOpts     []OutboxOption
	concurrency int
	serial      *bot.Serializer
	// sending delivers each chat's replies in order while the next
	// message of that chat is already being handled: a reply waiting on
	// Telegram does not hold up the decision after it.
	sending *bot.Serializer

	// work is the context of message handling: it outlives the updates
	// loop so that messages in hand are finished on shutdown.
	work context.Context

	conflictMu   sync.Mutex
	lastConflict time.Time

	// contact is when Telegram last answered us (Unix nanoseconds).
	contact atomic.Int64
}

// Option configures a FrontEnd.
type Option func(*FrontEnd)

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option { return func(f *FrontEnd) { f.log = l } }

// WithOutbox passes options to the outbound queue (rate limits, retries).
func WithOutbox(opts ...OutboxOption) Option {
	return func(f *FrontEnd) { f.outOpts = append(f.outOpts, opts...) }
}

// ErrBadToken is returned by New when Telegram refuses the token.
var ErrBadToken = errors.New("Telegram refused the bot token (401 Unauthorized)")

// New connects to the Bot API and checks the token.
func New(ctx context.Context, cfg Config, svc Service, opts ...Option) (*FrontEnd, error) {
	f := &FrontEnd{cfg: cfg, svc: svc, log: slog.New(slog.DiscardHandler), concurrency: 64}
	for _, o := range opts {
		o(f)
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: the bot token is empty")
	}
	if cfg.WebhookURL != "" {
		if cfg.WebhookSecret == "" {
			return nil, errors.New("telegram: a webhook needs a secret, or anyone could post fake updates")
		}
		if _, err := url.Parse(cfg.WebhookURL); err != nil {
			return nil, fmt.Errorf("telegram: webhook URL: %w", err)
		}
	}
	f.out = NewOutbox(append([]OutboxOption{WithOutboxLogger(f.log), WithErrorText(func(err error) string { return f.redact(err).Error() })}, f.outOpts...)...)
	f.serial = bot.NewSerializer(f.concurrency)
	f.sending = bot.NewSerializer(f.concurrency)
	f.work = context.WithoutCancel(ctx)
	// Replies to many chats go out at once: with the default two idle
	// connections per host, most sends would dial a new one.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns, transport.MaxIdleConnsPerHost = 128, 128
	f.http = &http.Client{Transport: transport}
	apiOpts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(time.Minute, &http.Client{Transport: transport, Timeout: time.Minute}),
		// Updates come from our own poller or webhook (poll.go) through
		// ProcessUpdate: synchronously, in the order received; the
		// serializer gives the parallelism.
		tgbot.WithDefaultHandler(f.onUpdate),
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithErrorsHandler(f.onPollError),
	}
	if cfg.APIURL != "" {
		apiOpts = append(apiOpts, tgbot.WithServerURL(strings.TrimSuffix(cfg.APIURL, "/")))
	}
	api, err := tgbot.New(cfg.Token, apiOpts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", f.redact(err))
	}
	f.api = api
	checkCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	me, err := api.GetMe(checkCtx)
	switch {
	case errors.Is(err, tgbot.ErrorUnauthorized):
		return nil, ErrBadToken
	case err != nil:
		return nil, fmt.Errorf("telegram: cannot reach the Bot API: %w", f.redact(err))
	}
	f.username = me.Username
	f.touch()
	return f, nil
}

// touch records that Telegram answered.
func (f *FrontEnd) touch() { f.contact.Store(time.Now().UnixNano()) }

// LastContact is when Telegram last answered: an update, an accepted
// message, or the periodic getMe. Health checks use it.
func (f *FrontEnd) LastContact() time.Time { return time.Unix(0, f.contact.Load()) }

// heartbeat asks Telegram who we are every minute, so a quiet bot can
// still tell a healthy connection from a dead one.
func (f *FrontEnd) heartbeat(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := f.api.GetMe(ctx); err == nil {
				f.touch()
			} else if ctx.Err() == nil {
				f.log.Warn("telegram: heartbeat", "err", f.redact(err))
			}
		}
	}
}

// Username is the bot's @username, without the @.
func (f *FrontEnd) Username() string { return f.username }

// Run receives updates until ctx ends, then finishes the messages in hand.
func (f *FrontEnd) Run(ctx context.Context) error {
	f.setCommands(ctx)
	go f.heartbeat(ctx)
	if err := f.resume(); err != nil {
		return err
	}
	var err error
	if f.cfg.WebhookURL != "" {
		err = f.runWebhook(ctx)
	} else {
		err = f.runPolling(ctx)
	}
	f.serial.Wait()
	f.sending.Wait()
	return err
}

func (f *FrontEnd) runPolling(ctx context.Context) error {
	// A webhook left by an earlier deployment would make every poll fail
	// with 409.
	if _, err := f.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return fmt.Errorf("telegram: remove webhook before polling: %w", f.redact(err))
	}
	f.log.Info("telegram: polling for updates", "bot", f.username)
	return f.poll(ctx)
}

func (f *FrontEnd) runWebhook(ctx context.Context) error {
	u, _ := url.Parse(f.cfg.WebhookURL)
	path := u.Path
	if path == "" {
		path = "/"
	}
	listen := f.cfg.WebhookListen
	if listen == "" {
		listen = DefaultWebhookListen
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("telegram: webhook listen on %s: %w", listen, err)
	}
	mux := http.NewServeMux()
	mux.Handle(path, RequireSecret(f.cfg.WebhookSecret, http.HandlerFunc(f.onWebhook)))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	_, err = f.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL: f.cfg.WebhookURL, SecretToken: f.cfg.WebhookSecret,
		AllowedUpdates: []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery},
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: set webhook: %w", f.redact(err))
	}
	f.log.Info("telegram: receiving updates by webhook", "bot", f.username, "listen", ln.Addr().String())
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// RequireSecret refuses (401) any webhook request without Telegram's
// secret header: the library's handler would accept it.
func RequireSecret(secret string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get(secretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setCommands publishes the command menu in both languages; a failure
// only costs the menu, so it is logged, not fatal.
func (f *FrontEnd) setCommands(ctx context.Context) {
	for _, lang := range []string{"", "en", "es"} {
		var cmds []models.BotCommand
		for _, c := range f.svc.Commands(lang) {
			cmds = append(cmds, models.BotCommand{Command: c.Name, Description: c.Description})
		}
		if _, err := f.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, LanguageCode: lang}); err != nil {
			f.log.Warn("telegram: set commands", "lang", lang, "err", f.redact(err))
		}
	}
}

// onPollError reports errors of the updates loop. A 409 means another
// process receives this bot's updates: say so plainly, once a minute.
func (f *FrontEnd) onPollError(err error) {
	if errors.Is(err, tgbot.ErrorConflict) || errors.Is(err, errConflict) {
		f.conflictMu.Lock()
		defer f.conflictMu.Unlock()
		if time.Since(f.lastConflict) > time.Minute {
			f.lastConflict = time.Now()
			f.log.Error("telegram: another process is receiving this bot's updates (409 Conflict); stop the other instance or remove its webhook")
		}
		return
	}
	f.log.Warn("telegram: receiving updates", "err", f.redact(err))
}

// redact keeps the token out of logs: the library's errors can carry the
// request URL, which contains it.
func (f *FrontEnd) redact(err error) error {
	return bot.Redact(err, f.cfg.Token, url.PathEscape(f.cfg.Token))
}

// userKey is the bot's key for a Telegram user.
func userKey(id int64) string { return KeyPrefix + strconv.FormatInt(id, 10) }

// langHint maps Telegram's language_code: Spanish for es*, English for
// anything else, nothing when the client did not say.
func langHint(code string) string {
	switch {
	case code == "":
		return ""
	case strings.HasPrefix(strings.ToLower(code), "es"):
		return "es"
	}
	return "en"
}
