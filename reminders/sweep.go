package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

// Store is what a sweep needs from the database (store.DB).
type Store interface {
	Due(now time.Time, limit int) ([]store.Due, error)
	User(key string) (conversation.User, bool, error)
	Update(key string, fn func(u *conversation.User, exists bool) (forget bool, err error)) error
}

// Sweeper sends due reminders.
type Sweeper struct {
	db      Store
	engine  *conversation.Engine
	routes  map[string]bot.Deliverer
	now     func() time.Time
	log     *slog.Logger
	timeout time.Duration
	observe func(Stats, time.Duration)
}

// WithObserver reports each sweep's counts and duration, for metrics.
func WithObserver(fn func(Stats, time.Duration)) Option { return func(s *Sweeper) { s.observe = fn } }

// Option configures a Sweeper.
type Option func(*Sweeper)

// WithClock makes the sweeper read time from now (tests, rehearsals).
func WithClock(now func() time.Time) Option { return func(s *Sweeper) { s.now = now } }

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option { return func(s *Sweeper) { s.log = l } }

// Route sends the reminders of users whose key starts with prefix ("tg:")
// through d.
func Route(prefix string, d bot.Deliverer) Option {
	return func(s *Sweeper) { s.routes[prefix] = d }
}

// NewSweeper returns a sweeper over db, rendering with engine.
func NewSweeper(db Store, engine *conversation.Engine, opts ...Option) *Sweeper {
	s := &Sweeper{db: db, engine: engine, routes: map[string]bot.Deliverer{}, now: time.Now,
		log: slog.New(slog.DiscardHandler), timeout: 2 * time.Minute}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Stats counts what one sweep did.
type Stats struct {
	Due     int // users with a reminder due
	Sent    int // reminders the platform accepted
	Dropped int // reminders that no longer apply, or whose user blocked the bot
	Failed  int // temporary failures, left for the next sweep
}

// Job is one reminder ready to hand to a front end.
type Job struct {
	User    string
	Due     time.Time
	Replies []bot.Reply
	to      bot.Deliverer
}

// Collect reads what is due and renders it: for each user, only the most
// recent reminder due (the older ones are superseded by it). Reminders that
// no longer apply are taken off here. This is the sweep up to handing
// messages to the front ends.
func (s *Sweeper) Collect(now time.Time) ([]Job, Stats, error) {
	var st Stats
	due, err := s.db.Due(now, 0)
	if err != nil {
		return nil, st, err
	}
	latest := map[string]time.Time{}
	var order []string
	for _, d := range due {
		if s.route(d.User) == nil {
			// Another process serves this front end (the terminal chat
			// sweeps its own user when it starts).
			continue
		}
		if _, seen := latest[d.User]; !seen {
			order = append(order, d.User)
		}
		if d.At.After(latest[d.User]) {
			latest[d.User] = d.At
		}
	}
	st.Due = len(order)
	var jobs []Job
	for _, key := range order {
		at := latest[key]
		u, exists, err := s.db.User(key)
		if err != nil {
			s.log.Error("reminders: read user", "user", key, "err", err)
			st.Failed++
			continue
		}
		var d conversation.Decision
		if exists && !u.Blocked {
			d = s.engine.RemindNow(&u, at)
		}
		if len(d.Replies) == 0 {
			// Nothing left to remind about, or a user who blocked the
			// bot: take the reminders off rather than retry forever.
			s.drop(key, at, exists && u.Blocked)
			st.Dropped++
			continue
		}
		jobs = append(jobs, Job{User: key, Due: at, Replies: d.Replies, to: s.route(key)})
	}
	return jobs, st, nil
}

// Sweep sends every reminder due now, one at a time, each committed as
// soon as its platform accepted it.
func (s *Sweeper) Sweep(ctx context.Context) (st Stats, err error) {
	start := time.Now()
	defer func() {
		if s.observe != nil {
			s.observe(st, time.Since(start))
		}
	}()
	jobs, st, err := s.Collect(s.now())
	if err != nil {
		return st, fmt.Errorf("collect due reminders: %w", err)
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		switch err := s.deliver(ctx, j); {
		case err == nil:
			st.Sent++
		case errors.Is(err, bot.ErrBlocked):
			st.Dropped++
		default:
			st.Failed++
			s.log.Warn("reminders: not delivered, will retry", "user", j.User, "err", err)
		}
	}
	if st.Due > 0 {
		s.log.Info("reminders: sweep done", "due", st.Due, "sent", st.Sent, "dropped", st.Dropped, "failed", st.Failed)
	}
	return st, nil
}

func (s *Sweeper) deliver(ctx context.Context, j Job) error {
	sendCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err := j.to.Deliver(sendCtx, j.User, j.Replies)
	switch {
	case errors.Is(err, bot.ErrBlocked):
		s.log.Info("reminders: user blocked the bot; their reminders are dropped", "user", j.User)
		s.drop(j.User, j.Due, true)
		return err
	case err != nil:
		return err
	}
	// The platform has the message: from here to the commit is the only
	// window in which a crash would send it again.
	if err := s.db.Update(j.User, func(u *conversation.User, exists bool) (bool, error) {
		if !exists {
			return true, nil // forgotten meanwhile: do not recreate
		}
		s.engine.RemindNow(u, j.Due)
		return false, nil
	}); err != nil {
		return fmt.Errorf("commit sent reminder: %w", err)
	}
	if c, ok := s.db.(interface{ CountReminderSent(time.Time) error }); ok {
		if err := c.CountReminderSent(s.now()); err != nil {
			s.log.Warn("reminders: sent reminder not counted", "err", err)
		}
	}
	return nil
}

// drop takes a user's reminders due up to at off the schedule; blocked
// users lose all of them.
func (s *Sweeper) drop(key string, at time.Time, all bool) {
	err := s.db.Update(key, func(u *conversation.User, exists bool) (bool, error) {
		if !exists {
			return true, nil
		}
		if all {
			u.Reminders = nil
			return false, nil
		}
		s.engine.RemindNow(u, at)
		return false, nil
	})
	if err != nil {
		s.log.Error("reminders: drop reminder", "user", key, "err", err)
	}
}

func (s *Sweeper) route(key string) bot.Deliverer {
	for prefix, d := range s.routes {
		if strings.HasPrefix(key, prefix) {
			return d
		}
	}
	return nil
}
