package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/console"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/reminders"
	"github.com/clavebot/clavebot/store"
)

// errUsage marks a command line that could not be understood; the usage
// text has already been printed.
var errUsage = errors.New("usage")

// errNotConfigured is returned by run when no front end is configured.
var errNotConfigured = errors.New("no chat network is configured")

func exitCode(err error) int {
	switch {
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errNotConfigured):
		return 3
	}
	return 1
}

// Main is the program: its inputs, outputs and what it opened.
type Main struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	cfg            Config
	log            *slog.Logger
	db             *store.DB
	closers        []func() error // closed before db, last opened first
}

// NewMain returns a program reading and writing the given streams and
// taking configuration from getenv.
func NewMain(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *Main {
	return &Main{
		stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}

const usage = `Usage:
  clavebot chat [--db PATH] [--lang en|es]   talk to the bot in the terminal
  clavebot ask [--lang en|es] QUESTION...    print one answer and exit
  clavebot run                               serve the configured chat networks
  clavebot backup --to FILE                  consistent copy of the database, also while it runs
  clavebot health                            exit 0 when the running bot reports healthy
  clavebot config                            print the configuration read from the environment, secrets masked
`

// Run runs the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(m.stdout, usage)
		return nil
	}
	cfg, err := LoadConfig(m.getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	m.cfg = cfg
	switch args[0] {
	case "config":
		return m.cfg.Print(m.stdout)
	case "chat":
		return m.chat(ctx, args[1:])
	case "ask":
		return m.ask(ctx, args[1:])
	case "run":
		return m.run(ctx, args[1:])
	case "backup":
		return m.backup(ctx, args[1:])
	case "health":
		return m.health(ctx, args[1:])
	}
	fmt.Fprintf(m.stderr, "unknown command %q\n\n%s", args[0], usage)
	return errUsage
}

// Close releases what Run opened.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
	}
	return errors.Join(errs...)
}

func (m *Main) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.stderr)
	return fs
}

func (m *Main) chat(ctx context.Context, args []string) error {
	fs := m.flags("chat")
	dbPath := fs.String("db", m.cfg.DB, "bbolt database file")
	lang := fs.String("lang", "", "reply language until you choose one: en or es")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	clock, err := m.clock()
	if err != nil {
		return err
	}
	engine, err := m.engine(conversation.WithClock(clock))
	if err != nil {
		return err
	}
	go engine.Warm() // a person types slower than this builds
	if m.db, err = store.Open(*dbPath); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	// Reminders that fell due while the chat was closed are shown first.
	sweeper := reminders.NewSweeper(m.db, engine, reminders.WithClock(clock), reminders.WithLogger(m.log),
		reminders.Route(console.UserKey, console.Deliverer{Out: m.stdout}))
	if _, err := sweeper.Sweep(ctx); err != nil {
		m.log.Error("reminders not shown", "err", err)
	}
	svc := bot.NewService(m.db, engine, bot.WithLogger(m.log))
	c := &console.Chat{
		In: m.stdin, Out: m.stdout, LangHint: *lang,
		Handler:     bot.Chain(svc.Answer, bot.Recover(svc, m.log)),
		Interactive: isTerminal(m.stdin),
		Width:       terminalWidth(m.stdout),
		Errors:      func(err error) { m.log.Error("message not handled", "err", err) },
		// Files (a calendar event) go next to the database.
		FileDir: filepath.Dir(*dbPath),
	}
	return c.Run(ctx)
}

func (m *Main) ask(_ context.Context, args []string) error {
	fs := m.flags("ask")
	lang := fs.String("lang", "", "reply language: en or es (default: the question's)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	question := strings.Join(fs.Args(), " ")
	engine, err := m.engine()
	if err != nil {
		return err
	}
	// A one-off question has no history: an empty user, never saved, so
	// no greeting for a first contact either.
	u := conversation.User{Created: time.Now()}
	if l, ok := conversation.ParseLang(*lang); ok {
		u.Lang, u.LangChosen = l, true
	}
	d := engine.Handle(&u, conversation.Input{Text: question})
	return console.Print(m.stdout, d.Replies)
}

// clock is the bot's time: the real time, moved by CLAVEBOT_TIME_SHIFT to
// rehearse reminders.
func (m *Main) clock() (func() time.Time, error) {
	shift := m.cfg.TimeShift
	if shift == 0 {
		return time.Now, nil
	}
	m.log.Warn("CLAVEBOT_TIME_SHIFT is set: the bot's clock is moved, for rehearsing reminders only; never use it in production",
		"shift", shift.String(), "bot_time", time.Now().Add(shift).Format(time.RFC3339))
	return func() time.Time { return time.Now().Add(shift) }, nil
}

func (m *Main) engine(opts ...conversation.Option) (*conversation.Engine, error) {
	cat, err := conversation.LoadCatalog()
	if err != nil {
		return nil, fmt.Errorf("load content: %w", err)
	}
	if !m.cfg.KeepUnanswered {
		opts = append(opts, conversation.WithKeepUnanswered(false))
	}
	return conversation.NewEngine(cat, opts...), nil
}

func checkLang(s string) error {
	if s == "" {
		return nil
	}
	if _, ok := conversation.ParseLang(s); !ok || (s != "en" && s != "es") {
		return fmt.Errorf("--lang must be en or es, not %q", s)
	}
	return nil
}

// terminalWidth is the width to wrap replies to: the terminal's, 80 when
// it cannot be told, and 0 (no wrapping) when the output is not a
// terminal, so that scripts read each reply's lines as they are.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
		return cols
	}
	return 80
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
