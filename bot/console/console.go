// Package console is the terminal front end of clavebot: `clavebot chat`
// and `clavebot ask`.
//
// On a terminal it is an interactive chat. When standard input is not a
// terminal it reads one user message a line and prints each reply, buttons
// as "[n] Label" lines, so conversations can be scripted and tested. The
// user answers buttons with their number or their label.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/clavebot/clavebot/bot"
)

// UserKey is the key of the single local user of the terminal chat.
const UserKey = "cli:local"

// Chat runs a conversation between a terminal and a bot handler.
type Chat struct {
	In      io.Reader
	Out     io.Writer
	Handler bot.Handler
	// LangHint is passed with every message, like a platform language.
	LangHint string
	// Interactive shows a prompt and opens with the menu (or the step the
	// user left unfinished).
	Interactive bool
	// Errors receives handling errors for logging; the user sees the
	// handler's apology instead.
	Errors func(error)
	// Width wraps replies at word boundaries to that many columns (the
	// terminal's); 0 leaves them unwrapped.
	Width int
	// FileDir is where files that come with replies (a calendar event)
	// are written; the chat prints each path. Empty: the working
	// directory.
	FileDir string
}

// Run reads messages until the input ends or ctx is done.
func (c *Chat) Run(ctx context.Context) error {
	r := bufio.NewReader(c.In)
	if c.Interactive {
		if err := c.send(ctx, bot.Message{Action: "nav:resume"}); err != nil {
			return err
		}
	}
	for {
		if c.Interactive {
			fmt.Fprint(c.Out, "> ")
		}
		line, err := r.ReadString('\n')
		if line != "" || err == nil {
			if err := c.send(ctx, bot.Message{Text: strings.TrimRight(line, "\r\n")}); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read input: %w", err)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

func (c *Chat) send(ctx context.Context, m bot.Message) error {
	m.UserKey, m.LangHint = UserKey, c.LangHint
	out, err := c.Handler(ctx, m)
	if err != nil && c.Errors != nil {
		c.Errors(err)
	}
	replies := make([]bot.Reply, len(out))
	for i, o := range out {
		replies[i] = o.Reply
	}
	if ctx.Err() != nil {
		return nil
	}
	for i, r := range replies {
		if r.File == nil {
			continue
		}
		path, err := SaveFile(c.FileDir, r.File)
		if err != nil {
			if c.Errors != nil {
				c.Errors(err)
			}
			continue
		}
		replies[i].Text += "\n→ " + path
	}
	return PrintWrapped(c.Out, replies, c.Width)
}

// SaveFile writes f into dir under its own name, readable by the user
// only, and returns its path.
func SaveFile(dir string, f *bot.File) (string, error) {
	name := filepath.Base(f.Name)
	if name == "." || name == "/" || name == "" {
		return "", errors.New("console: a file without a name")
	}
	path := filepath.Join(dir, name)
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		return "", fmt.Errorf("console: save %s: %w", name, err)
	}
	return path, nil
}

// Print writes replies as plain text: the text, then each link as
// "Title: URL", then each button as "[n] Label", and a blank line.
func Print(w io.Writer, replies []bot.Reply) error { return PrintWrapped(w, replies, 0) }

// PrintWrapped is Print with every line wrapped to width (see Wrap).
func PrintWrapped(w io.Writer, replies []bot.Reply, width int) error {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(Wrap(r.Text, width))
		b.WriteString("\n")
		for _, l := range r.Links {
			b.WriteString(Wrap("→ "+l.Title+": "+l.URL, width) + "\n")
		}
		for i, btn := range r.Buttons {
			b.WriteString(Wrap("["+strconv.Itoa(i+1)+"] "+btn.Label, width) + "\n")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Deliverer prints reminders for the terminal's user, who is there only
// while the chat runs: the chat sweeps its reminders when it starts.
type Deliverer struct{ Out io.Writer }

// Deliver prints the replies.
func (d Deliverer) Deliver(_ context.Context, _ string, replies []bot.Reply) error {
	return Print(d.Out, replies)
}
