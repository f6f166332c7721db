package store_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

func at(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 0, 0, 0, time.UTC) }

func setReminders(t *testing.T, db *store.DB, key string, times ...time.Time) {
	t.Helper()
	err := db.Update(key, func(u *conversation.User, _ bool) (bool, error) {
		u.Reminders = times
		return false, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func dueUsers(t *testing.T, db *store.DB, now time.Time) []string {
	t.Helper()
	due, err := db.Due(now, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range due {
		out = append(out, d.At.Format("02T15")+" "+d.User)
	}
	return out
}

func TestDueIndexFollowsTheRecords(t *testing.T) {
	db := MustOpen(t)
	setReminders(t, db, "tg:1", at(1, 9), at(5, 9))
	setReminders(t, db, "tg:2", at(3, 9))
	setReminders(t, db, "mx:@a:b.c", at(1, 9))

	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"nothing due yet", at(1, 8), nil},
		{"exactly due", at(1, 9), []string{"01T09 mx:@a:b.c", "01T09 tg:1"}},
		{"in time order", at(31, 0), []string{"01T09 mx:@a:b.c", "01T09 tg:1", "03T09 tg:2", "05T09 tg:1"}},
	}
	for _, tt := range tests {
		if got := dueUsers(t, db, tt.now); !slices.Equal(got, tt.want) {
			t.Errorf("%s: due %v, want %v", tt.name, got, tt.want)
		}
	}

	// Rescheduling moves entries; clearing removes them; forgetting a user
	// removes theirs; all in the transaction that changes the record.
	setReminders(t, db, "tg:1", at(7, 9))
	setReminders(t, db, "tg:2")
	if err := db.Update("mx:@a:b.c", func(*conversation.User, bool) (bool, error) { return true, nil }); err != nil {
		t.Fatal(err)
	}
	if got, want := dueUsers(t, db, at(31, 0)), []string{"07T09 tg:1"}; !slices.Equal(got, want) {
		t.Errorf("after changes: due %v, want %v", got, want)
	}
	if n, err := db.PendingReminders(); err != nil || n != 1 {
		t.Errorf("PendingReminders = %d, %v", n, err)
	}
}

func TestDueLimit(t *testing.T) {
	db := MustOpen(t)
	for _, key := range []string{"tg:1", "tg:2", "tg:3"} {
		setReminders(t, db, key, at(1, 9))
	}
	due, err := db.Due(at(2, 0), 2)
	if err != nil || len(due) != 2 {
		t.Fatalf("Due with limit 2: %v, %v", due, err)
	}
}

func TestDueIndexSurvivesReopen(t *testing.T) {
	db := MustOpen(t)
	setReminders(t, db, "tg:1", at(1, 9))
	path := db.Path()
	db.Close()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := dueUsers(t, db, at(2, 0)); len(got) != 1 {
		t.Errorf("after reopening: %v", got)
	}
}

// TestMigrationIndexesExistingReminders opens a schema-1 file: the
// migration builds the due index from the records.
func TestMigrationIndexesExistingReminders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	raw := MustOpenBolt(t, path)
	err := raw.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		if err := meta.Put([]byte("schema"), []byte{0, 0, 0, 1}); err != nil {
			return err
		}
		users, err := tx.CreateBucket([]byte("users"))
		if err != nil {
			return err
		}
		return users.Put([]byte("tg:9"), []byte(`{"v":1,"user":{"lang":"es","reminders":["2026-12-01T09:00:00Z"]}}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db := MustOpenPath(t, path)
	if got, want := dueUsers(t, db, at(2, 0)), []string{"01T09 tg:9"}; !slices.Equal(got, want) {
		t.Errorf("due after migration %v, want %v", got, want)
	}
	u, ok, err := db.User("tg:9")
	if err != nil || !ok || u.Lang != "es" {
		t.Errorf("record after migration: %+v %v %v", u, ok, err)
	}
}
