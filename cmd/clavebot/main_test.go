package main_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
)

// binary is the clavebot command built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "clavebot-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "clavebot")
	build := exec.Command("go", "build", "-tags", "goolm", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build clavebot: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// clavebot runs the built binary with input on stdin and returns stdout,
// stderr and the exit code.
func clavebot(t testing.TB, env []string, input string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(input)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestChatProgressSurvivesRestart runs `chat` with piped input twice on
// one database: what the first run recorded is there in the second.
func TestChatProgressSurvivesRestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bot.db")
	out, stderr, code := clavebot(t, nil, "/checklist\n1\nyes i know it\n/letter\n3\n20/11/2026\n", "chat", "--db", db, "--lang", "en")
	if code != 0 {
		t.Fatalf("first run exited %d: %s", code, stderr)
	}
	if !strings.Contains(out, "2 of 5 ready") {
		t.Errorf("first run did not tick two items:\n%s", out)
	}
	out, stderr, code = clavebot(t, []string{"CLAVEBOT_DB=" + db}, "/mydata\n/checklist\n", "chat")
	if code != 0 {
		t.Fatalf("second run exited %d: %s", code, stderr)
	}
	for _, want := range []string{"Date printed on the letter: 20 November 2026", "2 of 5 ready", "[1] "} {
		if !strings.Contains(out, want) {
			t.Errorf("second run lacks %q:\n%s", want, out)
		}
	}
}

func TestAsk(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ask", "how", "long", "is", "the", "csv", "code", "valid"}, "60"},
		{[]string{"ask", "--lang", "es", "what", "is", "cl@ve"}, "Cl@ve"},
		{[]string{"ask", "what's the weather like in Seville"}, "only help with Cl@ve"},
		{[]string{"ask"}, "Which way should I register?"},
	}
	for _, tt := range tests {
		out, stderr, code := clavebot(t, nil, "", tt.args...)
		if code != 0 {
			t.Errorf("%v exited %d: %s", tt.args, code, stderr)
		}
		if !strings.Contains(out, tt.want) {
			t.Errorf("%v: output lacks %q:\n%s", tt.args, tt.want, out)
		}
	}
}

func TestRunWithoutFrontEndsExplains(t *testing.T) {
	_, stderr, code := clavebot(t, []string{"TELEGRAM_BOT_TOKEN=", "MATRIX_HOMESERVER="}, "", "run")
	if code == 0 {
		t.Fatal("run with nothing configured exited 0")
	}
	for _, want := range []string{"TELEGRAM_BOT_TOKEN", "MATRIX_HOMESERVER", "MATRIX_ACCESS_TOKEN"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %s:\n%s", want, stderr)
		}
	}
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"dance"}, {"chat", "--lang", "fr"}, {"ask", "--nope"}} {
		if _, _, code := clavebot(t, nil, "", args...); code == 0 {
			t.Errorf("%v exited 0", args)
		}
	}
}

func TestDatabaseInUse(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bot.db")
	holder := exec.Command(binary, "chat", "--db", db)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); holder.Wait() }()
	// The first process has the database open once it answers.
	if _, err := stdin.Write([]byte("/help\n")); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "/forget") {
	}
	go io.Copy(io.Discard, stdout)
	_, stderr, code := clavebot(t, nil, "hi\n", "chat", "--db", db)
	if code == 0 || !strings.Contains(stderr, "in use") {
		t.Errorf("second process: exit %d, stderr %q; want a non-zero exit saying the database is in use", code, stderr)
	}
}

// BenchmarkAskProcess measures a cold `clavebot ask` as a whole process:
// start, load the content, build the interpreter, answer, exit. With
// CLAVEBOT_PEER_BINARY set to another build (an earlier version, say), it
// measures that one too in the same run, so the two can be compared.
func BenchmarkAskProcess(b *testing.B) {
	bins := [][2]string{{"clavebot", binary}}
	if peer := os.Getenv("CLAVEBOT_PEER_BINARY"); peer != "" {
		bins = append(bins, [2]string{"peer", peer})
	}
	for _, bin := range bins {
		b.Run(bin[0], func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(bin[1], "ask", "my sms with the pin never arrives")
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRunServesTelegram starts `clavebot run` as a process against a fake
// Bot API: it answers, stops cleanly on SIGTERM, and never logs the token.
func TestRunServesTelegram(t *testing.T) {
	const token = "424242:SECRET-run-token"
	srv := telegramtest.NewServer(t, token, telegramtest.WithBotUsername("clave_run_bot"))
	cmd := exec.Command(binary, "run")
	cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+token, "TELEGRAM_API_URL="+srv.URL(),
		"CLAVEBOT_DB="+filepath.Join(t.TempDir(), "bot.db"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ana := telegramtest.User{ID: 77, FirstName: "Ana", LanguageCode: "es"}
	srv.SendText(ana.ID, ana, "/start")
	msgs := srv.WaitSent(t, ana.ID, 1, 20*time.Second)
	if !strings.Contains(msgs[0].PlainText, "¡Hola!") {
		t.Errorf("greeting %q", msgs[0].PlainText)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("run after SIGTERM: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "SECRET-run-token") {
		t.Errorf("the token reached the log:\n%s", stderr.String())
	}
}

func TestRunWithBadTokenExplains(t *testing.T) {
	srv := telegramtest.NewServer(t, "1:right")
	_, stderr, code := clavebot(t, []string{"TELEGRAM_BOT_TOKEN=1:wrong", "TELEGRAM_API_URL=" + srv.URL(),
		"CLAVEBOT_DB=" + filepath.Join(t.TempDir(), "bot.db")}, "", "run")
	if code == 0 || !strings.Contains(stderr, "refused the bot token") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestConfigCommand: `clavebot config` shows what a deployment would run
// with, secrets masked, and a bad value stops it naming the variable.
func TestConfigCommand(t *testing.T) {
	out, errOut, code := clavebot(t, []string{"TELEGRAM_BOT_TOKEN=424242:very-secret-token", "TELEGRAM_RATE_LIMIT=off",
		"CLAVEBOT_DB=/var/lib/clavebot/clavebot.db"}, "", "config")
	if code != 0 || strings.Contains(out, "very-secret") || !strings.Contains(out, "/var/lib/clavebot/clavebot.db") ||
		!strings.Contains(out, "TELEGRAM_BOT_TOKEN        (set, 24 characters)") || !strings.Contains(out, "off (no limits") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = clavebot(t, []string{"CLAVEBOT_LOG_LEVEL=chatty"}, "", "config")
	if code != 1 || !strings.Contains(errOut, "CLAVEBOT_LOG_LEVEL") || !strings.Contains(errOut, "debug, info, warn or error") {
		t.Errorf("bad level: exit %d, %s", code, errOut)
	}
}
