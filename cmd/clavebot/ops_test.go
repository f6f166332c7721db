package main_test

import (
	"fmt"
	"github.com/clavebot/clavebot/internal/testkit"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// running is a `clavebot run` process against a fake Bot API.
type running struct {
	cmd    *exec.Cmd
	stderr *syncBuf
	listen string
}

// syncBuf collects a process's stderr, written by exec's goroutine while
// the test reads it.
type syncBuf = testkit.LogBuffer

func startRun(t *testing.T, srv *telegramtest.Server, db string, env ...string) *running {
	t.Helper()
	r := &running{stderr: &syncBuf{}, listen: freeAddr(t)}
	r.cmd = exec.Command(binary, "run")
	r.cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+srv.Token(), "TELEGRAM_API_URL="+srv.URL(),
		"CLAVEBOT_DB="+db, "CLAVEBOT_LISTEN="+r.listen)
	r.cmd.Env = append(r.cmd.Env, env...)
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			r.cmd.Process.Kill()
			r.cmd.Wait()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + r.listen + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot never became healthy:\n%s", r.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits; it returns how long the stop took.
func (r *running) stop(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, r.stderr.String())
	}
	return time.Since(start)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHealthMetricsAndLogs runs the bot with a known token, talks to it
// with a CSV code, an NIE and a recognisable sentence, then checks the
// health and metrics endpoints and scans everything it logged.
func TestHealthMetricsAndLogs(t *testing.T) {
	const token = "555001:LOG-SCAN-token-secret"
	srv := telegramtest.NewServer(t, token)
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			r := startRun(t, srv, filepath.Join(t.TempDir(), "bot.db"), "CLAVEBOT_LOG_FORMAT="+format)
			user := telegramtest.User{ID: 3001, FirstName: "Lia", LanguageCode: "en"}
			for _, text := range []string{
				"my purple elephant question about the weather",
				"the code is QWER12TY34UI56OP, is it right?",
				"my NIE is Z7654321W",
				"I never got the sms with the pin",
			} {
				srv.SendText(user.ID, user, text)
			}
			srv.WaitUntil(t, 15*time.Second, "four messages handled", func() bool {
				_, body := get(t, "http://"+r.listen+"/metrics")
				return strings.Contains(body, `clavebot_messages_received_total{frontend="tg"} 4`)
			})
			_, body := get(t, "http://"+r.listen+"/metrics")
			for _, want := range []string{
				`clavebot_messages_received_total{frontend="tg"} 4`,
				`clavebot_answers_total{topic="sms_not_arriving"} 1`,
				"clavebot_not_understood_total 1",
				"clavebot_reply_seconds_bucket",
				"clavebot_reminder_sweep_seconds_count",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("/metrics lacks %q:\n%s", want, grepLines(body, "clavebot_"))
				}
			}
			out, _, code := clavebot(t, []string{"CLAVEBOT_LISTEN=" + r.listen}, "", "health")
			if code != 0 || !strings.Contains(out, "ok") {
				t.Errorf("clavebot health: exit %d, %q", code, out)
			}
			r.stop(t)
			logs := r.stderr.String()
			for _, secret := range []string{"LOG-SCAN-token", "QWER12TY34UI56OP", "Z7654321W", "purple elephant", "never got the sms"} {
				if strings.Contains(logs, secret) {
					t.Errorf("the log contains %q:\n%s", secret, logs)
				}
			}
			if !strings.Contains(logs, "clavebot is running") {
				t.Errorf("no start-up line in the log:\n%s", logs)
			}
		})
	}
}

// TestBackupAndRestore backs up a running bot through its listen address
// and a stopped one from the file, wipes the database, restores, and
// finds the user's progress back.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "bot.db")
	srv := telegramtest.NewServer(t, "555002:backup-token")
	r := startRun(t, srv, db)
	user := telegramtest.User{ID: 3002, FirstName: "Bo", LanguageCode: "en"}
	for i, text := range []string{"/letter", "3", "20/11/2026"} {
		srv.SendText(user.ID, user, text)
		srv.WaitSent(t, user.ID, i+1, 15*time.Second)
	}
	live := filepath.Join(dir, "live.db")
	out, stderr, code := clavebot(t, []string{"CLAVEBOT_LISTEN=" + r.listen, "CLAVEBOT_DB=" + db}, "", "backup", "--to", live)
	if code != 0 || !strings.Contains(out, "running bot") {
		t.Fatalf("live backup: exit %d, %q %q", code, out, stderr)
	}
	r.stop(t)

	cold := filepath.Join(dir, "cold.db")
	if _, stderr, code := clavebot(t, []string{"CLAVEBOT_DB=" + db}, "", "backup", "--to", cold); code != 0 {
		t.Fatalf("backup of a stopped bot: exit %d, %s", code, stderr)
	}
	for _, backup := range []string{live, cold} {
		if err := os.Remove(db); err != nil {
			t.Fatal(err)
		}
		if out, _, _ := clavebot(t, []string{"CLAVEBOT_DB=" + db}, "/mydata\n", "chat", "--lang", "en"); strings.Contains(out, "20 November 2026") {
			t.Fatal("the wiped database still knows the letter")
		}
		os.Remove(db)
		data, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// The restored file serves the Telegram user again: their letter
		// is there.
		r := startRun(t, srv, db)
		srv.SendText(user.ID, user, "/mydata")
		msgs := srv.WaitSent(t, user.ID, len(srv.Sent(user.ID))+1, 15*time.Second)
		if last := msgs[len(msgs)-1].PlainText; !strings.Contains(last, "20 November 2026") {
			t.Errorf("after restoring %s: %q", filepath.Base(backup), last)
		}
		r.stop(t)
	}
}

// TestStopUnderLoad sends SIGTERM while 40 users are talking: the bot
// stops within the grace period, every update it took got its answer,
// and the ones it had not taken are answered after a restart.
func TestStopUnderLoad(t *testing.T) {
	srv := telegramtest.NewServer(t, "555003:stop-token")
	db := filepath.Join(t.TempDir(), "bot.db")
	r := startRun(t, srv, db)
	const users, each = 40, 5
	for round := range each {
		for i := range users {
			u := telegramtest.User{ID: int64(4000 + i), FirstName: "U", LanguageCode: "en"}
			srv.SendText(u.ID, u, fmt.Sprintf("/checklist %d", round))
		}
	}
	time.Sleep(150 * time.Millisecond) // in the middle of it
	if took := r.stop(t); took > 11*time.Second {
		t.Errorf("stopping took %s", took)
	}
	pending := srv.Pending()
	answered := 0
	for i := range users {
		answered += len(srv.Sent(int64(4000 + i)))
	}
	t.Logf("at the stop: %d replies sent, %d updates not taken", answered, pending)
	if answered+pending < users*each {
		t.Fatalf("lost messages: %d answered + %d pending < %d sent", answered, pending, users*each)
	}
	r = startRun(t, srv, db)
	for i := range users {
		srv.WaitSent(t, int64(4000+i), each, 30*time.Second)
	}
	r.stop(t)
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
