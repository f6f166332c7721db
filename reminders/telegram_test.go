package reminders_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/telegram"
	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/reminders"
)

// startTelegram serves w's bot on a fake Bot API and routes reminders
// through it.
func startTelegram(t *testing.T, w *world, srv *telegramtest.Server, outbox ...telegram.OutboxOption) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	fe, err := telegram.New(ctx, telegram.Config{Token: srv.Token(), APIURL: srv.URL()}, w.svc, telegram.WithOutbox(outbox...))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { fe.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	w.sw = reminders.NewSweeper(w.db, w.eng, reminders.WithClock(w.clock.Now), reminders.Route(telegram.KeyPrefix, fe))
}

var fast = []telegram.OutboxOption{
	telegram.WithChatRate(time.Millisecond, 100), telegram.WithGlobalRate(100000, 1000),
	telegram.WithRetries(6, 10*time.Millisecond, 100*time.Millisecond),
}

func reminderCount(msgs []telegramtest.SentMessage) int {
	n := 0
	for _, m := range msgs {
		if strings.HasPrefix(m.PlainText, "Reminder:") || strings.HasPrefix(m.PlainText, "Recordatorio:") {
			n++
		}
	}
	return n
}

// TestReminderThroughTelegram records a letter date by chatting on the
// fake Telegram, moves the clock, and sees the reminder arrive there once.
func TestReminderThroughTelegram(t *testing.T) {
	w := newWorld(t, "")
	srv := telegramtest.NewServer(t, "42:reminder-token")
	startTelegram(t, w, srv, fast...)
	eva := telegramtest.User{ID: 4242, FirstName: "Eva", LanguageCode: "es"}
	for i, text := range []string{"/carta", "3", "20/11/2026"} {
		srv.SendText(eva.ID, eva, text)
		srv.WaitSent(t, eva.ID, i+1, 10*time.Second)
	}
	w.clock.Set(at(2026, 12, 20))
	if st := w.sweep(t); st.Sent != 1 {
		t.Fatalf("sweep: %+v", st)
	}
	w.sweep(t)
	msgs := srv.Sent(eva.ID)
	last := msgs[len(msgs)-1]
	if reminderCount(msgs) != 1 || !strings.Contains(last.PlainText, "30 días más") {
		t.Fatalf("reminders on Telegram: %d, last %q", reminderCount(msgs), last.PlainText)
	}
	var data []string
	for _, row := range last.Buttons {
		data = append(data, row[0].CallbackData)
	}
	if strings.Join(data, " ") != "flow:registered rem:snooze rem:stop fix:csv_expired" {
		t.Errorf("reminder buttons %v", data)
	}
	if !strings.Contains(last.Text, `<a href="https://sede.agenciatributaria.gob.es/`) {
		t.Errorf("no link to the official registration page: %q", last.Text)
	}
	// "I've registered" from the reminder ends the reminders.
	srv.PressButton(eva.ID, eva, last.MessageID, "flow:registered")
	srv.WaitSent(t, eva.ID, len(msgs)+1, 10*time.Second)
	if n, _ := w.db.PendingReminders(); n != 0 {
		t.Errorf("%d reminders pending after registering", n)
	}
}

// TestFloodControlDuringABigSweep: 500 reminders due at once, Telegram
// answering 429 now and then: every user gets exactly one. Each 429 costs
// at least a second (Telegram counts retry_after in seconds), so they are
// spread out rather than on every third message.
func TestFloodControlDuringABigSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 500 reminders through flood control")
	}
	w := newWorld(t, "")
	const users = 500
	var sweeping atomic.Bool
	srv := telegramtest.NewServer(t, "42:flood-token", telegramtest.WithFault(func(method string, call int) *telegramtest.Fault {
		if sweeping.Load() && method == "sendMessage" && call%40 == 0 {
			return telegramtest.Fault429(1)
		}
		return nil
	}))
	for i := range users {
		id := int64(700000 + i)
		srv.SendText(id, telegramtest.User{ID: id, FirstName: "U"}, "hi") // makes the chat known to the fake
		key := fmt.Sprintf("tg:%d", id)
		err := w.db.Update(key, func(u *conversation.User, _ bool) (bool, error) {
			u.Lang, u.Letter.Dated = conversation.English, conversation.Date{Year: 2026, Month: 11, Day: 20}
			u.Reminders = []time.Time{at(2026, 12, 20)}
			return false, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	startTelegram(t, w, srv, fast...)
	// The greetings the "hi"s get are not reminders; wait for them first.
	for i := range users {
		srv.WaitSent(t, int64(700000+i), 1, 30*time.Second)
	}
	w.clock.Set(at(2026, 12, 20))
	sweeping.Store(true)
	calls := srv.Calls("sendMessage")
	st := w.sweep(t)
	t.Logf("%d sendMessage calls for %d reminders", srv.Calls("sendMessage")-calls, users)
	if st.Sent != users {
		t.Fatalf("sweep: %+v", st)
	}
	for i := range users {
		if n := reminderCount(srv.Sent(int64(700000 + i))); n != 1 {
			t.Fatalf("user %d got %d reminders", i, n)
		}
	}
	if n, _ := w.db.PendingReminders(); n != 0 {
		t.Errorf("%d reminders still pending", n)
	}
}
