package store_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

// MustOpen opens a new database in a directory the test owns and closes it
// when the test ends.
func MustOpen(tb testing.TB, opts ...store.Option) *store.DB {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "clavebot.db"), opts...)
}

// MustOpenPath opens the database at path and closes it when the test ends;
// closing it earlier, to reopen the file, is fine.
func MustOpenPath(tb testing.TB, path string, opts ...store.Option) *store.DB {
	tb.Helper()
	db, err := store.Open(path, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// MustReopen closes db and opens its file again, as a restart would.
func MustReopen(tb testing.TB, db *store.DB) *store.DB {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return MustOpenPath(tb, db.Path())
}

// MustOpenBolt opens a file with bbolt directly, to arrange or inspect what
// the store would not write itself.
func MustOpenBolt(tb testing.TB, path string) *bbolt.DB {
	tb.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

var (
	day0 = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)
	day1 = day0.Add(26 * time.Hour)
)

// typicalUser is a user halfway through: language chosen, a troubleshooting
// flow open, the checklist mostly ticked, the letter dated.
func typicalUser() conversation.User {
	return conversation.User{
		Lang:       conversation.Spanish,
		LangChosen: true,
		TimeZone:   "Atlantic/Canary",
		Flow: conversation.Flow{
			Name:    "fix:sms_not_arriving",
			Step:    "own_number",
			Answers: map[string]string{"same_number": "yes", "roaming": "no"},
			Since:   day1,
		},
		Offered:   []string{"fix:sms_not_arriving:yes", "fix:sms_not_arriving:no", "menu"},
		Checklist: map[string]bool{"id_document": true, "support_number": true, "own_mobile": true, "email": true},
		Route:     "letter",
		Letter: conversation.Letter{
			RequestedOn: conversation.Date{Year: 2025, Month: 2, Day: 20},
			ArrivedOn:   conversation.Date{Year: 2025, Month: 3, Day: 6},
			Dated:       conversation.Date{Year: 2025, Month: 2, Day: 27},
		},
		Created:  day0,
		LastSeen: day1,
	}
}

// step is one call to Update, with what fn must be shown and what it does.
type step struct {
	wantExists bool
	wantSeen   conversation.User
	do         func(u *conversation.User) (forget bool, err error)
	wantErr    error
}

var errDecline = errors.New("decline")

func TestDB_Update(t *testing.T) {
	setLang := func(u *conversation.User) (bool, error) {
		u.Lang = conversation.English
		u.Created = day0
		return false, nil
	}
	langOnly := conversation.User{Lang: conversation.English, Created: day0}
	langAndTick := conversation.User{Lang: conversation.English, Created: day0, Checklist: map[string]bool{"email": true}}

	tests := []struct {
		name       string
		steps      []step
		wantExists bool
		want       conversation.User
	}{
		{
			name:       "create",
			steps:      []step{{do: setLang}},
			wantExists: true,
			want:       langOnly,
		},
		{
			name: "create empty record",
			steps: []step{{do: func(*conversation.User) (bool, error) {
				return false, nil
			}}},
			wantExists: true,
		},
		{
			name: "update sees the stored record",
			steps: []step{
				{do: setLang},
				{wantExists: true, wantSeen: langOnly, do: func(u *conversation.User) (bool, error) {
					u.Checklist = map[string]bool{"email": true}
					return false, nil
				}},
			},
			wantExists: true,
			want:       langAndTick,
		},
		{
			name: "typical record round trip",
			steps: []step{{do: func(u *conversation.User) (bool, error) {
				*u = typicalUser()
				return false, nil
			}}},
			wantExists: true,
			want:       typicalUser(),
		},
		{
			name: "forget",
			steps: []step{
				{do: setLang},
				{wantExists: true, wantSeen: langOnly, do: func(*conversation.User) (bool, error) {
					return true, nil
				}},
			},
		},
		{
			name: "forget then come back",
			steps: []step{
				{do: setLang},
				{wantExists: true, wantSeen: langOnly, do: func(*conversation.User) (bool, error) {
					return true, nil
				}},
				{do: setLang},
			},
			wantExists: true,
			want:       langOnly,
		},
		{
			name: "forget unknown user",
			steps: []step{{do: func(*conversation.User) (bool, error) {
				return true, nil
			}}},
		},
		{
			name: "error rolls back changes",
			steps: []step{
				{do: setLang},
				{wantExists: true, wantSeen: langOnly, wantErr: errDecline, do: func(u *conversation.User) (bool, error) {
					u.Lang = conversation.Spanish
					u.Checklist = map[string]bool{"email": true}
					return false, errDecline
				}},
			},
			wantExists: true,
			want:       langOnly,
		},
		{
			name: "error rolls back a forget",
			steps: []step{
				{do: setLang},
				{wantExists: true, wantSeen: langOnly, wantErr: errDecline, do: func(*conversation.User) (bool, error) {
					return true, errDecline
				}},
			},
			wantExists: true,
			want:       langOnly,
		},
		{
			name: "error creates nothing",
			steps: []step{{wantErr: errDecline, do: func(u *conversation.User) (bool, error) {
				u.Lang = conversation.Spanish
				return false, errDecline
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := MustOpen(t)
			const key = "tg:123456"
			for i, s := range tt.steps {
				err := db.Update(key, func(u *conversation.User, exists bool) (bool, error) {
					if exists != s.wantExists || !reflect.DeepEqual(*u, s.wantSeen) {
						t.Errorf("step %d: fn got exists=%v %+v, want exists=%v %+v", i, exists, *u, s.wantExists, s.wantSeen)
					}
					return s.do(u)
				})
				if !errors.Is(err, s.wantErr) {
					t.Fatalf("step %d: Update: %v, want %v", i, err, s.wantErr)
				}
			}

			db = MustReopen(t, db)
			got, exists, err := db.User(key)
			if err != nil {
				t.Fatal(err)
			}
			if exists != tt.wantExists || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("after reopen: exists=%v %+v, want exists=%v %+v", exists, got, tt.wantExists, tt.want)
			}
		})
	}
}

func TestDB_User_ReturnsACopy(t *testing.T) {
	db := MustOpen(t)
	if err := db.Update("cli:local", func(u *conversation.User, _ bool) (bool, error) {
		*u = typicalUser()
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	u, _, err := db.User("cli:local")
	if err != nil {
		t.Fatal(err)
	}
	u.Checklist["email"] = false
	u.Flow.Answers["roaming"] = "yes"

	again, _, err := db.User("cli:local")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, typicalUser()) {
		t.Errorf("stored record changed through a returned copy: %+v", again)
	}
}

func TestDB_Users(t *testing.T) {
	db := MustOpen(t)
	// Inserted out of order; listed in key (byte) order.
	keys := []string{"tg:2", "mx:@ana:example.org", "cli:local", "tg:10", "mx:@bo:example.org", "tg:1"}
	for i, k := range keys {
		if err := db.Update(k, func(u *conversation.User, _ bool) (bool, error) {
			u.Route = strconv.Itoa(i)
			return false, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	db = MustReopen(t, db)

	list := func(prefix string) []string {
		t.Helper()
		var got []string
		fn := func(k string, u conversation.User) error {
			got = append(got, k+"="+u.Route)
			return nil
		}
		var err error
		if prefix == "*" {
			err = db.Users(fn)
		} else {
			err = db.ForEachPrefix(prefix, fn)
		}
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"*", []string{"cli:local=2", "mx:@ana:example.org=1", "mx:@bo:example.org=4", "tg:1=5", "tg:10=3", "tg:2=0"}},
		{"", []string{"cli:local=2", "mx:@ana:example.org=1", "mx:@bo:example.org=4", "tg:1=5", "tg:10=3", "tg:2=0"}},
		{"tg:", []string{"tg:1=5", "tg:10=3", "tg:2=0"}},
		{"tg:1", []string{"tg:1=5", "tg:10=3"}},
		{"mx:", []string{"mx:@ana:example.org=1", "mx:@bo:example.org=4"}},
		{"cli:", []string{"cli:local=2"}},
		{"xmpp:", nil},
		{"zz", nil},
	}
	for _, tt := range tests {
		if got := list(tt.prefix); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("prefix %q: got %q, want %q", tt.prefix, got, tt.want)
		}
	}

	stop := errors.New("stop")
	n := 0
	err := db.Users(func(string, conversation.User) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("fn error: got %v after %d calls, want it returned as is after 1", err, n)
	}
}

// TestDB_Forget_RemovesEveryTrace inspects the file itself, so that a bucket
// added later without a deletion in forgetUser fails here.
func TestDB_Forget_RemovesEveryTrace(t *testing.T) {
	db := MustOpen(t)
	const gone, kept = "mx:@ana:example.org", "mx:@bo:example.org"
	for _, k := range []string{gone, kept} {
		if err := db.Update(k, func(u *conversation.User, _ bool) (bool, error) {
			*u = typicalUser()
			return false, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Update(gone, func(*conversation.User, bool) (bool, error) { return true, nil }); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	raw := MustOpenBolt(t, path)
	var sawKept bool
	err := raw.View(func(tx *bbolt.Tx) error {
		var walk func(where string, b *bbolt.Bucket) error
		walk = func(where string, b *bbolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				if bytes.Contains(k, []byte(gone)) || bytes.Contains(v, []byte(gone)) {
					t.Errorf("bucket %s still holds the forgotten user under key %q", where, k)
				}
				sawKept = sawKept || string(k) == kept
				if v == nil {
					return walk(where+"/"+string(k), b.Bucket(k))
				}
				return nil
			})
		}
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			if bytes.Contains(name, []byte(gone)) {
				t.Errorf("bucket %q is named after the forgotten user", name)
			}
			return walk(string(name), b)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawKept {
		t.Error("forgetting one user removed another")
	}
}

func TestDB_Update_Concurrent(t *testing.T) {
	const n = 50
	// bump counts in Flow.Answers and ticks a per-goroutine item, so a lost
	// update shows both as a short count and as a missing tick.
	bump := func(g int) func(u *conversation.User, exists bool) (bool, error) {
		return func(u *conversation.User, exists bool) (bool, error) {
			if u.Flow.Answers == nil {
				u.Flow.Answers = map[string]string{}
			}
			c, _ := strconv.Atoi(u.Flow.Answers["count"])
			u.Flow.Answers["count"] = strconv.Itoa(c + 1)
			if u.Checklist == nil {
				u.Checklist = map[string]bool{}
			}
			u.Checklist["g"+strconv.Itoa(g)] = true
			return false, nil
		}
	}
	tests := []struct {
		name string
		key  func(g int) string
	}{
		{"different users", func(g int) string { return "tg:" + strconv.Itoa(g) }},
		{"same user", func(int) string { return "tg:42" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			const rounds = 3
			var wg sync.WaitGroup
			errs := make(chan error, n*rounds)
			for g := range n {
				wg.Go(func() {
					for range rounds {
						errs <- db.Update(tt.key(g), bump(g))
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}

			counts := map[string]int{}
			ticks := map[string]int{}
			err := db.Users(func(k string, u conversation.User) error {
				c, _ := strconv.Atoi(u.Flow.Answers["count"])
				counts[k] = c
				ticks[k] = len(u.Checklist)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{}
			wantTicks := map[string]int{}
			for g := range n {
				want[tt.key(g)] += rounds
				wantTicks[tt.key(g)]++
			}
			if !reflect.DeepEqual(counts, want) {
				t.Errorf("counts %v, want %v", counts, want)
			}
			if !reflect.DeepEqual(ticks, wantTicks) {
				t.Errorf("ticks %v, want %v", ticks, wantTicks)
			}
		})
	}
}

func TestDB_BadKey(t *testing.T) {
	db := MustOpen(t)
	tests := []struct {
		name string
		key  string
		ok   bool
	}{
		{"empty", "", false},
		{"one byte", "x", true},
		{"longest", "mx:@" + strings.Repeat("a", store.MaxKeyLen-4), true},
		{"one byte too long", "mx:@" + strings.Repeat("a", store.MaxKeyLen-3), false},
		{"huge", strings.Repeat("tg:", 10000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			err := db.Update(tt.key, func(*conversation.User, bool) (bool, error) {
				called = true
				return false, nil
			})
			_, _, uerr := db.User(tt.key)
			if tt.ok {
				if err != nil || uerr != nil || !called {
					t.Fatalf("Update: %v (fn called: %v), User: %v", err, called, uerr)
				}
				return
			}
			if !errors.Is(err, store.ErrBadKey) || !errors.Is(uerr, store.ErrBadKey) {
				t.Fatalf("Update: %v, User: %v; want ErrBadKey", err, uerr)
			}
			if called {
				t.Error("fn called for a bad key")
			}
			if tt.key != "" && strings.Contains(err.Error(), tt.key) {
				t.Error("error quotes the key")
			}
		})
	}
}

func TestOpen_Migrate(t *testing.T) {
	tests := []struct {
		name    string
		arrange func(tx *bbolt.Tx) error // nil: no file at all
	}{
		{name: "no file"},
		{name: "empty bbolt file", arrange: func(*bbolt.Tx) error { return nil }},
		{name: "no meta bucket, other buckets", arrange: func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucket([]byte("scratch"))
			if err != nil {
				return err
			}
			return b.Put([]byte("k"), []byte("v"))
		}},
		{name: "meta bucket without schema", arrange: func(tx *bbolt.Tx) error {
			_, err := tx.CreateBucket([]byte("meta"))
			return err
		}},
		{name: "schema 0", arrange: func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			return b.Put([]byte("schema"), []byte{0, 0, 0, 0})
		}},
		{name: "current schema", arrange: func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			if _, err := tx.CreateBucket([]byte("users")); err != nil {
				return err
			}
			return b.Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, store.SchemaVersion))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "clavebot.db")
			if tt.arrange != nil {
				raw := MustOpenBolt(t, path)
				if err := raw.Update(tt.arrange); err != nil {
					t.Fatal(err)
				}
				if err := raw.Close(); err != nil {
					t.Fatal(err)
				}
			}

			db := MustOpenPath(t, path)
			if err := db.Update("cli:local", func(u *conversation.User, _ bool) (bool, error) {
				u.Route = "certificate"
				return false, nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}

			raw := MustOpenBolt(t, path)
			if err := raw.View(func(tx *bbolt.Tx) error {
				meta := tx.Bucket([]byte("meta"))
				if meta == nil {
					t.Fatal("no meta bucket")
				}
				want := binary.BigEndian.AppendUint32(nil, store.SchemaVersion)
				if got := meta.Get([]byte("schema")); !bytes.Equal(got, want) {
					t.Errorf("schema %x, want %x", got, want)
				}
				users := tx.Bucket([]byte("users"))
				if users == nil {
					t.Fatal("no users bucket")
				}
				wantRec := fmt.Sprintf(`{"v":%d,"user":{"route":"certificate"}}`, store.SchemaVersion)
				if got := users.Get([]byte("cli:local")); string(got) != wantRec {
					t.Errorf("record %s, want %s", got, wantRec)
				}
				if b := tx.Bucket([]byte("scratch")); b != nil && string(b.Get([]byte("k"))) != "v" {
					t.Error("migration touched a bucket it does not own")
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestMigrate runs the migration machinery with lists longer than the real
// one, as a future version will.
func TestMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	raw := MustOpenBolt(t, path)
	schema := func() []byte {
		var v []byte
		_ = raw.View(func(tx *bbolt.Tx) error {
			if m := tx.Bucket([]byte("meta")); m != nil {
				v = bytes.Clone(m.Get([]byte("schema")))
			}
			return nil
		})
		return v
	}
	var ran []int
	mark := func(i int) func(tx *bbolt.Tx) error {
		return func(tx *bbolt.Tx) error {
			ran = append(ran, i)
			_, err := tx.CreateBucketIfNotExists([]byte("m" + strconv.Itoa(i)))
			return err
		}
	}
	fail := func(*bbolt.Tx) error { return errDecline }

	// From nothing to 2: both run, in order.
	if err := raw.Update(func(tx *bbolt.Tx) error {
		return store.Migrate(tx, []func(*bbolt.Tx) error{mark(0), mark(1)})
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ran, []int{0, 1}) || !bytes.Equal(schema(), []byte{0, 0, 0, 2}) {
		t.Fatalf("ran %v, schema %x; want [0 1], 00000002", ran, schema())
	}

	// From 2 to 4 with the last one failing: nothing of 2 -> 3 survives.
	ran = nil
	err := raw.Update(func(tx *bbolt.Tx) error {
		return store.Migrate(tx, []func(*bbolt.Tx) error{mark(0), mark(1), mark(2), fail})
	})
	if !errors.Is(err, errDecline) {
		t.Fatalf("failing migration: %v", err)
	}
	if !reflect.DeepEqual(ran, []int{2}) || !bytes.Equal(schema(), []byte{0, 0, 0, 2}) {
		t.Fatalf("ran %v, schema %x; want [2], 00000002", ran, schema())
	}
	_ = raw.View(func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte("m2")) != nil {
			t.Error("a failed migration run left its earlier steps behind")
		}
		return nil
	})

	// Up to date: nothing runs.
	ran = nil
	if err := raw.Update(func(tx *bbolt.Tx) error {
		return store.Migrate(tx, []func(*bbolt.Tx) error{mark(0), mark(1)})
	}); err != nil || ran != nil {
		t.Fatalf("up to date: ran %v, err %v", ran, err)
	}

	// Older code: refused.
	err = raw.Update(func(tx *bbolt.Tx) error {
		return store.Migrate(tx, []func(*bbolt.Tx) error{mark(0)})
	})
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("older code: %v, want ErrSchemaTooNew", err)
	}
}

func TestOpen_SchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clavebot.db")
	newer := binary.BigEndian.AppendUint32(nil, store.SchemaVersion+1)
	raw := MustOpenBolt(t, path)
	if err := raw.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("schema"), newer)
	}); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	if db, err := store.Open(path); !errors.Is(err, store.ErrSchemaTooNew) {
		if db != nil {
			_ = db.Close()
		}
		t.Fatalf("Open: %v, want ErrSchemaTooNew", err)
	}

	// The refused file is untouched and no longer locked.
	raw = MustOpenBolt(t, path)
	_ = raw.View(func(tx *bbolt.Tx) error {
		if got := tx.Bucket([]byte("meta")).Get([]byte("schema")); !bytes.Equal(got, newer) {
			t.Errorf("schema %x, want %x", got, newer)
		}
		if tx.Bucket([]byte("users")) != nil {
			t.Error("refused file was migrated")
		}
		return nil
	})
}

func TestDB_User_BadRecords(t *testing.T) {
	const secret = "2025-02-31" // stands for any record content
	tests := []struct {
		name   string
		record string
		want   error
	}{
		{"newer record", `{"v":99,"user":{}}`, store.ErrSchemaTooNew},
		{"no version", `{"user":{"registered_on":"` + secret + `"}}`, store.ErrCorrupt},
		{"no user", `{"v":1}`, store.ErrCorrupt},
		{"not json", secret, store.ErrCorrupt},
		{"bad date", `{"v":1,"user":{"registered_on":"` + secret + `"}}`, store.ErrCorrupt},
		{"bad type", `{"v":1,"user":{"checklist":"` + secret + `"}}`, store.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := MustOpen(t)
			path := db.Path()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			raw := MustOpenBolt(t, path)
			if err := raw.Update(func(tx *bbolt.Tx) error {
				return tx.Bucket([]byte("users")).Put([]byte("tg:1"), []byte(tt.record))
			}); err != nil {
				t.Fatal(err)
			}
			if err := raw.Close(); err != nil {
				t.Fatal(err)
			}
			db = MustOpenPath(t, path)

			_, _, err := db.User("tg:1")
			uerr := db.Update("tg:1", func(*conversation.User, bool) (bool, error) {
				t.Error("fn called with an unreadable record")
				return false, nil
			})
			lerr := db.Users(func(string, conversation.User) error { return nil })
			for _, err := range []error{err, uerr, lerr} {
				if !errors.Is(err, tt.want) {
					t.Errorf("got %v, want %v", err, tt.want)
				}
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Errorf("error quotes the record: %v", err)
				}
			}
		})
	}
}

// TestOpen_InUse checks both ways another opener can show up. bbolt locks
// with flock, which belongs to the open file description, so even a second
// Open in the same process is refused; the subprocess case is the one that
// matters in production (two bots started on one file).
func TestOpen_InUse(t *testing.T) {
	t.Run("same process", func(t *testing.T) {
		db := MustOpen(t)
		start := time.Now()
		second, err := store.Open(db.Path(), store.WithTimeout(100*time.Millisecond))
		if !errors.Is(err, store.ErrInUse) {
			if second != nil {
				_ = second.Close()
			}
			t.Fatalf("second Open: %v, want ErrInUse", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("second Open took %v", d)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		MustOpenPath(t, db.Path(), store.WithTimeout(0))
	})

	t.Run("other process", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "clavebot.db")
		cmd := exec.Command(os.Args[0], "-test.run=^TestHoldLock$")
		cmd.Env = append(os.Environ(), holdLockEnv+"="+path)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = stdin.Close()
			_ = cmd.Wait()
		}()
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "locked\n" {
			t.Fatalf("holder said %q, %v", line, err)
		}

		for _, timeout := range []time.Duration{0, 200 * time.Millisecond} {
			db, err := store.Open(path, store.WithTimeout(timeout))
			if !errors.Is(err, store.ErrInUse) {
				if db != nil {
					_ = db.Close()
				}
				t.Fatalf("Open with timeout %v: %v, want ErrInUse", timeout, err)
			}
		}

		_ = stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		MustOpenPath(t, path, store.WithTimeout(0))
	})
}

const holdLockEnv = "CLAVEBOT_STORE_TEST_HOLD"

// TestHoldLock is the other process of TestOpen_InUse: it holds the
// database open until its standard input closes.
func TestHoldLock(t *testing.T) {
	path := os.Getenv(holdLockEnv)
	if path == "" {
		t.Skip("helper process for TestOpen_InUse")
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSchemaVersionCountsMigrations(t *testing.T) {
	if int(store.SchemaVersion) != store.MigrationCount {
		t.Fatalf("schemaVersion is %d but there are %d migrations", store.SchemaVersion, store.MigrationCount)
	}
}

func TestUnansweredIsDroppedAfter90Days(t *testing.T) {
	db := MustOpen(t)
	day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := db.NoteUnanswered("how do i … clave", day); err != nil {
		t.Fatal(err)
	}
	if err := db.NoteUnanswered("how do i … clave", day.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats(day.Add(48*time.Hour), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Unanswered) != 1 || st.Unanswered[0].Count != 2 {
		t.Fatalf("unanswered = %+v, want one question asked twice", st.Unanswered)
	}
	later := day.Add(24*time.Hour + store.UnansweredFor + time.Hour)
	if st, _ := db.Stats(later, 5); len(st.Unanswered) != 0 {
		t.Errorf("after 90 days /stats still shows %+v", st.Unanswered)
	}
	// The next question of a new day prunes the old one from the database:
	// read as of its last day, it is gone.
	if err := db.NoteUnanswered("what is … pin", later); err != nil {
		t.Fatal(err)
	}
	st, err = db.Stats(day.Add(48*time.Hour), 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range st.Unanswered {
		if u.Question == "how do i … clave" {
			t.Error("the question last asked over 90 days ago is still stored")
		}
	}
}
