package console_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/console"
)

// echo answers each message with its text or action and two buttons.
// replies makes a handler of a function returning plain replies.
func replies(f func(context.Context, bot.Message) ([]bot.Reply, error)) bot.Handler {
	return func(ctx context.Context, m bot.Message) ([]bot.Outgoing, error) {
		rs, err := f(ctx, m)
		out := make([]bot.Outgoing, len(rs))
		for i, r := range rs {
			out[i] = bot.Outgoing{To: m.To, Reply: r}
		}
		return out, err
	}
}

var echo = replies(echoReplies)

func echoReplies(_ context.Context, m bot.Message) ([]bot.Reply, error) {
	if m.Text == "fail" {
		return []bot.Reply{{Text: "sorry"}}, errors.New("broken")
	}
	return []bot.Reply{{
		Text:    "got " + m.Text + m.Action + " as " + m.UserKey + " in " + m.LangHint,
		Links:   []bot.Link{{Title: "Official page", URL: "https://clave.gob.es/"}},
		Buttons: []bot.Button{{Label: "Yes", Data: "a:yes"}, {Label: "No", Data: "a:no"}},
	}}, nil
}

func TestPipedChat(t *testing.T) {
	var out strings.Builder
	var errs []error
	c := &console.Chat{
		In: strings.NewReader("hello\r\n\nfail\nlast line without newline"), Out: &out,
		Handler: echo, LangHint: "es", Errors: func(err error) { errs = append(errs, err) },
	}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "got hello as cli:local in es\n→ Official page: https://clave.gob.es/\n[1] Yes\n[2] No\n\n" +
		"got  as cli:local in es\n→ Official page: https://clave.gob.es/\n[1] Yes\n[2] No\n\n" +
		"sorry\n\n" +
		"got last line without newline as cli:local in es\n→ Official page: https://clave.gob.es/\n[1] Yes\n[2] No\n\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if len(errs) != 1 {
		t.Errorf("errors reported: %v", errs)
	}
}

func TestInteractiveChatOpensWithResume(t *testing.T) {
	var out strings.Builder
	c := &console.Chat{In: strings.NewReader(""), Out: &out, Handler: echo, Interactive: true}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "got nav:resume") || !strings.HasSuffix(out.String(), "> ") {
		t.Errorf("output %q", out.String())
	}
}

func TestCancelledChatStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out strings.Builder
	c := &console.Chat{In: strings.NewReader("one\ntwo\n"), Out: &out, Handler: echo}
	if err := c.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "two") {
		t.Errorf("kept reading after cancellation: %q", out.String())
	}
}

func TestFilesAreSavedAndTheirPathPrinted(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	withFile := replies(func(context.Context, bot.Message) ([]bot.Reply, error) {
		return []bot.Reply{{Text: "here", File: &bot.File{Name: "../../event.ics", MIME: "text/calendar", Data: []byte("BEGIN:VCALENDAR\r\n")}}}, nil
	})
	c := &console.Chat{In: strings.NewReader("calendar\n"), Out: &out, Handler: withFile, FileDir: dir}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "event.ics")
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "BEGIN:VCALENDAR\r\n" {
		t.Fatalf("file %s: %q, %v", path, data, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(out.String(), "→ "+path) {
		t.Errorf("output %q does not give the path %s", out.String(), path)
	}
}
