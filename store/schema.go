package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/conversation"
)

// A migration takes the file from schema version i to i+1, where i is its
// index in the list. Migrations are append-only: a released one never
// changes, because files in the field have already run it.
type migration func(tx *bbolt.Tx) error

var migrations = []migration{
	// 0 -> 1: the first layout, users keyed by user key.
	func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketUsers)
		return err
	},
	// 1 -> 2: the reminders' due index.
	indexReminders,
	// 2 -> 3: the inbox, the outbox and the ids of received updates.
	func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketInbox, bucketOutbox, bucketSeen} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
}

// schemaVersion is the version this code writes, to the meta bucket and to
// every record. It is a constant, not len(migrations), because a migration
// reads records; TestSchemaVersionCountsMigrations keeps the two equal.
const schemaVersion uint32 = 3

// migrate brings the file up to len(ms) inside tx. The caller's
// transaction makes it all-or-nothing.
func migrate(tx *bbolt.Tx, ms []migration) error {
	have, err := fileSchema(tx)
	if err != nil {
		return err
	}
	want := uint32(len(ms))
	if have > want {
		return fmt.Errorf("file has schema %d, this program knows up to %d: %w", have, want, ErrSchemaTooNew)
	}
	if have == want {
		return nil
	}
	for v := have; v < want; v++ {
		if err := ms[v](tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("create meta bucket: %w", err)
	}
	return meta.Put(keySchema, binary.BigEndian.AppendUint32(nil, want))
}

// fileSchema reads the file's schema version; a file that never stored one
// is at 0.
func fileSchema(tx *bbolt.Tx) (uint32, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keySchema)
	if v == nil {
		return 0, nil
	}
	if len(v) != 4 {
		return 0, fmt.Errorf("schema version of %d bytes: %w", len(v), ErrCorrupt)
	}
	return binary.BigEndian.Uint32(v), nil
}

// record is how a user is read back. V lets a record written under an
// older schema be recognised and upgraded; User stays raw until then.
type record struct {
	V    uint32          `json:"v"`
	User json.RawMessage `json:"user"`
}

// envelope is how a user is written: the same shape as record, encoded in
// one pass.
type envelope struct {
	V    uint32             `json:"v"`
	User *conversation.User `json:"user"`
}

// upgradeRecord maps a version v to the function that rewrites the user
// JSON of a version-v record into version v+1. A version whose migration
// left records alone has no entry. Each entry must come with a migration
// that bumps schemaVersion, and its errors must not quote the record.
var upgradeRecord = map[uint32]func(json.RawMessage) (json.RawMessage, error){}

func encodeUser(u *conversation.User) ([]byte, error) {
	b, err := json.Marshal(envelope{V: schemaVersion, User: u})
	if err != nil {
		return nil, fmt.Errorf("encode user: %w", err)
	}
	return b, nil
}

// decodeUser decodes a stored record. Errors from encoding/json are not
// wrapped, as they can quote the record.
func decodeUser(b []byte) (conversation.User, error) {
	// A record of the current schema, nearly all of them, decodes in one
	// pass; older ones go through the upgrade path below.
	var cur struct {
		V    uint32             `json:"v"`
		User *conversation.User `json:"user"`
	}
	if err := json.Unmarshal(b, &cur); err == nil && cur.V == schemaVersion && cur.User != nil {
		return *cur.User, nil
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil || r.V == 0 || r.User == nil {
		return conversation.User{}, fmt.Errorf("record of %d bytes: %w", len(b), ErrCorrupt)
	}
	if r.V > schemaVersion {
		return conversation.User{}, fmt.Errorf("record has schema %d, this program knows up to %d: %w", r.V, schemaVersion, ErrSchemaTooNew)
	}
	raw := r.User
	for v := r.V; v < schemaVersion; v++ {
		up := upgradeRecord[v]
		if up == nil {
			continue
		}
		var err error
		if raw, err = up(raw); err != nil {
			return conversation.User{}, fmt.Errorf("upgrade record from schema %d: %w", v, err)
		}
	}
	var u conversation.User
	if err := json.Unmarshal(raw, &u); err != nil {
		return conversation.User{}, fmt.Errorf("record of %d bytes: %w", len(b), ErrCorrupt)
	}
	return u, nil
}
