//go:build goolm

package matrix_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/matrix"
	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
	"github.com/clavebot/clavebot/store"
)

// echo answers every message with its own text, slowly enough for the
// typing notices to go out: order is then visible in the answers.
type echo struct{ matrix.Service }

func (e echo) Answer(_ context.Context, m bot.Message) ([]bot.Outgoing, error) {
	time.Sleep(5 * time.Millisecond)
	return e.Post(m.Received, bot.Outgoing{To: m.To, Reply: bot.Reply{Text: "echo: " + m.Text}})
}

// newEcho is an echo on a database of the test's own.
func newEcho(t *testing.T) echo {
	db, err := store.Open(filepath.Join(t.TempDir(), "clavebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return echo{bot.NewService(db, mustEngine())}
}

// limiter stands between the bot and Dendrite and refuses every third
// message send with 429 M_LIMIT_EXCEEDED, which Dendrite itself never does
// for /send; it checks that the bot waited as long as it was told.
type limiter struct {
	mu      sync.Mutex
	sends   int
	refused int
	until   time.Time // no send may come before this
	early   int       // sends that came too early
}

const retryAfterMS = 150

func (l *limiter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/send/") {
			l.mu.Lock()
			l.sends++
			if time.Now().Before(l.until) {
				l.early++
			}
			refuse := l.sends%3 == 0
			if refuse {
				l.refused++
				l.until = time.Now().Add(retryAfterMS * time.Millisecond)
			}
			l.mu.Unlock()
			if refuse {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprintf(w, `{"errcode":"M_LIMIT_EXCEEDED","error":"slow down","retry_after_ms":%d}`, retryAfterMS)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func TestRateLimitedBurstIsAnsweredInOrder(t *testing.T) {
	needServer(t)
	// Dendrite's own limits hit the bot's joins (and typing notices,
	// which it drops); the proxy adds refusals of the sends themselves.
	srv := dendritetest.Start(t, dendritetest.WithRateLimit(2, 200))
	target, _ := url.Parse(srv.URL())
	lim := &limiter{}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0) // the long poll's cancellation at the end
	proxy := httptest.NewServer(lim.wrap(rp))
	t.Cleanup(proxy.Close)

	acct := newAccount(t, srv)
	acct.url = proxy.URL
	ana := newHuman(t, srv, "ana", acct.userID, false)
	// Invitations to several rooms waiting when the bot starts: it joins
	// them at once and goes over the limit.
	var rooms []id.RoomID
	for range 5 {
		resp, err := ana.cli.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{Preset: "trusted_private_chat", IsDirect: true, Invite: []id.UserID{ana.bot}})
		if err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, resp.RoomID)
	}
	r := acct.startWith(t, func(s *bot.Service) matrix.Service { return echo{s} }, matrix.WithTypingAfter(0))
	for _, room := range rooms {
		ana.waitJoined(t, room)
	}
	start := time.Now()
	room := rooms[0]

	const burst = 30
	for i := 1; i <= burst; i++ {
		ana.say(t, room, fmt.Sprintf("msg %d", i))
	}
	got := ana.waitFor(t, burst)
	t.Logf("%d answers in %v", burst, time.Since(start))
	time.Sleep(500 * time.Millisecond)
	if n := ana.count(); n != burst {
		t.Errorf("%d answers to %d messages", n, burst)
	}
	for i, e := range got[:burst] {
		if want := fmt.Sprintf("echo: msg %d", i+1); e.Content.AsMessage().Body != want {
			t.Fatalf("answer %d is %q, want %q; all:\n%s", i+1, e.Content.AsMessage().Body, want, bodies(got))
		}
	}
	lim.mu.Lock()
	defer lim.mu.Unlock()
	if lim.refused == 0 || lim.early > 0 {
		t.Errorf("proxy refused %d sends; %d retries came before retry_after_ms", lim.refused, lim.early)
	}
	if !regexp.MustCompile(`rate limited.*path=\S*/join`).MatchString(r.logs.String()) {
		t.Errorf("the bot's joins never met Dendrite's rate limit")
	}
}
