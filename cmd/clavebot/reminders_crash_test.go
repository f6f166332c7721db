package main_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

// reminderMark is in every "days left" reminder text, and in no other
// message the bot could send these users.
const reminderMark = "CSV code of your invitation letter"

// TestReminderSweepSurvivesSIGKILL kills `clavebot run` with SIGKILL in
// the middle of its catch-up sweep, restarts it on the same database and
// checks the promise of package reminders: no reminder is lost, and at most
// one is repeated (delivery is one message at a time, each committed right
// after Telegram accepted it, so only the message in that window can go
// out twice).
//
// The kill is not left to chance: it is sent from the fake Bot API's
// accept hook, at the moment the 50th reminder is accepted and before the
// answer reaches the bot, so the process dies in exactly the window that
// can repeat a message (accepted, not yet committed). A kill from a
// timer would mostly land while the sweeper waits for the rate limiter,
// and prove less.
func TestReminderSweepSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("about 10s: two bot processes and 150 reminders under Telegram's rate limits")
	}
	const (
		token     = "515151:SECRET-crash-token"
		users     = 150
		firstID   = 90001
		killAfter = 50
	)
	dbPath := filepath.Join(t.TempDir(), "bot.db")
	preloadDueReminders(t, dbPath, firstID, users)

	var (
		mu     sync.Mutex
		got    = map[int64]int{} // reminders accepted, per chat, both runs
		total  int               // reminders accepted, both runs
		others []string          // anything else sent: there must be nothing
		victim atomic.Pointer[os.Process]
		killed = make(chan struct{})
	)
	onSend := func(chatID int64, text string) {
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(text, reminderMark) {
			others = append(others, strconv.FormatInt(chatID, 10)+": "+text)
			return
		}
		got[chatID]++
		total++
		if total == killAfter {
			if p := victim.Swap(nil); p != nil {
				// Runs before the server answers this sendMessage: the
				// message is accepted, the bot never learns it was.
				_ = p.Kill()
				close(killed)
			}
		}
	}
	srv := telegramtest.NewServer(t, token, telegramtest.WithOnSend(onSend))
	knowChats(t, srv, firstID, users)

	env := append(os.Environ(), "TELEGRAM_BOT_TOKEN="+token, "TELEGRAM_API_URL="+srv.URL(),
		"CLAVEBOT_DB="+dbPath,
		// Only the sweep at start runs within the test; the real rate
		// limits (30 messages/s overall) stay, so it takes seconds.
		"CLAVEBOT_REMINDER_SPEC=@every 1h")
	start := func(stderr *bytes.Buffer) *exec.Cmd {
		t.Helper()
		cmd := exec.Command(binary, "run")
		cmd.Env = env
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Registered after NewServer, so it runs before the server closes.
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd
	}

	// First run: killed in the middle of the sweep.
	var log1 bytes.Buffer
	first := start(&log1)
	victim.Store(first.Process)
	select {
	case <-killed:
	case <-time.After(30 * time.Second):
		victim.Store(nil)
		_ = first.Process.Kill()
		_ = first.Wait()
		mu.Lock()
		n := total
		mu.Unlock()
		t.Fatalf("first run accepted only %d reminders in 30s, want %d before the kill\n%s", n, killAfter, log1.String())
	}
	if err := first.Wait(); err == nil {
		t.Fatal("first run exited cleanly; it should have been killed")
	}
	mu.Lock()
	t.Logf("first run killed after %d reminders accepted", total)
	mu.Unlock()

	// Second run on the same file: catches up on what is left.
	var log2 bytes.Buffer
	second := start(&log2)
	everyone := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == users
	}
	deadline := time.Now().Add(60 * time.Second)
	for !everyone() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- second.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("second run after SIGTERM: %v\n%s", err, log2.String())
		}
	case <-time.After(20 * time.Second):
		_ = second.Process.Kill()
		<-exited
		t.Errorf("second run did not stop within 20s of SIGTERM\n%s", log2.String())
	}

	// Both processes are gone: the counts are final.
	mu.Lock()
	defer mu.Unlock()
	var lost, repeated []string
	for id := int64(firstID); id < firstID+users; id++ {
		switch n := got[id]; {
		case n == 0:
			lost = append(lost, strconv.FormatInt(id, 10))
		case n > 1:
			repeated = append(repeated, strconv.FormatInt(id, 10)+"×"+strconv.Itoa(n))
		}
	}
	t.Logf("reminders accepted: %d for %d users; repeated: %d %v", total, users, total-users+len(lost), repeated)
	if len(lost) > 0 {
		t.Errorf("%d users never got their reminder: %v\nfirst run:\n%s\nsecond run:\n%s", len(lost), lost, log1.String(), log2.String())
	}
	if dup := total - (users - len(lost)); dup > 1 {
		t.Errorf("%d reminders repeated (%v), want at most 1", dup, repeated)
	}
	if len(others) > 0 {
		t.Errorf("the bot sent %d messages that are not reminders, e.g. %q", len(others), others[0])
	}
	if strings.Contains(log1.String()+log2.String(), "SECRET-crash-token") {
		t.Error("the token reached the log")
	}

	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	due, err := db.Due(time.Now().AddDate(10, 0, 0), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 0 {
		t.Errorf("due index still holds %d reminders after both runs, e.g. %+v", len(due), due[0])
	}
}

// preloadDueReminders writes users Telegram users, ids first..., each with
// a letter dated 40 days ago (20 days left) and one reminder due an hour
// ago, as if the bot had been down when they fell due.
func preloadDueReminders(t *testing.T, path string, first int64, users int) {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	dated := conversation.DateOf(time.Now()).AddDays(-40)
	due := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	for id := first; id < first+int64(users); id++ {
		err := db.Update("tg:"+strconv.FormatInt(id, 10), func(u *conversation.User, _ bool) (bool, error) {
			u.Lang = conversation.English
			u.Letter.Dated = dated
			u.Letter.ArrivedOn = dated
			u.Reminders = []time.Time{due}
			return false, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// knowChats makes the fake Bot API know the users' private chats, as
// Telegram knows the chat of anyone who once wrote to the bot: the fake
// only sends to chats an update came from ("chat not found" otherwise).
// Each user writes once, and those updates are confirmed with getUpdates'
// offset right away, before any bot runs, exactly as a bot that handled
// them long ago would have: the chats exist, no update is left for the bot
// to answer, and everything the bot sends during the test is a reminder.
func knowChats(t *testing.T, srv *telegramtest.Server, first int64, users int) {
	t.Helper()
	for id := first; id < first+int64(users); id++ {
		srv.SendText(id, telegramtest.User{ID: id, FirstName: "User " + strconv.FormatInt(id, 10), LanguageCode: "en"}, "hola")
	}
	endpoint := srv.URL() + "/bot" + srv.Token() + "/getUpdates"
	var offset int64
	for {
		resp, err := http.PostForm(endpoint, url.Values{"offset": {strconv.FormatInt(offset, 10)}, "timeout": {"0"}})
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			OK     bool `json:"ok"`
			Result []struct {
				UpdateID int64 `json:"update_id"`
			} `json:"result"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || !body.OK {
			t.Fatalf("getUpdates: ok=%v err=%v", body.OK, err)
		}
		if len(body.Result) == 0 {
			break // the previous call's offset confirmed the last batch
		}
		offset = body.Result[len(body.Result)-1].UpdateID + 1
	}
	if n := srv.Pending(); n != 0 {
		t.Fatalf("%d updates still pending after confirming them all", n)
	}
}
