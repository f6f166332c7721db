package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/telegram"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/metrics"
	"github.com/clavebot/clavebot/reminders"
	"github.com/clavebot/clavebot/store"
)

// shutdownGrace is how long a stop may take to finish the messages in
// hand and the running sweep.
const shutdownGrace = 10 * time.Second

// frontEnd is what run needs of each chat network.
type frontEnd interface {
	Run(ctx context.Context) error
	Deliver(ctx context.Context, key string, replies []bot.Reply) error
}

// starter connects a configured front end.
type starter func(ctx context.Context, svc *bot.Service, dbPath string, log *slog.Logger) (network, error)

// network is a configured front end with its name and user key prefix.
type network struct {
	name   string
	prefix string
	fe     frontEnd
}

const notConfigured = `clavebot run serves the chat networks configured in the environment, and none is.
Set one of:
  TELEGRAM_BOT_TOKEN                      to serve Telegram (see README.md)
  MATRIX_HOMESERVER, MATRIX_USER_ID and
  MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN  to serve Matrix
To try the bot without any account, run: clavebot chat
`

func (m *Main) run(ctx context.Context, args []string) error {
	fs := m.flags("run")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if !m.cfg.GOGCSet {
		// The live heap is small (tens of MB, mostly the content's
		// indexes), and under load the collector's default pace costs
		// more than the memory it saves: 200 measured 8% more updates a
		// second for 10 MB more (docs/performance.md).
		debug.SetGCPercent(200)
	}
	tg := m.cfg.Telegram
	startMatrix, err := m.matrixStarter()
	if err != nil {
		return err
	}
	if tg.Token == "" && startMatrix == nil {
		fmt.Fprint(m.stderr, notConfigured)
		return errNotConfigured
	}
	log, err := m.logger()
	if err != nil {
		return err
	}
	m.log = log
	clock, err := m.clock()
	if err != nil {
		return err
	}
	engine, err := m.engine(conversation.WithClock(clock))
	if err != nil {
		return err
	}
	go engine.Warm()
	dbPath := m.cfg.DB
	if m.db, err = store.Open(dbPath); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	if n := m.db.Lost(); n > 0 {
		log.Error("messages and replies waiting in the database could not be read: their key file "+dbPath+store.KeyFileSuffix+" is gone", "dropped", n)
	}
	met := metrics.New()
	svc := bot.NewService(m.db, engine, bot.WithLogger(log), bot.WithObserver(met),
		bot.WithAdmins(m.cfg.Admins...))

	var nets []network
	if tg.Token != "" {
		limits := m.cfg.TelegramRate.outboxOptions()
		fe, err := telegram.New(ctx, tg, svc, telegram.WithLogger(log),
			telegram.WithOutbox(append(limits, telegram.WithOnRetry(met.Retried("tg")))...))
		if errors.Is(err, telegram.ErrBadToken) {
			return fmt.Errorf("%w: check TELEGRAM_BOT_TOKEN", err)
		}
		if err != nil {
			return err
		}
		log.Info("telegram: connected", "bot", "@"+fe.Username())
		nets = append(nets, network{"telegram", telegram.KeyPrefix, fe})
	}
	if startMatrix != nil {
		n, err := startMatrix(ctx, svc, dbPath, log)
		if err != nil {
			return err
		}
		nets = append(nets, n)
	}
	opts := []reminders.Option{reminders.WithClock(clock), reminders.WithLogger(log), reminders.WithObserver(met.Swept)}
	for _, n := range nets {
		opts = append(opts, reminders.Route(n.prefix, n.fe))
	}
	sweeper := reminders.NewSweeper(m.db, engine, opts...)

	if listen := m.cfg.Listen; listen != "" {
		stop, err := m.serveOps(listen, met, nets, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	log.Info("clavebot is running", "db", m.db.Path(), "reminders", m.cfg.ReminderSpec)
	return runAll(ctx, log, nets, func(ctx context.Context) error { return reminders.Run(ctx, sweeper, m.cfg.Reminders) })
}

// runAll runs every front end and the reminders until ctx ends or one of
// them fails, then gives them shutdownGrace to finish what they hold.
func runAll(ctx context.Context, log *slog.Logger, nets []network, sweep func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(nets)+1)
	for i, n := range nets {
		wg.Go(func() {
			if errs[i] = n.fe.Run(ctx); errs[i] != nil {
				errs[i] = fmt.Errorf("%s: %w", n.name, errs[i])
			}
			cancel()
		})
	}
	wg.Go(func() { errs[len(nets)] = sweep(ctx) })
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		log.Info("clavebot: stopping; finishing the messages in hand")
		select {
		case <-done:
		case <-time.After(shutdownGrace):
			return fmt.Errorf("stop took over %s; exiting with work in hand", shutdownGrace)
		}
	}
	return errors.Join(errs...)
}

// logger builds the log CLAVEBOT_LOG_FORMAT and CLAVEBOT_LOG_LEVEL ask for.
func (m *Main) logger() (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: m.cfg.LogLevel}
	if m.cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.stderr, opts)), nil
	}
	return slog.New(slog.NewTextHandler(m.stderr, opts)), nil
}

// loopbackURL turns a listen address into one a local client can dial.
func loopbackURL(listen, path string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen + path
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path
}
