package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// Errors built the way go-telegram/bot v1.19.0 builds them in rawRequest, so
// the classification is tested against what the library really returns.

func errTooMany(retryAfter int) error {
	return &tgbot.TooManyRequestsError{
		Message:    fmt.Sprintf("%s, Too Many Requests: retry after %d", tgbot.ErrorTooManyRequests, retryAfter),
		RetryAfter: retryAfter,
	}
}

func errForbidden() error {
	return fmt.Errorf("%w, %s", tgbot.ErrorForbidden, "Forbidden: bot was blocked by the user")
}

func errBadRequest() error {
	return fmt.Errorf("%w, %s", tgbot.ErrorBadRequest, "Bad Request: chat not found")
}

func err5xx(code int, status string) error {
	return fmt.Errorf("error response from telegram for method %s, %d %s", "sendMessage", code, status)
}

// errProxyPage is what a non-JSON 502 page from Telegram's front proxies
// turns into.
func errProxyPage() error {
	body := []byte("<html><head><title>502 Bad Gateway</title></head></html>")
	var v struct{}
	decodeErr := json.Unmarshal(body, &v)
	return fmt.Errorf("error decode response body for method %s, %s, %w", "sendMessage", body, decodeErr)
}

// errNetwork is a transport failure; the library has already replaced the
// token in the URL by "***", the test adds a secret to check log redaction.
func errNetwork(secret string) error {
	ue := &url.Error{Op: "Post", URL: "https://api.telegram.org/bot***/sendMessage?x=" + secret, Err: syscall.ECONNRESET}
	return fmt.Errorf("error do request for method %s, %w", "sendMessage", ue)
}

func quiet() OutboxOption { return WithOutboxLogger(slog.New(slog.DiscardHandler)) }

// sendLog records sends as offsets from the start of the bubble's clock.
type sendLog struct {
	start time.Time
	mu    sync.Mutex
	calls []call
}

type call struct {
	at   time.Duration
	chat int64
	seq  int
	err  error
}

func newSendLog() *sendLog { return &sendLog{start: time.Now()} }

// send returns a send func that records the call and returns the result of
// fail (nil: success); fail sees the global call number, from 1.
func (l *sendLog) send(chat int64, seq int, fail func(n int, c call) error) func(context.Context) error {
	return func(context.Context) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		c := call{at: time.Since(l.start), chat: chat, seq: seq}
		if fail != nil {
			c.err = fail(len(l.calls)+1, c)
		}
		l.calls = append(l.calls, c)
		return c.err
	}
}

func (l *sendLog) all() []call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

func (l *sendLog) times() []time.Duration {
	var ts []time.Duration
	for _, c := range l.all() {
		ts = append(ts, c.at)
	}
	slices.Sort(ts)
	return ts
}

// maxInWindow is the largest number of sorted times in any half-open window
// [t, t+w).
func maxInWindow(ts []time.Duration, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for j < len(ts) && ts[j] < ts[i]+w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// inOrder starts fn(0), fn(1), ... each in its own goroutine, letting each
// one block inside Do before starting the next, so the order of the Do calls
// is known. It returns a func that waits for all of them.
func inOrder(n int, fn func(i int)) (wait func()) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
		synctest.Wait()
	}
	return wg.Wait
}

func mustDo(t *testing.T, o *Outbox, chat int64, group bool, send func(context.Context) error) {
	t.Helper()
	if err := o.Do(context.Background(), chat, group, send); err != nil {
		t.Errorf("Do(chat %d): %v", chat, err)
	}
}

func TestOutboxChatRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet())
		l := newSendLog()
		inOrder(100, func(i int) { mustDo(t, o, 42, false, l.send(42, i, nil)) })()

		perSecond := map[int]int{}
		for _, c := range l.all() {
			perSecond[int(c.at/time.Second)]++
		}
		if perSecond[0] != 3 {
			t.Errorf("first second: %d sends, want the burst of 3", perSecond[0])
		}
		for s := 1; s <= 97; s++ {
			if perSecond[s] != 1 {
				t.Errorf("second %d: %d sends, want 1", s, perSecond[s])
			}
		}
		if n := len(l.all()); n != 100 {
			t.Fatalf("%d sends, want 100", n)
		}
		if got := time.Since(l.start); got != 97*time.Second {
			t.Errorf("took %v, want 97s (3 at once, then 1/s)", got)
		}
		for i, c := range l.all() {
			if c.seq != i {
				t.Fatalf("send %d carried seq %d", i, c.seq)
			}
		}
	})
}

func TestOutboxGlobalRate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []OutboxOption
		burst   int
		lastAt  time.Duration
		perWind int // most sends in any 1s window
	}{
		// Full bucket of 30 at once, then one every 1/30s: 59 in the first
		// second, 30 in any later one.
		{"default", nil, 30, 9 * time.Second, 59},
		{"burst 1", []OutboxOption{WithGlobalRate(30, 1)}, 1, 299 * time.Second / 30, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := NewOutbox(append([]OutboxOption{quiet()}, tc.opts...)...)
				l := newSendLog()
				var wg sync.WaitGroup
				for chat := range int64(300) {
					wg.Go(func() { mustDo(t, o, chat+1, false, l.send(chat+1, 0, nil)) })
				}
				wg.Wait()

				ts := l.times()
				if len(ts) != 300 {
					t.Fatalf("%d sends, want 300", len(ts))
				}
				// rate.Limiter truncates delays to whole nanoseconds, so
				// sends 30 tokens apart can be 1ns short of a second apart.
				const second = time.Second - time.Microsecond
				if got := maxInWindow(ts, second); got > 30+tc.burst || got != tc.perWind {
					t.Errorf("%d sends in one second, want %d", got, tc.perWind)
				}
				if got := maxInWindow(ts[tc.burst:], second); got > 30 {
					t.Errorf("after the burst, %d sends in one second, want at most 30", got)
				}
				if last := ts[len(ts)-1]; last > tc.lastAt+time.Millisecond || last < tc.lastAt-time.Millisecond {
					t.Errorf("last send at %v, want %v: the limiter is slower than 30/s", last, tc.lastAt)
				}
			})
		})
	}
}

func TestOutboxGroupRate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      []OutboxOption
		group     bool
		perMinute int
		took      time.Duration
	}{
		// Defaults: one per 3s, so no minute window holds more than 20.
		{"group", nil, true, 20, 59 * 3 * time.Second},
		// A burst lets a short exchange out at once, at the price of up
		// to 3+19 in the window that follows it.
		{"group burst 3", []OutboxOption{WithGroupRate(3*time.Second, 3)}, true, 22, 57 * 3 * time.Second},
		// The same chat not flagged as a group only gets the chat limit.
		{"not group", nil, false, 60, 57 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := NewOutbox(append([]OutboxOption{quiet()}, tc.opts...)...)
				l := newSendLog()
				const chat = -1001234567890
				inOrder(60, func(i int) { mustDo(t, o, chat, tc.group, l.send(chat, i, nil)) })()

				ts := l.times()
				if len(ts) != 60 {
					t.Fatalf("%d sends, want 60", len(ts))
				}
				if got := maxInWindow(ts, time.Minute); got != tc.perMinute {
					t.Errorf("%d sends in one minute, want %d", got, tc.perMinute)
				}
				if got := time.Since(l.start); got != tc.took {
					t.Errorf("took %v, want %v", got, tc.took)
				}
			})
		})
	}
}

func TestOutboxFloodControl(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet())
		l := newSendLog()
		const chats, msgs, retryAfter = 5, 10, 2
		every3rd := func(n int, _ call) error {
			if n%3 == 0 {
				return errTooMany(retryAfter)
			}
			return nil
		}
		inOrder(chats*msgs, func(i int) {
			chat, seq := int64(i%chats+1), i/chats
			mustDo(t, o, chat, false, l.send(chat, seq, every3rd))
		})()

		calls := l.all()
		delivered := map[int64][]int{}
		floods := 0
		for i, c := range calls {
			if c.err == nil {
				delivered[c.chat] = append(delivered[c.chat], c.seq)
				continue
			}
			floods++
			// Nothing may reach Telegram during retry_after, from any chat
			// (calls at the same instant were already on their way).
			for _, later := range calls[i+1:] {
				if later.at > c.at && later.at < c.at+retryAfter*time.Second {
					t.Errorf("429 at %v, yet chat %d sent at %v", c.at, later.chat, later.at)
				}
			}
			retried := false
			for _, later := range calls[i+1:] {
				if later.chat == c.chat {
					if later.seq != c.seq {
						t.Errorf("chat %d: after a 429 on seq %d, seq %d went first", c.chat, c.seq, later.seq)
					}
					if later.at < c.at+retryAfter*time.Second {
						t.Errorf("chat %d seq %d retried at %v, 429 was at %v with retry_after %ds", c.chat, c.seq, later.at, c.at, retryAfter)
					}
					retried = true
					break
				}
			}
			if !retried {
				t.Errorf("chat %d seq %d: 429 never retried", c.chat, c.seq)
			}
		}
		if floods == 0 || floods != len(calls)/3 {
			t.Errorf("%d 429s in %d calls, want every third", floods, len(calls))
		}
		want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		for chat := int64(1); chat <= chats; chat++ {
			if !slices.Equal(delivered[chat], want) {
				t.Errorf("chat %d: delivered %v, want %v exactly once in order", chat, delivered[chat], want)
			}
		}
	})
}

func TestOutboxFloodControlPausesOtherChats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet())
		l := newSendLog()
		var wg sync.WaitGroup
		wg.Go(func() {
			mustDo(t, o, 1, false, l.send(1, 0, func(n int, _ call) error {
				if n == 1 {
					return errTooMany(5)
				}
				return nil
			}))
		})
		time.Sleep(time.Second)
		mustDo(t, o, 2, false, l.send(2, 0, nil))
		if got := time.Since(l.start); got != 5*time.Second {
			t.Errorf("other chat sent at %v, want 5s when the cool-down ends", got)
		}
		wg.Wait()
	})
}

func TestOutboxFloodControlWaitsAtLeastOneSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet(), Unlimited())
		l := newSendLog()
		mustDo(t, o, 1, false, l.send(1, 0, func(n int, _ call) error {
			if n == 1 {
				return errTooMany(0)
			}
			return nil
		}))
		calls := l.all()
		if len(calls) != 2 || calls[1].at != time.Second {
			t.Errorf("calls %+v, want a retry after 1s", calls)
		}
	})
}

func TestOutboxRetries(t *testing.T) {
	t.Run("502 twice then success", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet())
			l := newSendLog()
			mustDo(t, o, 1, false, l.send(1, 0, func(n int, _ call) error {
				if n <= 2 {
					return err5xx(502, "Bad Gateway")
				}
				return nil
			}))
			calls := l.all()
			if len(calls) != 3 {
				t.Fatalf("%d calls, want 3", len(calls))
			}
			// Backoff 500ms then 1s, each shortened by up to half.
			if gap := calls[1].at - calls[0].at; gap < 250*time.Millisecond || gap > 500*time.Millisecond {
				t.Errorf("first backoff %v, want 250ms..500ms", gap)
			}
			if gap := calls[2].at - calls[1].at; gap < 500*time.Millisecond || gap > time.Second {
				t.Errorf("second backoff %v, want 500ms..1s", gap)
			}
		})
	})

	for _, tc := range []struct {
		name string
		err  error
	}{
		{"network error", errNetwork("")},
		{"proxy error page", errProxyPage()},
		{"500", err5xx(500, "Internal Server Error")},
	} {
		t.Run(tc.name+" retried", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := NewOutbox(quiet())
				l := newSendLog()
				mustDo(t, o, 1, false, l.send(1, 0, func(n int, _ call) error {
					if n == 1 {
						return tc.err
					}
					return nil
				}))
				if n := len(l.all()); n != 2 {
					t.Errorf("%d calls, want 2", n)
				}
			})
		})
	}

	t.Run("6 failures", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet())
			l := newSendLog()
			err := o.Do(context.Background(), 1, false, l.send(1, 0, func(int, call) error { return errNetwork("") }))
			var ue *url.Error
			if !errors.As(err, &ue) || !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("err = %v, want the network error", err)
			}
			if n := len(l.all()); n != 6 {
				t.Errorf("%d calls, want 6", n)
			}
			// Backoffs 0.5+1+2+4+8s, each shortened by up to half.
			if took := time.Since(l.start); took < 7750*time.Millisecond || took > 15500*time.Millisecond {
				t.Errorf("gave up after %v, want 7.75s..15.5s", took)
			}
		})
	})

	t.Run("WithRetries caps attempts and backoff", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			// Unlimited: every attempt takes a chat token, and 4 quick
			// attempts would exceed the chat burst of 3.
			o := NewOutbox(quiet(), Unlimited(), WithRetries(4, 100*time.Millisecond, 150*time.Millisecond))
			l := newSendLog()
			err := o.Do(context.Background(), 1, false, l.send(1, 0, func(int, call) error { return err5xx(503, "Service Unavailable") }))
			if err == nil || !strings.Contains(err.Error(), "503") {
				t.Errorf("err = %v, want the 503", err)
			}
			calls := l.all()
			if len(calls) != 4 {
				t.Fatalf("%d calls, want 4", len(calls))
			}
			for i := 2; i < len(calls); i++ {
				if gap := calls[i].at - calls[i-1].at; gap < 75*time.Millisecond || gap > 150*time.Millisecond {
					t.Errorf("backoff %d = %v, want 75ms..150ms", i, gap)
				}
			}
		})
	})

	t.Run("429s do not use up attempts", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet(), WithRetries(2, time.Millisecond, time.Millisecond))
			l := newSendLog()
			mustDo(t, o, 1, false, l.send(1, 0, func(n int, _ call) error {
				switch {
				case n <= 5:
					return errTooMany(1)
				case n == 6:
					return err5xx(502, "Bad Gateway")
				}
				return nil
			}))
			if n := len(l.all()); n != 7 {
				t.Errorf("%d calls, want 7", n)
			}
		})
	})
}

func TestOutboxBlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet())
		l := newSendLog()
		err := o.Do(context.Background(), 1, false, l.send(1, 0, func(int, call) error { return errForbidden() }))
		if !errors.Is(err, ErrBlocked) || !errors.Is(err, tgbot.ErrorForbidden) {
			t.Errorf("err = %v, want ErrBlocked wrapping tgbot.ErrorForbidden", err)
		}
		if !strings.Contains(err.Error(), "bot was blocked by the user") {
			t.Errorf("err = %v, lost Telegram's description", err)
		}
		if n := len(l.all()); n != 1 {
			t.Errorf("%d calls, want 1: a 403 must not be retried", n)
		}
		// Not sticky: when the user writes again, sending works.
		mustDo(t, o, 1, false, l.send(1, 1, nil))
	})
}

func TestOutboxPermanentErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"400", errBadRequest()},
		{"400 migrate", &tgbot.MigrateError{Message: "bad request: Bad Request: group chat was upgraded to a supergroup chat", MigrateToChatID: -1001234}},
		{"401", fmt.Errorf("%w, %s", tgbot.ErrorUnauthorized, "Unauthorized")},
		{"404", fmt.Errorf("%w, %s", tgbot.ErrorNotFound, "Not Found")},
		{"409", fmt.Errorf("%w, %s", tgbot.ErrorConflict, "Conflict: terminated by other getUpdates request")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := NewOutbox(quiet())
				l := newSendLog()
				err := o.Do(context.Background(), 1, false, l.send(1, 0, func(int, call) error { return tc.err }))
				if err != tc.err {
					t.Errorf("err = %v, want %v unchanged", err, tc.err)
				}
				if errors.Is(err, ErrBlocked) {
					t.Errorf("err = %v is ErrBlocked", err)
				}
				if n := len(l.all()); n != 1 {
					t.Errorf("%d calls, want 1", n)
				}
				if took := time.Since(l.start); took != 0 {
					t.Errorf("took %v, want an immediate answer", took)
				}
			})
		})
	}
}

// TestOutboxFIFOConcurrent races real goroutines for one chat. The order of
// the Do calls is whatever the scheduler makes it; onEnqueue runs under the
// Outbox's lock as each call joins the queue and hands out tickets in that
// order, which deliveries must then follow, retries included.
func TestOutboxFIFOConcurrent(t *testing.T) {
	type ticketKey struct{}
	o := NewOutbox(quiet(), Unlimited(), WithRetries(6, time.Microsecond, 10*time.Microsecond))
	next := 0
	o.onEnqueue = func(ctx context.Context, chatID int64) {
		*ctx.Value(ticketKey{}).(*int) = next
		next++
	}

	const goroutines, each = 20, 50
	var mu sync.Mutex
	var delivered []int
	attempts := map[int]int{}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				ticket := new(int)
				ctx := context.WithValue(context.Background(), ticketKey{}, ticket)
				err := o.Do(ctx, 7, false, func(context.Context) error {
					mu.Lock()
					defer mu.Unlock()
					attempts[*ticket]++
					// Some messages fail at first so that later callers
					// pile up behind a backoff.
					if *ticket%7 == 0 && attempts[*ticket] < 3 {
						return err5xx(502, "Bad Gateway")
					}
					delivered = append(delivered, *ticket)
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()

	if len(delivered) != goroutines*each {
		t.Fatalf("delivered %d, want %d", len(delivered), goroutines*each)
	}
	for i, ticket := range delivered {
		if ticket != i {
			t.Fatalf("delivery %d was ticket %d: not in the order Do was called", i, ticket)
		}
	}
}

// TestOutboxFIFOWithLimits fixes the call order by starting callers one at
// a time, under the real limits, with 429s and 5xx in the way.
func TestOutboxFIFOWithLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet())
		l := newSendLog()
		fail := func(n int, c call) error {
			switch n % 5 {
			case 1:
				return errTooMany(1)
			case 3:
				return errNetwork("")
			}
			return nil
		}
		inOrder(20, func(i int) { mustDo(t, o, 9, false, l.send(9, i, fail)) })()
		var got []int
		for _, c := range l.all() {
			if c.err == nil {
				got = append(got, c.seq)
			}
		}
		want := make([]int, 20)
		for i := range want {
			want[i] = i
		}
		if !slices.Equal(got, want) {
			t.Errorf("delivered %v, want %v", got, want)
		}
	})
}

func TestOutboxCancel(t *testing.T) {
	t.Run("waiting for the chat limit", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet(), WithChatRate(time.Second, 1))
			l := newSendLog()
			mustDo(t, o, 1, false, l.send(1, 0, nil))
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			err := o.Do(ctx, 1, false, l.send(1, 1, nil))
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(l.start) != 300*time.Millisecond {
				t.Errorf("err = %v after %v, want deadline exceeded after 300ms", err, time.Since(l.start))
			}
			// The cancelled call must not have used the chat's token.
			mustDo(t, o, 1, false, l.send(1, 2, nil))
			if got := time.Since(l.start); got != time.Second {
				t.Errorf("next send at %v, want 1s", got)
			}
			if n := len(l.all()); n != 2 {
				t.Errorf("%d calls, want 2", n)
			}
		})
	})

	t.Run("waiting in the queue", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet())
			l := newSendLog()
			var wg sync.WaitGroup
			// Head: a 429 with retry_after 10.
			wg.Go(func() {
				mustDo(t, o, 1, false, l.send(1, 0, func(n int, _ call) error {
					if n == 1 {
						return errTooMany(10)
					}
					return nil
				}))
			})
			synctest.Wait()
			ctx, cancel := context.WithCancel(context.Background())
			wg.Go(func() {
				if err := o.Do(ctx, 1, false, l.send(1, 1, nil)); !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
				if got := time.Since(l.start); got != time.Second {
					t.Errorf("cancelled call returned at %v, want 1s", got)
				}
			})
			synctest.Wait()
			wg.Go(func() { mustDo(t, o, 1, false, l.send(1, 2, nil)) })
			synctest.Wait()
			time.Sleep(time.Second)
			cancel()
			wg.Wait()

			var got []int
			for _, c := range l.all() {
				if c.err == nil {
					got = append(got, c.seq)
				}
			}
			if !slices.Equal(got, []int{0, 2}) {
				t.Errorf("delivered %v, want [0 2]", got)
			}
		})
	})

	t.Run("waiting for the global limit", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet(), WithGlobalRate(1, 1))
			l := newSendLog()
			mustDo(t, o, 1, false, l.send(1, 0, nil))
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if err := o.Do(ctx, 2, false, l.send(2, 0, nil)); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want deadline exceeded", err)
			}
			// The cancelled call must give its global token back.
			mustDo(t, o, 3, false, l.send(3, 0, nil))
			if got := time.Since(l.start); got != time.Second {
				t.Errorf("next send at %v, want 1s", got)
			}
		})
	})

	// A caller whose context ends just as its turn comes must still hand
	// the turn on, or its chat stalls for good (which synctest reports as a
	// deadlock). The head cancels the caller's context while sending, so the
	// caller usually finds both its turn and the cancellation when it next
	// runs, and select picks one at random; repeat to cover both.
	t.Run("just as its turn comes", func(t *testing.T) {
		for range 50 {
			synctest.Test(t, func(t *testing.T) {
				o := NewOutbox(quiet(), Unlimited())
				ctx, cancel := context.WithCancel(context.Background())
				release := make(chan struct{})
				wait := inOrder(3, func(i int) {
					switch i {
					case 0:
						mustDo(t, o, 1, false, func(context.Context) error {
							<-release
							cancel()
							return nil
						})
					case 1:
						_ = o.Do(ctx, 1, false, func(context.Context) error { return nil })
					case 2:
						mustDo(t, o, 1, false, func(context.Context) error { return nil })
					}
				})
				close(release)
				wait()
			})
		}
	})

	for _, tc := range []struct {
		name string
		err  error
	}{
		{"during a 429 pause", errTooMany(30)},
		{"during a backoff", err5xx(502, "Bad Gateway")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := NewOutbox(quiet())
				l := newSendLog()
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				defer cancel()
				err := o.Do(ctx, 1, false, l.send(1, 0, func(int, call) error { return tc.err }))
				if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, tc.err) {
					t.Errorf("err = %v, want the deadline and the last send error", err)
				}
				if got := time.Since(l.start); got != 200*time.Millisecond {
					t.Errorf("returned after %v, want 200ms", got)
				}
			})
		})
	}
}

func TestOutboxDropsIdleChats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet())
		l := newSendLog()
		mustDo(t, o, 1, false, l.send(1, 0, nil))
		mustDo(t, o, -2, true, l.send(-2, 0, nil))
		if n := o.chatCount(); n != 2 {
			t.Fatalf("%d chats kept, want 2 while their buckets refill", n)
		}
		time.Sleep(time.Second - time.Nanosecond)
		if n := o.chatCount(); n != 2 {
			t.Errorf("%d chats kept before the chat bucket is full, want 2", n)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if n := o.chatCount(); n != 1 {
			t.Errorf("%d chats kept once the chat bucket is full, want 1 (the group)", n)
		}
		// Every(3s) is 1/3 in floating point: allow a nanosecond of rounding.
		time.Sleep(2*time.Second + time.Microsecond)
		synctest.Wait()
		if n := o.chatCount(); n != 0 {
			t.Errorf("%d chats kept once the group bucket is full, want 0", n)
		}
	})

	t.Run("activity keeps the state and its spacing", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet(), WithChatRate(time.Second, 1))
			l := newSendLog()
			mustDo(t, o, 1, false, l.send(1, 0, nil))
			time.Sleep(500 * time.Millisecond)
			mustDo(t, o, 1, false, l.send(1, 1, nil))
			if got := time.Since(l.start); got != time.Second {
				t.Errorf("second send at %v, want 1s", got)
			}
			time.Sleep(time.Second)
			synctest.Wait()
			if n := o.chatCount(); n != 0 {
				t.Errorf("%d chats kept, want 0", n)
			}
		})
	})

	t.Run("many chats", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet(), WithGlobalRate(0, 0))
			var wg sync.WaitGroup
			for chat := range int64(1000) {
				wg.Go(func() { mustDo(t, o, chat, false, func(context.Context) error { return nil }) })
			}
			wg.Wait()
			time.Sleep(time.Second)
			synctest.Wait()
			if n := o.chatCount(); n != 0 {
				t.Errorf("%d chats kept, want 0", n)
			}
		})
	})

	t.Run("unlimited", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			o := NewOutbox(quiet(), Unlimited())
			mustDo(t, o, 1, false, func(context.Context) error { return nil })
			if n := o.chatCount(); n != 0 {
				t.Errorf("%d chats kept, want 0: there is no bucket to refill", n)
			}
		})
	})
}

func TestOutboxUnlimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := NewOutbox(quiet(), Unlimited())
		l := newSendLog()
		var wg sync.WaitGroup
		for chat := range int64(100) {
			wg.Go(func() {
				for seq := range 20 {
					mustDo(t, o, -chat, true, l.send(-chat, seq, nil))
				}
			})
		}
		wg.Wait()
		if n := len(l.all()); n != 2000 {
			t.Errorf("%d sends, want 2000", n)
		}
		if took := time.Since(l.start); took != 0 {
			t.Errorf("took %v, want no waiting at all", took)
		}
	})
}

func TestOutboxLogsThroughErrorText(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		const secret = "123456:SECRET"
		o := NewOutbox(
			WithOutboxLogger(slog.New(slog.NewTextHandler(&buf, nil))),
			WithErrorText(func(err error) string { return strings.ReplaceAll(err.Error(), secret, "<token>") }),
		)
		l := newSendLog()
		mustDo(t, o, 1, false, l.send(1, 0, func(n int, _ call) error {
			if n == 1 {
				return errNetwork(secret)
			}
			return nil
		}))
		out := buf.String()
		if strings.Contains(out, "SECRET") {
			t.Errorf("log leaks the secret: %s", out)
		}
		if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "<token>") || !strings.Contains(out, "chat_id=1") {
			t.Errorf("log = %q, want a warning with the redacted error", out)
		}
	})
}
