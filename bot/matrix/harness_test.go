//go:build goolm

package matrix_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/matrix"
	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/internal/testkit"
	"github.com/clavebot/clavebot/store"
)

const (
	botPassword = "bot-password-never-logged"
	wait        = 30 * time.Second
)

func mustEngine() *conversation.Engine { return testkit.Engine() }

// needServer skips under -short: these tests run a real Dendrite.
func needServer(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("needs a real Dendrite homeserver (dendritetest); run without -short")
	}
}

// syncBuffer is a log destination safe for the front end's goroutines.
type syncBuffer = testkit.LogBuffer

// account is the bot's Matrix account and the files it keeps: a restart
// reuses both.
type account struct {
	srv      *dendritetest.Server
	url      string // where the bot reaches the homeserver
	userID   string
	stateDir string
	dbPath   string
}

func newAccount(t testing.TB, srv *dendritetest.Server) *account {
	userID, _, _ := srv.Register(t, "clavebot", botPassword)
	dir := t.TempDir()
	return &account{srv: srv, url: srv.URL(), userID: userID, stateDir: dir, dbPath: filepath.Join(dir, "clavebot.db")}
}

// running is one run of the bot, from New to the end of Run.
type running struct {
	fe     *matrix.FrontEnd
	db     *store.DB
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// start runs the bot with the real service, on bbolt.
func (a *account) start(t testing.TB, opts ...matrix.Option) *running {
	t.Helper()
	return a.startWith(t, nil, opts...)
}

// startWith runs the bot with the service wrap makes of the real one.
func (a *account) startWith(t testing.TB, wrap func(*bot.Service) matrix.Service, opts ...matrix.Option) *running {
	t.Helper()
	db, err := store.Open(a.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	r := &running{db: db, logs: &syncBuffer{}, done: make(chan error, 1)}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	real := bot.NewService(db, mustEngine(), bot.WithLogger(log))
	var svc matrix.Service = real
	if wrap != nil {
		svc = wrap(real)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	cfg := matrix.Config{Homeserver: a.url, UserID: a.userID, Password: botPassword, StateDir: a.stateDir}
	r.fe, err = matrix.New(ctx, cfg, svc, append([]matrix.Option{matrix.WithLogger(log)}, opts...)...)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	go func() { r.done <- r.fe.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) stop(t testing.TB) {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(wait):
		t.Error("front end did not stop")
	}
	if err := r.fe.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	r.db.Close()
	if strings.Contains(r.logs.String(), botPassword) {
		t.Errorf("the password reached the logs")
	}
}

// human is a person on Matrix, driven by the test through its own mautrix
// client, with its own encryption when asked.
type human struct {
	cli    *mautrix.Client
	crypto *cryptohelper.CryptoHelper
	bot    id.UserID

	mu     sync.Mutex
	got    []*event.Event // the bot's messages, decrypted
	cond   chan struct{}  // closed and replaced on every new message
	cancel context.CancelFunc
	done   chan struct{}
}

func newHuman(t testing.TB, srv *dendritetest.Server, localpart string, botID string, encrypted bool) *human {
	t.Helper()
	userID, token, device := srv.Register(t, localpart, localpart+"-password")
	cli, err := mautrix.NewClient(srv.URL(), id.UserID(userID), token)
	if err != nil {
		t.Fatal(err)
	}
	cli.DeviceID = id.DeviceID(device)
	cli.Client = &http.Client{Transport: waitOn429{}}
	h := &human{cli: cli, bot: id.UserID(botID), cond: make(chan struct{}), done: make(chan struct{})}
	syncer := cli.Syncer.(*mautrix.DefaultSyncer)
	syncer.OnEventType(event.EventMessage, h.onMessage)
	if encrypted {
		db, err := dbutil.NewWithDialect("file:"+filepath.Join(t.TempDir(), "human.db")+"?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)", "sqlite")
		if err != nil {
			t.Fatal(err)
		}
		h.crypto, err = cryptohelper.NewCryptoHelper(cli, []byte("human pickle key"), db)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.crypto.Init(context.Background()); err != nil {
			t.Fatal(err)
		}
		cli.Crypto = h.crypto
	} else {
		cli.StateStore = mautrix.NewMemoryStateStore()
		syncer.OnEvent(cli.StateStoreSyncHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() {
		defer close(h.done)
		cli.SyncWithContext(ctx)
	}()
	t.Cleanup(func() {
		h.cancel()
		<-h.done
		if h.crypto != nil {
			h.crypto.Close()
		}
	})
	return h
}

func (h *human) onMessage(_ context.Context, evt *event.Event) {
	if evt.Sender != h.bot {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, evt)
	close(h.cond)
	h.cond = make(chan struct{})
}

// dm creates a direct chat with the bot, encrypted or not, and waits for
// the bot to join it.
func (h *human) dm(t testing.TB, encrypted bool) id.RoomID {
	t.Helper()
	req := &mautrix.ReqCreateRoom{Preset: "trusted_private_chat", IsDirect: true, Invite: []id.UserID{h.bot}}
	if encrypted {
		req.InitialState = []*event.Event{{
			Type:    event.StateEncryption,
			Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}},
		}}
	}
	resp, err := h.cli.CreateRoom(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	h.waitJoined(t, resp.RoomID)
	return resp.RoomID
}

func (h *human) waitJoined(t testing.TB, room id.RoomID) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		members, err := h.cli.JoinedMembers(context.Background(), room)
		if err == nil {
			if _, ok := members.Joined[h.bot]; ok {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the bot did not join %s", room)
}

// say sends text, encrypted when the room is.
func (h *human) say(t testing.TB, room id.RoomID, text string) {
	t.Helper()
	if _, err := h.cli.SendText(context.Background(), room, text); err != nil {
		t.Fatalf("send %q: %v", text, err)
	}
}

// count is how many of the bot's messages arrived so far.
func (h *human) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

// waitFor waits until the bot's messages number at least n and returns
// them all.
func (h *human) waitFor(t testing.TB, n int) []*event.Event {
	t.Helper()
	timeout := time.After(wait)
	for {
		h.mu.Lock()
		got, cond := h.got, h.cond
		h.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-cond:
		case <-timeout:
			t.Fatalf("got %d messages from the bot, want %d:\n%s", len(got), n, bodies(got))
		}
	}
}

// answerTo says text and waits for the bot's answer: every message it
// sends until nothing more comes for a moment.
func (h *human) answerTo(t testing.TB, room id.RoomID, text string) []*event.Event {
	t.Helper()
	before := h.count()
	h.say(t, room, text)
	return h.settle(t, before)
}

// settle waits for the bot's messages after the first before: at least
// one, then until nothing more comes for a moment.
func (h *human) settle(t testing.TB, before int) []*event.Event {
	t.Helper()
	h.waitFor(t, before+1)
	for {
		n := h.count()
		time.Sleep(300 * time.Millisecond)
		if h.count() == n {
			h.mu.Lock()
			defer h.mu.Unlock()
			return h.got[before:]
		}
	}
}

func bodies(evts []*event.Event) string {
	var b strings.Builder
	for _, e := range evts {
		fmt.Fprintf(&b, "---\n%s\n", e.Content.AsMessage().Body)
	}
	return b.String()
}

// waitOn429 lets the test's own clients through Dendrite's rate limits,
// so that only the bot's handling of them is under test.
type waitOn429 struct{}

func (waitOn429) RoundTrip(req *http.Request) (*http.Response, error) {
	for {
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests {
			return resp, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct {
			RetryAfterMS int `json:"retry_after_ms"`
		}
		_ = json.Unmarshal(body, &e)
		time.Sleep(time.Duration(max(e.RetryAfterMS, 100)) * time.Millisecond)
		if req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = b
		}
	}
}
