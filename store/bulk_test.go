package store_test

import (
	"errors"
	"iter"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

type keyed struct {
	key  string
	user conversation.User
}

func seq(users ...keyed) iter.Seq2[string, conversation.User] {
	return func(yield func(string, conversation.User) bool) {
		for _, u := range users {
			if !yield(u.key, u.user) {
				return
			}
		}
	}
}

func withReminders(lang conversation.Lang, times ...time.Time) conversation.User {
	return conversation.User{Lang: lang, Checklist: map[string]bool{"email": true}, Route: "letter", Reminders: times}
}

func TestDB_Import(t *testing.T) {
	ana := withReminders(conversation.Spanish, at(1, 9), at(5, 9))
	bob := withReminders(conversation.English, at(3, 9))
	eva := withReminders(conversation.English, at(1, 9), at(2, 10), at(9, 9))
	anaMoved := withReminders(conversation.Spanish, at(7, 9))

	tests := []struct {
		name    string
		before  []keyed // written with Update first
		imports []keyed
		want    map[string]conversation.User
		wantDue []string
		wantErr error
	}{
		{
			name:    "three users with reminders",
			imports: []keyed{{"tg:1", ana}, {"tg:2", bob}, {"mx:@eva:example.org", eva}},
			want:    map[string]conversation.User{"tg:1": ana, "tg:2": bob, "mx:@eva:example.org": eva},
			wantDue: []string{"01T09 mx:@eva:example.org", "01T09 tg:1", "02T10 mx:@eva:example.org", "03T09 tg:2", "05T09 tg:1", "09T09 mx:@eva:example.org"},
		},
		{
			name:    "replaces a stored record and its reminders",
			before:  []keyed{{"tg:1", ana}, {"tg:2", bob}},
			imports: []keyed{{"tg:1", anaMoved}},
			want:    map[string]conversation.User{"tg:1": anaMoved, "tg:2": bob},
			wantDue: []string{"03T09 tg:2", "07T09 tg:1"},
		},
		{
			name:    "a repeated key keeps its last record",
			imports: []keyed{{"tg:1", ana}, {"tg:2", bob}, {"tg:1", anaMoved}},
			want:    map[string]conversation.User{"tg:1": anaMoved, "tg:2": bob},
			wantDue: []string{"03T09 tg:2", "07T09 tg:1"},
		},
		{
			name:    "nothing to import",
			want:    map[string]conversation.User{},
			wantDue: nil,
		},
		{
			name:    "a bad key stops the import",
			imports: []keyed{{"tg:1", ana}, {strings.Repeat("x", store.MaxKeyLen+1), bob}},
			want:    map[string]conversation.User{},
			wantErr: store.ErrBadKey,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			for _, k := range tt.before {
				if err := db.Update(k.key, func(u *conversation.User, _ bool) (bool, error) {
					*u = k.user
					return false, nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			err := db.Import(seq(tt.imports...))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Import: %v, want %v", err, tt.wantErr)
			}

			db = MustReopen(t, db)
			got := map[string]conversation.User{}
			if err := db.Users(func(key string, u conversation.User) error {
				got[key] = u
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records after reopening:\n got %+v\nwant %+v", got, tt.want)
			}
			if due := dueUsers(t, db, at(31, 0)); !slices.Equal(due, tt.wantDue) {
				t.Errorf("due index %v, want %v", due, tt.wantDue)
			}
		})
	}
}

// TestDB_ImportAcrossBatches imports more users than one transaction
// holds, with a key repeated in two different batches.
func TestDB_ImportAcrossBatches(t *testing.T) {
	const n = 25_000
	first := withReminders(conversation.Spanish, at(1, 9), at(2, 9))
	last := withReminders(conversation.English, at(9, 9))
	users := func(yield func(string, conversation.User) bool) {
		if !yield("tg:again", first) {
			return
		}
		for i := range n {
			if !yield("tg:"+strconv.Itoa(i), withReminders(conversation.English, at(1+i%28, 9))) {
				return
			}
		}
		yield("tg:again", last)
	}
	db := MustOpen(t)
	if err := db.Import(users); err != nil {
		t.Fatal(err)
	}
	db = MustReopen(t, db)
	count := 0
	if err := db.Users(func(string, conversation.User) error { count++; return nil }); err != nil {
		t.Fatal(err)
	}
	if count != n+1 {
		t.Errorf("%d records, want %d", count, n+1)
	}
	if got, ok, err := db.User("tg:again"); err != nil || !ok || !reflect.DeepEqual(got, last) {
		t.Errorf("repeated key: %+v, %v, %v; want the last record %+v", got, ok, err, last)
	}
	if pending, err := db.PendingReminders(); err != nil || pending != n+1 {
		t.Errorf("PendingReminders = %d, %v; want %d", pending, err, n+1)
	}
	if due := dueUsers(t, db, at(1, 9)); len(due) != (n+27)/28 {
		t.Errorf("%d due on the 1st, want %d (the first record's reminders must be gone)", len(due), (n+27)/28)
	}
}
