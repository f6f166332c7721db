package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/conversation"
)

// The helpers in this file work inside a transaction the caller owns, so
// that later features (the reminders due-index) can change a user and their
// own buckets in the same commit.

var (
	bucketMeta  = []byte("meta")
	keySchema   = []byte("schema")
	bucketUsers = []byte("users")
)

// errNoUsersBucket means migrate did not run: only a bug gets here.
var errNoUsersBucket = errors.New("users bucket missing")

// loadUser returns the user's record, or a zero User and false.
func loadUser(tx *bbolt.Tx, key []byte) (conversation.User, bool, error) {
	b := tx.Bucket(bucketUsers)
	if b == nil {
		return conversation.User{}, false, errNoUsersBucket
	}
	v := b.Get(key)
	if v == nil {
		return conversation.User{}, false, nil
	}
	u, err := decodeUser(v)
	if err != nil {
		return conversation.User{}, false, err
	}
	return u, true, nil
}

// updateUser is the body of DB.Update, for callers that need more in the
// same transaction. It must be safe to run again after a rollback, as Batch
// does.
func updateUser(tx *bbolt.Tx, key []byte, fn func(u *conversation.User, exists bool) (forget bool, err error)) error {
	u, exists, err := loadUser(tx, key)
	if err != nil {
		return err
	}
	before := slices.Clone(u.Reminders)
	forget, err := fn(&u, exists)
	if err != nil {
		return err
	}
	if forget {
		return forgetUser(tx, key)
	}
	// The reminders a message schedules or cancels commit with it.
	if err := syncDue(tx, key, before, u.Reminders); err != nil {
		return err
	}
	return putUser(tx, key, &u)
}

// putUser stores the user's record.
func putUser(tx *bbolt.Tx, key []byte, u *conversation.User) error {
	b := tx.Bucket(bucketUsers)
	if b == nil {
		return errNoUsersBucket
	}
	v, err := encodeUser(u)
	if err != nil {
		return err
	}
	// Most messages change nothing but LastSeen; when not even that changed
	// the write would only dirty pages for the commit to copy.
	if bytes.Equal(b.Get(key), v) {
		return nil
	}
	if err := b.Put(key, v); err != nil {
		return fmt.Errorf("put user: %w", err)
	}
	return nil
}

// forgetUser deletes everything stored about the user. Every bucket that
// holds per-user data adds its deletion here, so /forget stays complete.
func forgetUser(tx *bbolt.Tx, key []byte) error {
	b := tx.Bucket(bucketUsers)
	if b == nil {
		return errNoUsersBucket
	}
	u, exists, err := loadUser(tx, key)
	if err != nil {
		return err
	}
	if exists {
		if err := syncDue(tx, key, u.Reminders, nil); err != nil {
			return err
		}
	}
	if err := b.Delete(key); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}
