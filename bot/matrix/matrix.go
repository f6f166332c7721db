//go:build goolm

package matrix

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"

	"github.com/clavebot/clavebot/bot"
)

// Service is what the front end needs from the bot core (bot.Service).
type Service interface {
	bot.Mail
	// Unreadable is what to say about a message that could not be
	// decrypted, in every language, since it could not be read.
	Unreadable() bot.Reply
}

// Config is the Matrix account.
type Config struct {
	Homeserver string // the client API base URL
	UserID     string // "@clavebot:example.org"
	// Password logs in and the device it creates is
	// reused on every start; AccessToken is used
	// as it is, with the device it belongs to.
	Password    string
	AccessToken string
	// PickleKey encrypts the encryption keys at rest;
	// when empty one is generated once and kept in StateDir.
	PickleKey string
	// StateDir holds the front end's files, next to the bbolt file; the
	// working directory when empty.
	StateDir string
}

// KeyPrefix starts the user keys of Matrix users: "mx:@ana:example.org".
const KeyPrefix = "mx:"

// The front end's files in Config.StateDir.
const (
	StateFile     = "clavebot-matrix.json"
	CryptoFile    = "clavebot-matrix-crypto.db"
	PickleKeyFile = "clavebot-matrix.pickle-key"
)

// ErrBadCredentials is returned by New when the homeserver refuses the
// password or the access token.
var ErrBadCredentials = errors.New("matrix: the homeserver refused the credentials")

// FrontEnd serves the bot on Matrix.
type FrontEnd struct {
	cfg    Config
	svc    Service
	log    *slog.Logger
	cli    *mautrix.Client
	crypto *cryptohelper.CryptoHelper
	rooms  *sqlstatestore.SQLStateStore
	db     *dbutil.Database
	state  *state
	// mention finds the bot's name or ID in a message, for rooms with
	// several people.
	mention *regexp.Regexp

	concurrency int
	typingAfter time.Duration
	serial      *bot.Serializer

	// work is the context of message handling: it outlives the sync loop
	// so that messages in hand are finished on shutdown.
	work context.Context

	// stopping is set once the sync loop ended: a message still waiting
	// for its keys then fails for that reason, not because the keys are
	// missing, and gets no apology.
	stopping atomic.Bool

	// contact is when a sync last succeeded (Unix nanoseconds).
	contact atomic.Int64

	mu        sync.Mutex
	sendLocks map[id.RoomID]*sync.Mutex
	// pending holds the outcome of each encrypted message until its turn
	// in its sender's queue; noticed is when each room was last told a
	// message could not be read.
	pending map[id.EventID]chan decrypted
	noticed map[id.RoomID]time.Time
	// inbox is the inbox number of each received event not yet taken
	// by its handler.
	inbox map[id.EventID]uint64
	// syncErr is why syncing was stopped, if it was.
	syncErr error
}

// Option configures a FrontEnd.
type Option func(*FrontEnd)

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option { return func(f *FrontEnd) { f.log = l } }

// WithTypingAfter sets how long an answer may take before the user sees
// the bot typing (default 300ms); most answers are faster, and a typing
// notice for them would only cost a request.
func WithTypingAfter(d time.Duration) Option { return func(f *FrontEnd) { f.typingAfter = d } }

// New logs in, sets up end-to-end encryption and checks the credentials.
func New(ctx context.Context, cfg Config, svc Service, opts ...Option) (_ *FrontEnd, err error) {
	f := &FrontEnd{
		cfg: cfg, svc: svc, log: slog.New(slog.DiscardHandler),
		concurrency: 64, typingAfter: 300 * time.Millisecond,
		sendLocks: map[id.RoomID]*sync.Mutex{},
		pending:   map[id.EventID]chan decrypted{}, noticed: map[id.RoomID]time.Time{},
		inbox: map[id.EventID]uint64{},
	}
	for _, o := range opts {
		o(f)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	dir := cfg.StateDir
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("matrix: state directory: %w", err)
	}
	if f.state, err = loadState(filepath.Join(dir, StateFile)); err != nil {
		return nil, err
	}
	if f.cli, err = f.newClient(); err != nil {
		return nil, err
	}
	if err := f.login(ctx); err != nil {
		return nil, err
	}
	key, err := pickleKey(cfg.PickleKey, filepath.Join(dir, PickleKeyFile))
	if err != nil {
		return nil, err
	}
	if f.db, err = openCryptoDB(filepath.Join(dir, CryptoFile)); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.db.Close()
		}
	}()
	if f.crypto, f.rooms, err = setupCrypto(ctx, f.cli, f.db, key); err != nil {
		return nil, err
	}
	if err := f.crossSign(ctx, key); err != nil {
		// The bot still works, only unverified in its users' clients.
		f.log.Error("matrix: cross-signing", "err", err)
	}
	f.crypto.DecryptErrorCallback = f.onDecryptFailed
	f.crypto.CustomPostDecrypt = f.onDecrypted
	name := ""
	if resp, err := f.cli.GetOwnDisplayName(ctx); err == nil {
		name = resp.DisplayName
	}
	f.mention = mentionPattern(f.cli.UserID, name)
	f.serial = bot.NewSerializer(f.concurrency)
	f.work = context.WithoutCancel(ctx)
	f.listen()
	f.log.Info("matrix: logged in", "user", f.cli.UserID, "device", f.cli.DeviceID)
	return f, nil
}

func (c Config) check() error {
	if strings.TrimSpace(c.Homeserver) == "" {
		return errors.New("matrix: no homeserver address")
	}
	if c.Password == "" && c.AccessToken == "" {
		return errors.New("matrix: a password or an access token is needed")
	}
	if c.Password != "" && c.AccessToken == "" {
		if _, _, err := id.UserID(c.UserID).Parse(); err != nil {
			return fmt.Errorf("matrix: the user ID must be a full one such as @clavebot:example.org, got %q", c.UserID)
		}
	}
	return nil
}

// UserID is the bot's Matrix user ID.
func (f *FrontEnd) UserID() id.UserID { return f.cli.UserID }

// DeviceID is the bot's device, the same on every start.
func (f *FrontEnd) DeviceID() id.DeviceID { return f.cli.DeviceID }

// Run syncs until ctx ends, then finishes the messages in hand.
func (f *FrontEnd) Run(ctx context.Context) error {
	if err := f.resume(ctx); err != nil {
		return err
	}
	f.log.Info("matrix: syncing", "user", f.cli.UserID)
	err := f.cli.SyncWithContext(ctx)
	f.stopping.Store(true)
	f.serial.Wait()
	f.mu.Lock()
	failed := f.syncErr
	f.mu.Unlock()
	if failed != nil {
		return failed
	}
	if err != nil && ctx.Err() != nil {
		return nil
	}
	if errors.Is(err, mautrix.MUnknownToken) {
		return fmt.Errorf("%w: the access token stopped working (logged out?): %w", ErrBadCredentials, f.redact(err))
	}
	if err != nil {
		return fmt.Errorf("matrix: sync: %w", f.redact(err))
	}
	return nil
}

// Close releases the crypto store. Call it after Run returned.
func (f *FrontEnd) Close() error {
	c := f.crypto
	f.crypto = nil
	return c.Close() // nil-safe, so a second Close does nothing
}

// redact keeps the password and access token out of error texts.
func (f *FrontEnd) redact(err error) error {
	return bot.Redact(err, f.cfg.Password, f.cfg.AccessToken, f.cli.AccessToken)
}

// userKey is the bot's key for a Matrix user.
func userKey(u id.UserID) string { return KeyPrefix + string(u) }

// sendLock serializes everything sent to one room, so that replies and
// reminders never interleave.
func (f *FrontEnd) sendLock(room id.RoomID) *sync.Mutex {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.sendLocks[room]
	if !ok {
		l = &sync.Mutex{}
		f.sendLocks[room] = l
	}
	return l
}
