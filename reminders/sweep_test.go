package reminders_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/robfig/cron/v3"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/reminders"
	"github.com/clavebot/clavebot/store"
)

// clock is a settable time shared by the engine and the sweeper.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// 10:00 in Madrid, 2026-11-26.
var base = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// inbox is a Deliverer that records what it delivers and can fail.
type inbox struct {
	mu   sync.Mutex
	got  map[string][]string
	fail error
}

func (in *inbox) Deliver(_ context.Context, key string, replies []bot.Reply) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.fail != nil {
		return in.fail
	}
	if in.got == nil {
		in.got = map[string][]string{}
	}
	for _, r := range replies {
		in.got[key] = append(in.got[key], r.Text)
	}
	return nil
}

func (in *inbox) texts(key string) []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.got[key]...)
}

type world struct {
	clock *clock
	db    *store.DB
	svc   *bot.Service
	eng   *conversation.Engine
	inbox *inbox
	sw    *reminders.Sweeper
}

func newWorld(t *testing.T, path string) *world {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "bot.db")
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := conversation.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{clock: &clock{now: base}, db: db, inbox: &inbox{}}
	w.eng = conversation.NewEngine(cat, conversation.WithClock(w.clock.Now))
	w.svc = bot.NewService(db, w.eng)
	w.sw = reminders.NewSweeper(db, w.eng, reminders.WithClock(w.clock.Now), reminders.Route("tg:", w.inbox))
	return w
}

func (w *world) say(t *testing.T, key string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		m := bot.Message{UserKey: key, Text: text, LangHint: "en"}
		if a, ok := strings.CutPrefix(text, "press:"); ok {
			m = bot.Message{UserKey: key, Action: a, LangHint: "en"}
		}
		if _, err := w.svc.Handle(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *world) sweep(t *testing.T) reminders.Stats {
	t.Helper()
	st, err := w.sw.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// at is 10:00 Madrid time (winter) on the given day.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.UTC) }

func TestReminderArrivesOnceAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	w := newWorld(t, path)
	w.say(t, "tg:1", "/letter", "3", "20/11/2026")
	if st := w.sweep(t); st.Due != 0 {
		t.Fatalf("something due right after recording: %+v", st)
	}
	w.clock.Set(at(2026, 12, 20).Add(time.Second))
	if st := w.sweep(t); st.Sent != 1 {
		t.Fatalf("first reminder: %+v", st)
	}
	if st := w.sweep(t); st.Due != 0 {
		t.Fatalf("sent twice: %+v", st)
	}
	got := w.inbox.texts("tg:1")
	if len(got) != 1 || !strings.Contains(got[0], "30 more days") || !strings.Contains(got[0], "19 January 2027") {
		t.Fatalf("reminder: %q", got)
	}
	// A restart: new store handle, new sweeper, same file.
	w.db.Close()
	w2 := newWorld(t, path)
	w2.clock.Set(at(2026, 12, 20).Add(time.Hour))
	if st := w2.sweep(t); st.Due != 0 {
		t.Errorf("after a restart the reminder came again: %+v", st)
	}
}

func TestCatchUpAfterDowntime(t *testing.T) {
	w := newWorld(t, "")
	w.say(t, "tg:1", "/letter", "3", "20/11/2026")
	// Down from before the 30-day reminder until after the 7-day one.
	w.clock.Set(at(2027, 1, 13))
	st := w.sweep(t)
	if st.Sent != 1 {
		t.Fatalf("catch-up: %+v", st)
	}
	got := w.inbox.texts("tg:1")
	if len(got) != 1 || !strings.Contains(got[0], "6 more days") {
		t.Fatalf("catch-up sent %q, want only the most recent", got)
	}
	u, _, _ := w.db.User("tg:1")
	if len(u.Reminders) != 3 {
		t.Errorf("%d reminders left, want the 3 still ahead", len(u.Reminders))
	}
	// Down past the code's last day: the expired message, nothing after.
	w.clock.Set(at(2027, 1, 25))
	w.sweep(t)
	got = w.inbox.texts("tg:1")
	if len(got) != 2 || !strings.Contains(got[1], "ran out on 19 January 2027") {
		t.Fatalf("after expiry: %q", got)
	}
	if u, _, _ := w.db.User("tg:1"); len(u.Reminders) != 0 {
		t.Errorf("reminders left after expiry: %v", u.Reminders)
	}
}

func TestLastDayAndLetterDated59DaysAgo(t *testing.T) {
	w := newWorld(t, "")
	w.say(t, "tg:1", "/letter", "3", "28/09/2026") // 59 days before base: the last day is tomorrow
	u, _, _ := w.db.User("tg:1")
	if len(u.Reminders) != 1 {
		t.Fatalf("reminders %v, want only the last day's", u.Reminders)
	}
	w.clock.Set(at(2026, 11, 27))
	w.sweep(t)
	got := w.inbox.texts("tg:1")
	if len(got) != 1 || !strings.Contains(got[0], "is the last day") {
		t.Fatalf("last day: %q", got)
	}
}

func TestSnoozeStopAndRegistered(t *testing.T) {
	w := newWorld(t, "")
	for _, key := range []string{"tg:snooze", "tg:stop", "tg:registered"} {
		w.say(t, key, "/letter", "3", "20/11/2026")
	}
	w.clock.Set(at(2026, 12, 20))
	w.sweep(t)
	w.say(t, "tg:snooze", "press:rem:snooze")
	w.say(t, "tg:stop", "press:rem:stop")
	w.say(t, "tg:registered", "press:flow:registered")
	w.clock.Set(at(2026, 12, 21))
	w.sweep(t)
	if got := w.inbox.texts("tg:snooze"); len(got) != 2 || !strings.Contains(got[1], "29 more days") {
		t.Errorf("snoozed: %q", got)
	}
	w.clock.Set(at(2027, 2, 1))
	w.sweep(t)
	if got := w.inbox.texts("tg:stop"); len(got) != 1 {
		t.Errorf("stopped user got %d messages", len(got))
	}
	if got := w.inbox.texts("tg:registered"); len(got) != 1 {
		t.Errorf("registered user got %d messages", len(got))
	}
	if n, _ := w.db.PendingReminders(); n != 0 {
		t.Errorf("%d reminders pending at the end", n)
	}
}

func TestFailuresRetryOrDrop(t *testing.T) {
	w := newWorld(t, "")
	w.say(t, "tg:1", "/letter", "3", "20/11/2026")
	w.clock.Set(at(2026, 12, 20))
	w.inbox.fail = errors.New("502 Bad Gateway")
	if st := w.sweep(t); st.Failed != 1 || st.Sent != 0 {
		t.Fatalf("temporary failure: %+v", st)
	}
	w.inbox.fail = nil
	if st := w.sweep(t); st.Sent != 1 {
		t.Fatalf("retry on the next sweep: %+v", st)
	}
	if st := w.sweep(t); st.Due != 0 {
		t.Fatalf("duplicate after a retry: %+v", st)
	}

	w.say(t, "tg:2", "/letter", "3", "20/11/2026")
	w.clock.Set(at(2027, 1, 5))
	w.inbox.fail = fmt.Errorf("telegram: 403: %w", bot.ErrBlocked)
	w.sweep(t)
	u, _, _ := w.db.User("tg:2")
	if len(u.Reminders) != 0 {
		t.Errorf("a user who blocked the bot keeps %d reminders", len(u.Reminders))
	}
}

func TestForgottenAndUnroutableUsers(t *testing.T) {
	w := newWorld(t, "")
	w.say(t, "tg:1", "/letter", "3", "20/11/2026", "/forget", "yes")
	w.say(t, "cli:local", "/letter", "3", "20/11/2026")
	w.clock.Set(at(2026, 12, 21))
	st := w.sweep(t)
	if st.Due != 0 || len(w.inbox.texts("tg:1")) != 0 {
		t.Errorf("forgotten user reminded: %+v", st)
	}
	// The terminal user's reminder is left for the terminal chat.
	if due, _ := w.db.Due(w.clock.Now(), 0); len(due) != 1 || due[0].User != "cli:local" {
		t.Errorf("due %v, want the terminal user's reminder untouched", due)
	}
}

func TestRunSweepsAtStartAndStops(t *testing.T) {
	w := newWorld(t, "")
	w.say(t, "tg:1", "/letter", "3", "20/11/2026")
	w.clock.Set(at(2026, 12, 20))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	sched, err := cron.ParseStandard("@every 1h")
	if err != nil {
		t.Fatal(err)
	}
	go func() { done <- reminders.Run(ctx, w.sw, sched) }()
	deadline := time.After(10 * time.Second)
	for len(w.inbox.texts("tg:1")) == 0 {
		select {
		case <-deadline:
			t.Fatal("no sweep at start")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := reminders.Run(context.Background(), w.sw, nil); err == nil {
		t.Error("no schedule was accepted")
	}
}
