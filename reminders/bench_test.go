package reminders_test

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/reminders"
	"github.com/clavebot/clavebot/store"
)

// The benchmark's world is fixed in time, so that a database built once
// stays valid for every later run: nothing stored depends on time.Now.
var benchNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

const (
	// benchDueUsers have a reminder due at benchNow; every other user's
	// reminders are all in the future.
	benchDueUsers = 1000

	// benchDataVersion names the records benchUser makes and the way
	// store.Import lays them out. Bump it when either changes, so that
	// cached databases are rebuilt.
	benchDataVersion = "v2"
)

// benchDBPath is where the database with n tracked users is cached between
// runs: building a million users takes a while, reading them back does
// not. A file is only ever complete (it is built under another name and
// renamed), so a missing file is the only reason to build. Delete the
// files to force a rebuild; files of older versions are deleted when a
// size is rebuilt.
func benchDBPath(n int) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("clavebot-bench-%d-%s.db", n, benchDataVersion))
}

// benchUser is user i of n: a user who tracks an invitation letter, with
// a language, some checklist ticks, the letter's dates and its six
// reminders. One user in n/benchDueUsers, spread over the key space, got
// their letter 30 days before benchNow, so the first reminder falls due
// this morning at 10:00 local (09:00 or 10:00 UTC); every other letter is
// 3 to 29 days old, with all six reminders between tomorrow and 57 days
// ahead.
func benchUser(i, n int) conversation.User {
	today := conversation.DateOf(benchNow)
	u := conversation.User{
		Lang:       conversation.English,
		LangChosen: i%2 == 0,
		Checklist:  map[string]bool{},
		Route:      "letter",
		Offered:    []string{"flow:registered", "rem:snooze", "rem:stop", "fix:csv_expired"},
		Created:    benchNow.Add(-time.Duration(40*24+i%(20*24)) * time.Hour),
	}
	if i%3 == 0 {
		u.Lang = conversation.Spanish
	}
	if i%10 == 0 {
		u.TimeZone = "Atlantic/Canary"
	}
	for _, item := range []string{"document", "support", "mobile", "email", "tax_address"}[:1+i%5] {
		u.Checklist[item] = true
	}
	dated := today.AddDays(-(3 + i%27))
	if i%(n/benchDueUsers) == 0 {
		dated = today.AddDays(-30)
	}
	u.Letter = conversation.Letter{RequestedOn: dated.AddDays(-4), Dated: dated, ArrivedOn: dated.AddDays(2)}
	u.Reminders = conversation.ReminderTimes(dated, u.Location(), time.Time{})
	u.LastSeen = u.Created.Add(time.Duration(1+i%30) * time.Hour)
	return u
}

func benchKey(i int) string { return "tg:" + strconv.Itoa(100_000_000+i) }

func benchUsers(n int) iter.Seq2[string, conversation.User] {
	return func(yield func(string, conversation.User) bool) {
		for i := range n {
			if !yield(benchKey(i), benchUser(i, n)) {
				return
			}
		}
	}
}

// benchDB returns the cached database of n users, building it if needed.
func benchDB(b *testing.B, n int) string {
	path := benchDBPath(n)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("clavebot-bench-%d-*.db", n)))
	for _, f := range old {
		_ = os.Remove(f)
	}
	tmp := fmt.Sprintf("%s.tmp-%d", path, os.Getpid())
	_ = os.Remove(tmp)
	start := time.Now()
	db, err := store.Open(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Import(benchUsers(n)); err != nil {
		_ = db.Close()
		_ = os.Remove(tmp)
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		_ = os.Remove(tmp)
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s with %d users in %s", path, n, time.Since(start).Round(time.Millisecond))
	return path
}

// discard accepts every reminder and sends nothing.
type discard struct{}

func (discard) Deliver(context.Context, string, []bot.Reply) error { return nil }

// BenchmarkCollect measures a sweep up to handing the messages to the front
// ends (Sweeper.Collect: the due index's range scan, loading each due user,
// rendering their reminder) with benchDueUsers reminders due, among a
// growing number of tracked users. Its cost should follow what is due, not
// how many users there are. Databases are cached in os.TempDir() (see
// benchDBPath); the first run of the largest size takes minutes to build.
//
// Collect renders on a copy of each record and writes nothing, so every
// iteration sees the same reminders due.
func BenchmarkCollect(b *testing.B) {
	cat, err := conversation.LoadCatalog()
	if err != nil {
		b.Fatal(err)
	}
	clock := func() time.Time { return benchNow }
	engine := conversation.NewEngine(cat, conversation.WithClock(clock))
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		var db *store.DB
		b.Run("users="+strconv.Itoa(n), func(b *testing.B) {
			if db == nil {
				opened, err := store.Open(benchDB(b, n))
				if err != nil {
					b.Fatal(err)
				}
				db = opened
			}
			fi, err := os.Stat(db.Path())
			if err != nil {
				b.Fatal(err)
			}
			s := reminders.NewSweeper(db, engine, reminders.WithClock(clock), reminders.Route("tg:", discard{}))
			jobs, st, err := s.Collect(benchNow)
			if err != nil {
				b.Fatal(err)
			}
			if len(jobs) != benchDueUsers || st.Due != benchDueUsers || st.Dropped != 0 || st.Failed != 0 {
				b.Fatalf("Collect: %d jobs, %+v; want %d due and ready", len(jobs), st, benchDueUsers)
			}

			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := s.Collect(benchNow); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(fi.Size())/float64(n), "bytes/user")
		})
		if db != nil {
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
