package main_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
)

// crashQuestions are asked one per round by every user; each answer is one
// message, told apart from the others by its pattern.
var crashQuestions = []struct {
	text string
	want *regexp.Regexp
}{
	{"how long is the csv code valid", regexp.MustCompile(`valid for 60 days`)},
	{"what is cl@ve pin", regexp.MustCompile(`used within 10 minutes`)},
	{"can i use a foreign phone number", regexp.MustCompile(`foreign mobile number is allowed`)},
	{"what is cl@ve permanente", regexp.MustCompile(`username-and-password way`)},
	{"do i need a nie to register", regexp.MustCompile(`need an NIE before you can register`)},
	{"how do i change my phone number", regexp.MustCompile(`registered mobile is specially protected`)},
}

// crashRun is the bot under test, killed and started again on one
// database while users keep asking.
type crashRun struct {
	t      *testing.T
	srv    *telegramtest.Server
	env    []string
	users  []telegramtest.User
	mu     sync.Mutex
	sent   map[int64][]string // what each user was sent, both runs
	armed  atomic.Int64       // confirmations left before the kill; 0 = none
	victim atomic.Pointer[os.Process]
	killed chan struct{}
	proc   *exec.Cmd
	logs   []*bytes.Buffer
}

func newCrashRun(t *testing.T, token string, users int, env ...string) *crashRun {
	r := &crashRun{t: t, sent: map[int64][]string{}, killed: make(chan struct{}, 1)}
	r.srv = telegramtest.NewServer(t, token,
		telegramtest.WithOnSend(func(chat int64, text string) {
			r.mu.Lock()
			r.sent[chat] = append(r.sent[chat], text)
			r.mu.Unlock()
		}),
		telegramtest.WithOnConfirm(func(n int) {
			// Runs before the poll is answered (or right after the
			// webhook said 200): the updates are Telegram's no more.
			if r.armed.Load() <= 0 || r.armed.Add(-int64(n)) > 0 {
				return
			}
			if p := r.victim.Swap(nil); p != nil {
				_ = p.Kill()
				r.killed <- struct{}{}
			}
		}))
	for i := range users {
		r.users = append(r.users, telegramtest.User{ID: int64(71001 + i), FirstName: fmt.Sprint("User ", i), LanguageCode: "en"})
	}
	r.env = append(os.Environ(), append([]string{"TELEGRAM_BOT_TOKEN=" + token, "TELEGRAM_API_URL=" + r.srv.URL(),
		"CLAVEBOT_DB=" + t.TempDir() + "/bot.db", "CLAVEBOT_REMINDER_SPEC=@every 1h", "TELEGRAM_RATE_LIMIT=off"}, env...)...)
	return r
}

func (r *crashRun) start() {
	r.t.Helper()
	var log bytes.Buffer
	cmd := exec.Command(binary, "run")
	cmd.Env = r.env
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	r.proc, r.logs = cmd, append(r.logs, &log)
}

func (r *crashRun) log() string {
	var b strings.Builder
	for i, l := range r.logs {
		fmt.Fprintf(&b, "--- run %d\n%s", i+1, l.String())
	}
	return b.String()
}

// ask has every user send text at the same moment.
func (r *crashRun) ask(text string) {
	texts := make([]telegramtest.Text, len(r.users))
	for i, u := range r.users {
		texts[i] = telegramtest.Text{From: u, Text: text}
	}
	r.srv.SendTexts(texts...)
}

// waitAnswers waits until every user was sent the answer to question q.
func (r *crashRun) waitAnswers(q int, within time.Duration) {
	r.t.Helper()
	r.waitEvery(fmt.Sprintf("an answer to %q", crashQuestions[q].text), within, func(sent []string) bool {
		return slices.ContainsFunc(sent, crashQuestions[q].want.MatchString)
	})
}

// waitFirst waits until every user was sent something.
func (r *crashRun) waitFirst(within time.Duration) {
	r.t.Helper()
	r.waitEvery("a greeting", within, func(sent []string) bool { return len(sent) > 0 })
}

// waitEvery waits until what each user was sent satisfies has.
func (r *crashRun) waitEvery(what string, within time.Duration, has func(sent []string) bool) {
	r.t.Helper()
	deadline := time.Now().Add(within)
	for {
		r.mu.Lock()
		short := 0
		for _, u := range r.users {
			if !has(r.sent[u.ID]) {
				short++
			}
		}
		r.mu.Unlock()
		if short == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%d of %d users have no %s after %v\n%s", short, len(r.users), what, within, r.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// askAndKill asks a question of every user and kills the bot with SIGKILL
// once those updates are confirmed, then starts it again.
func (r *crashRun) askAndKill(text string) {
	r.t.Helper()
	r.victim.Store(r.proc.Process)
	r.armed.Store(int64(len(r.users)))
	r.ask(text)
	select {
	case <-r.killed:
	case <-time.After(30 * time.Second):
		r.t.Fatalf("the updates were not confirmed within 30s\n%s", r.log())
	}
	if err := r.proc.Wait(); err == nil {
		r.t.Fatal("the bot exited cleanly; it should have been killed")
	}
	r.start()
}

// stop ends the last run with SIGTERM.
func (r *crashRun) stop() {
	r.t.Helper()
	if err := r.proc.Process.Signal(syscall.SIGTERM); err != nil {
		r.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.proc.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			r.t.Errorf("last run after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		r.t.Errorf("last run did not stop within 20s of SIGTERM")
	}
}

// check counts, per user, the answers to each question: none is lost, at
// most one per kill is repeated, and every message is one of the answers.
func (r *crashRun) check(questions, kills int) (lost, repeated int) {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, u := range r.users {
		msgs := r.sent[u.ID]
		if len(msgs) == 0 {
			r.t.Errorf("user %d got nothing", u.ID)
			continue
		}
		count := make([]int, questions)
		for _, m := range msgs[1:] { // the first answers /start
			i := 0
			for i < questions && !crashQuestions[i].want.MatchString(m) {
				i++
			}
			if i == questions {
				r.t.Errorf("user %d got a message that answers none of the questions: %.200q", u.ID, m)
				continue
			}
			count[i]++
		}
		dup := 0
		for q, n := range count {
			switch {
			case n == 0:
				lost++
				r.t.Errorf("user %d never got an answer to %q", u.ID, crashQuestions[q].text)
			case n > 1:
				dup += n - 1
			}
		}
		repeated += dup
		if dup > 0 {
			r.t.Logf("user %d: answers per question %v", u.ID, count)
			if os.Getenv("CRASH_DUMP") != "" {
				for _, m := range msgs {
					r.t.Logf("   %.90q", m)
				}
			}
		}
		if dup > kills {
			r.t.Errorf("user %d got %d repeated answers in %d kills, want at most one per kill", u.ID, dup, kills)
		}
	}
	return lost, repeated
}

var leftoverLine = regexp.MustCompile(`handling updates received before a restart" updates=(\d+)`)

func runCrashRounds(t *testing.T, r *crashRun) {
	r.start()
	r.ask("/start")
	r.waitFirst(30 * time.Second)
	// A round without a kill shows what an answer looks like.
	r.ask(crashQuestions[0].text)
	r.waitAnswers(0, 30*time.Second)
	time.Sleep(200 * time.Millisecond)
	const kills = 5
	for k := 1; k <= kills; k++ {
		r.askAndKill(crashQuestions[k].text)
		r.waitAnswers(k, 60*time.Second)
		// Lets the outbox record what was sent, so that the next kill
		// tests the next twenty questions and not this round's last
		// write.
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a repeat would land now
	r.stop()
	lost, repeated := r.check(1+kills, kills)
	inHand := 0
	for _, m := range leftoverLine.FindAllStringSubmatch(r.log(), -1) {
		n, _ := strconv.Atoi(m[1])
		inHand += n
	}
	if os.Getenv("CRASH_DUMP") != "" {
		t.Log(r.log())
	}
	t.Logf("%d users × %d questions, %d SIGKILLs at confirmation: %d updates found in the inbox at restarts, %d answers lost, %d repeated",
		len(r.users), kills, kills, inHand, lost, repeated)
	if inHand == 0 {
		t.Error("no restart found an update in the inbox: the kills did not catch any question in hand")
	}
	if strings.Contains(r.log(), "SECRET") {
		t.Error("the token reached the log")
	}
}

// TestQuestionsSurviveSIGKILLAtConfirmation is the promise of the inbox:
// twenty users ask at once, and the bot is killed the moment its next
// getUpdates tells Telegram it has those updates, five times over. Every
// question is answered after the restart.
func TestQuestionsSurviveSIGKILLAtConfirmation(t *testing.T) {
	if testing.Short() {
		t.Skip("six bot processes")
	}
	runCrashRounds(t, newCrashRun(t, "616161:SECRET-inbox-token", 20))
}

// TestWebhookQuestionsSurviveSIGKILL is the same through a webhook: the
// bot is killed right after it answered 200 for the last of the twenty.
func TestWebhookQuestionsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("six bot processes")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := newCrashRun(t, "626262:SECRET-webhook-token", 20,
		"TELEGRAM_WEBHOOK_URL=http://"+addr+"/telegram", "TELEGRAM_WEBHOOK_SECRET=hook-secret", "TELEGRAM_WEBHOOK_LISTEN="+addr)
	runCrashRounds(t, r)
}
