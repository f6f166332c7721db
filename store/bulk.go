package store

import (
	"cmp"
	"fmt"
	"iter"
	"slices"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/conversation"
)

// importBatch is how many users one Import transaction writes: large
// enough that the commit's fsync is paid rarely, small enough that a
// transaction's dirty pages stay a few megabytes.
const importBatch = 10_000

// importFill is how full Import packs the pages it writes. bbolt splits
// pages half full by default, which suits random inserts; Import mostly
// appends (users in key order, each due time's entries in user order), so
// at 50% it would leave every page half empty and the file twice as large.
// The 10% left lets records grow a little before their page splits.
const importFill = 0.9

// Import writes many users in large transactions, for restores, migrations
// and benchmarks: each batch of records commits together, with the due index
// kept in step exactly as Update does. It must not be used while the bot runs
// (it bypasses Batch ordering guarantees only in that it is one writer).
//
// Each user replaces any stored record of the same key, as an Update that
// assigns the whole record would; a key that comes twice keeps its last
// record. On error, the batches committed before it stay written.
func (db *DB) Import(users iter.Seq2[string, conversation.User]) error {
	type entry struct {
		key  []byte
		user conversation.User
	}
	batch := make([]entry, 0, importBatch)
	n := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// Key order keeps the pages a transaction touches close together;
		// the sort is stable so a repeated key still ends on its last record.
		slices.SortStableFunc(batch, func(a, b entry) int { return cmp.Compare(string(a.key), string(b.key)) })
		err := db.bolt.Update(func(tx *bbolt.Tx) error {
			// A writable transaction hands out the same *Bucket each time,
			// so updateUser's writes split at this fill; it is not stored.
			users, due := tx.Bucket(bucketUsers), tx.Bucket(bucketDue)
			if users == nil || due == nil {
				return errNoUsersBucket // migrate did not run: only a bug gets here
			}
			users.FillPercent, due.FillPercent = importFill, importFill
			for i := range batch {
				e := &batch[i]
				err := updateUser(tx, e.key, func(u *conversation.User, _ bool) (bool, error) {
					*u = e.user
					return false, nil
				})
				if err != nil {
					return fmt.Errorf("user %q: %w", e.key, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		n += len(batch)
		clear(batch) // drop the records' maps and slices for the collector
		batch = batch[:0]
		return nil
	}
	for key, u := range users {
		if err := checkKey(key); err != nil {
			return fmt.Errorf("store: import: user %d: %w", n+len(batch), err)
		}
		batch = append(batch, entry{key: []byte(key), user: u})
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return fmt.Errorf("store: import: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	return nil
}
