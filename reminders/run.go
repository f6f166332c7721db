package reminders

import (
	"context"
	"errors"
	"log/slog"

	"github.com/robfig/cron/v3"
)

// DefaultSpec is the sweep schedule a deployment gets unless it sets one.
const DefaultSpec = "@every 1m"

// Run sweeps once at once (catching up on what fell due while the bot was
// down) and then on sched until ctx ends (cron.ParseStandard makes one). A sweep still running when the
// next is due makes that one skip, and a panic in a sweep is logged
// without stopping the schedule. Run returns once the running sweep, if
// any, has finished.
func Run(ctx context.Context, s *Sweeper, sched cron.Schedule) error {
	if sched == nil {
		return errors.New("reminders: no schedule")
	}
	logger := cronLogger{s.log}
	job := cron.NewChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)).Then(cron.FuncJob(func() {
		if _, err := s.Sweep(ctx); err != nil {
			s.log.Error("reminders: sweep", "err", err)
		}
	}))
	c := cron.New(cron.WithLogger(logger))
	c.Schedule(sched, job)
	c.Start()
	job.Run()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// cronLogger lets cron log through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
