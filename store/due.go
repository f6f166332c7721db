package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// bucketDue is the reminders' due index. A key is the due time (Unix
// seconds, big-endian, so byte order is time order) followed by the user
// key; the value is empty. A sweep is a cursor walk from the start to
// "now": its cost grows with what is due, not with the number of users.
var bucketDue = []byte("due")

func dueKey(at time.Time, user []byte) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(user)), uint64(at.Unix()))
	return append(k, user...)
}

// syncDue makes the due index hold exactly the user's pending reminders,
// given the ones the stored record had before.
func syncDue(tx *bbolt.Tx, user []byte, before, after []time.Time) error {
	if slices.EqualFunc(before, after, time.Time.Equal) {
		return nil
	}
	b := tx.Bucket(bucketDue)
	if b == nil {
		return fmt.Errorf("due bucket missing")
	}
	for _, at := range before {
		if !slices.ContainsFunc(after, at.Equal) {
			if err := b.Delete(dueKey(at, user)); err != nil {
				return fmt.Errorf("unschedule reminder: %w", err)
			}
		}
	}
	for _, at := range after {
		if !slices.ContainsFunc(before, at.Equal) {
			if err := b.Put(dueKey(at, user), nil); err != nil {
				return fmt.Errorf("schedule reminder: %w", err)
			}
		}
	}
	return nil
}

// Due is one pending reminder whose time has come.
type Due struct {
	At   time.Time
	User string
}

// Due returns the reminders due at or before now, oldest first, at most
// limit of them (limit <= 0: all).
func (db *DB) Due(now time.Time, limit int) ([]Due, error) {
	var out []Due
	end := binary.BigEndian.AppendUint64(nil, uint64(now.Unix()))
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDue)
		if b == nil {
			return fmt.Errorf("due bucket missing")
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil && len(k) > 8 && bytes.Compare(k[:8], end) <= 0; k, _ = c.Next() {
			out = append(out, Due{At: time.Unix(int64(binary.BigEndian.Uint64(k[:8])), 0).UTC(), User: string(k[8:])})
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read due reminders: %w", err)
	}
	return out, nil
}

// PendingReminders counts the entries of the due index.
func (db *DB) PendingReminders() (int, error) {
	n := 0
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if b := tx.Bucket(bucketDue); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n, err
}

// indexReminders is migration 1 -> 2: the due index, filled from the
// records (which could not hold reminders before it).
func indexReminders(tx *bbolt.Tx) error {
	due, err := tx.CreateBucketIfNotExists(bucketDue)
	if err != nil {
		return err
	}
	users := tx.Bucket(bucketUsers)
	if users == nil {
		return errNoUsersBucket
	}
	return users.ForEach(func(k, v []byte) error {
		u, err := decodeUser(v)
		if err != nil {
			return err
		}
		for _, at := range u.Reminders {
			if err := due.Put(dueKey(at, k), nil); err != nil {
				return err
			}
		}
		return nil
	})
}
