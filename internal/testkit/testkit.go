// Package testkit holds what the tests of several packages need: the
// conversation engine loaded once, a store on a test's own directory, and
// a log buffer safe for the goroutines that write to it.
package testkit

import (
	"bytes"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

var (
	engineOnce  sync.Once
	engine      *conversation.Engine
	fixedOnce   sync.Once
	fixedEngine *conversation.Engine
)

func catalog() *conversation.Catalog {
	cat, err := conversation.LoadCatalog()
	if err != nil {
		panic("testkit: load content: " + err.Error())
	}
	return cat
}

// Engine is the engine on the real clock, built once per test binary:
// building it takes longer than most tests.
func Engine() *conversation.Engine {
	engineOnce.Do(func() { engine = conversation.NewEngine(catalog()) })
	return engine
}

// FixedNow is the time of FixedEngine's clock.
var FixedNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// FixedEngine is the engine with its clock stopped at FixedNow, for
// tests whose answers depend on the date.
func FixedEngine() *conversation.Engine {
	fixedOnce.Do(func() {
		fixedEngine = conversation.NewEngine(catalog(), conversation.WithClock(func() time.Time { return FixedNow }))
	})
	return fixedEngine
}

// OpenStore opens a new database in a directory the test owns and closes
// it when the test ends.
func OpenStore(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "clavebot.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// LogBuffer collects what a logger or a process writes while the test
// reads it.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
