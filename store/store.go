package store

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/clavebot/clavebot/conversation"
)

// These errors are returned by the store; test for them with errors.Is, as
// they are usually wrapped with the operation that failed.
var (
	// ErrInUse is returned by Open when another process holds the database
	// file and does not release it within the timeout.
	ErrInUse = errors.New("store: database file is in use by another process")

	// ErrSchemaTooNew is returned by Open, and when reading a record, when
	// the data was written by a newer version of clavebot than this one.
	ErrSchemaTooNew = errors.New("store: schema is newer than this program knows")

	// ErrBadKey is returned for a user key that is empty or longer than
	// MaxKeyLen bytes.
	ErrBadKey = errors.New("store: bad user key")

	// ErrCorrupt is returned when a stored record or the stored schema
	// version cannot be decoded.
	ErrCorrupt = errors.New("store: corrupt data")
)

// MaxKeyLen is the longest user key accepted, in bytes. Real keys are far
// shorter (a Matrix ID is at most 255 bytes plus the "mx:" prefix); the
// limit keeps a malformed key from becoming a huge bbolt key.
const MaxKeyLen = 256

// DefaultTimeout is how long Open waits for another process to release the
// database file.
const DefaultTimeout = time.Second

// fileMode keeps the file private to its owner: it describes people.
const fileMode = 0o600

// DB is an open clavebot database. Its methods are safe for concurrent use.
type DB struct {
	bolt *bbolt.DB
	path string

	sealMu     sync.Mutex
	seal       *sealer // nil until the first mail after Open
	lost       int
	seenPruned time.Time // guarded by bbolt's single writer
}

// Option configures Open.
type Option func(*options)

type options struct {
	timeout time.Duration
}

// WithTimeout sets how long Open waits for another process to release the
// file before it returns ErrInUse. A zero or negative d means do not wait:
// the store never waits forever, unlike bbolt's zero timeout.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// Open opens the database at path, creating it if needed, and migrates it
// to the current schema.
func Open(path string, opts ...Option) (*DB, error) {
	o := options{timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.timeout <= 0 {
		// bbolt reads 0 as "wait forever"; any timeout shorter than its
		// 50ms retry interval gives up after the first attempt.
		o.timeout = time.Nanosecond
	}

	bo := *bbolt.DefaultOptions
	bo.Timeout = o.timeout
	bdb, err := bbolt.Open(path, fileMode, &bo)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: open %s: %w", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}

	if err := bdb.Update(func(tx *bbolt.Tx) error {
		return migrate(tx, migrations)
	}); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// bbolt waits 10ms for more work to join a batch. Commits coalesce
	// anyway while the previous one syncs, so a short wait costs little
	// throughput, and it is the time a reply already sent stays recorded
	// as unsent: the window in which a crash repeats it.
	bdb.MaxBatchDelay = time.Millisecond
	db := &DB{bolt: bdb, path: path}
	if err := db.openMail(); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// Close waits for running transactions to finish, then releases the file.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", db.path, err)
	}
	return nil
}

// Path returns the path the database was opened with.
func (db *DB) Path() string { return db.path }

// Update loads the user's record, calls fn with it and saves what fn left
// in it, in one read-write transaction. When there is no record, fn gets a
// zero User and exists is false; returning without error creates the
// record. When fn returns forget, every trace of the user is deleted
// instead. When fn returns an error, nothing is written and the error is
// returned, wrapped.
//
// The transaction is committed through bbolt's Batch, so fn may be called
// more than once, each time with a freshly loaded record: fn must depend
// only on its arguments and must have no other effects. Only the outcome of
// the last call is kept.
func (db *DB) Update(key string, fn func(u *conversation.User, exists bool) (forget bool, err error)) error {
	if err := checkKey(key); err != nil {
		return err
	}
	err := db.bolt.Batch(func(tx *bbolt.Tx) error {
		return updateUser(tx, []byte(key), fn)
	})
	if err != nil {
		return fmt.Errorf("store: update: %w", err)
	}
	return nil
}

// User returns the stored record of the user; exists is false when there is
// none. The record is decoded afresh, so the caller owns it, maps included.
func (db *DB) User(key string) (u conversation.User, exists bool, err error) {
	if err := checkKey(key); err != nil {
		return conversation.User{}, false, err
	}
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		u, exists, err = loadUser(tx, []byte(key))
		return err
	})
	if err != nil {
		return conversation.User{}, false, fmt.Errorf("store: read user: %w", err)
	}
	return u, exists, nil
}

// Users calls fn for every stored user, in key order, inside one read-only
// transaction, so it sees a consistent snapshot. It stops at the first error
// from fn and returns that error as is.
func (db *DB) Users(fn func(key string, u conversation.User) error) error {
	return db.ForEachPrefix("", fn)
}

// ForEachPrefix is Users restricted to the keys that start with prefix,
// such as "tg:" for the users of one front end.
func (db *DB) ForEachPrefix(prefix string, fn func(key string, u conversation.User) error) error {
	var fnErr error
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		if b == nil {
			return errNoUsersBucket
		}
		p := []byte(prefix)
		c := b.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			u, err := decodeUser(v)
			if err != nil {
				return err
			}
			// k is only valid inside the transaction; string(k) copies it.
			if err := fn(string(k), u); err != nil {
				fnErr = err
				return err
			}
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("store: list users: %w", err)
	}
	return nil
}

func checkKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return fmt.Errorf("store: key of %d bytes, want 1 to %d: %w", len(key), MaxKeyLen, ErrBadKey)
	}
	return nil
}
