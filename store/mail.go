package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/clavebot/clavebot/conversation"
)

// Mail is what passes through the store between a chat network and the
// conversation: the inbox holds each update a network handed over until
// it is handled, the outbox each reply until the network accepted it.
var (
	bucketInbox  = []byte("inbox")
	bucketOutbox = []byte("outbox")
	bucketSeen   = []byte("seen")
)

// SeenFor is how long the id of a received update is remembered, so that
// a network delivering it again (a webhook retried after a crash, a poll
// repeated before its confirmation) does not get it handled twice.
// Telegram gives up redelivering well within a day.
const SeenFor = 48 * time.Hour

// Received is one update a chat network handed over.
type Received struct {
	// Seq is the inbox's number for it, set by Receive: the order in
	// which updates arrived.
	Seq uint64
	// Source names the network ("tg", "mx"), ID the update or event in
	// it; together they make a repeat recognisable.
	Source string
	ID     string
	// Data is the update as the network sent it.
	Data []byte
}

// Letter is one reply waiting in the outbox.
type Letter struct {
	// Seq orders the letters: within a chat they go out in Seq order.
	Seq uint64
	// Chat is the front end's name for where the letter goes ("tg:123").
	Chat string
	Data []byte
}

// An inbox value, before sealing, is the source, a zero byte, the id, a
// zero byte and the update as the network sent it: JSON would only
// re-encode the update it already is.
func encodeReceived(r Received) []byte {
	v := make([]byte, 0, len(r.Source)+len(r.ID)+2+len(r.Data))
	v = append(append(append(v, r.Source...), 0), r.ID...)
	return append(append(v, 0), r.Data...)
}

func decodeReceived(seq uint64, v []byte) (Received, bool) {
	source, rest, ok := bytes.Cut(v, []byte{0})
	if !ok {
		return Received{}, false
	}
	id, data, ok := bytes.Cut(rest, []byte{0})
	if !ok {
		return Received{}, false
	}
	return Received{Seq: seq, Source: string(source), ID: string(id), Data: bytes.Clone(data)}, true
}

// Receive puts updates into the inbox in one transaction and returns the
// ones it had not seen before, numbered in the order given. An update
// counts as received once Receive returned: only then may the network be
// told so.
func (db *DB) Receive(updates []Received, now time.Time) ([]Received, error) {
	if len(updates) == 0 {
		// An empty poll or sync writes nothing: no commit, no fsync.
		return nil, nil
	}
	var fresh []Received
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		fresh = fresh[:0]
		inbox, seen := tx.Bucket(bucketInbox), tx.Bucket(bucketSeen)
		if inbox == nil || seen == nil {
			return errNoMailBuckets
		}
		// Ids older than SeenFor go first, so an old id come back (after
		// a quiet week Telegram's restart at random) counts as new.
		if err := db.pruneSeen(seen, now); err != nil {
			return err
		}
		stamp := binary.BigEndian.AppendUint64(nil, uint64(now.Unix()))
		for _, r := range updates {
			sk := seenKey(r.Source, r.ID)
			if seen.Get(sk) != nil {
				continue
			}
			if err := seen.Put(sk, stamp); err != nil {
				return fmt.Errorf("mark seen: %w", err)
			}
			seq, err := inbox.NextSequence()
			if err != nil {
				return fmt.Errorf("inbox sequence: %w", err)
			}
			if strings.IndexByte(r.Source, 0) >= 0 || strings.IndexByte(r.ID, 0) >= 0 {
				return fmt.Errorf("update id or source with a zero byte: %w", ErrBadKey)
			}
			seal, err := db.sealer()
			if err != nil {
				return err
			}
			k := seqKey(seq)
			if err := inbox.Put(k, seal.seal(k, encodeReceived(r))); err != nil {
				return fmt.Errorf("put update: %w", err)
			}
			r.Seq = seq
			fresh = append(fresh, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: receive: %w", err)
	}
	return fresh, nil
}

// pruneSeen forgets, at most once an hour, the ids older than SeenFor.
func (db *DB) pruneSeen(seen *bbolt.Bucket, now time.Time) error {
	if now.Sub(db.seenPruned) < time.Hour {
		return nil
	}
	cutoff := uint64(now.Add(-SeenFor).Unix())
	var old [][]byte
	err := seen.ForEach(func(k, v []byte) error {
		if len(v) != 8 || binary.BigEndian.Uint64(v) < cutoff {
			old = append(old, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := seen.Delete(k); err != nil {
			return fmt.Errorf("prune seen: %w", err)
		}
	}
	db.seenPruned = now
	return nil
}

// Inbox returns the updates of source still waiting to be handled, in
// the order they arrived: after a restart, they come before anything new.
func (db *DB) Inbox(source string) ([]Received, error) {
	var out []Received
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketInbox)
		if b == nil {
			return errNoMailBuckets
		}
		return b.ForEach(func(k, v []byte) error {
			plain, err := db.openSealed(k, v)
			if err != nil {
				return fmt.Errorf("inbox record: %w", ErrCorrupt)
			}
			r, ok := decodeReceived(binary.BigEndian.Uint64(k), plain)
			if !ok {
				return fmt.Errorf("inbox record of %d bytes: %w", len(plain), ErrCorrupt)
			}
			if r.Source == source {
				out = append(out, r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: read inbox: %w", err)
	}
	return out, nil
}

// Answer is Update for a message taken from the inbox: in the same
// transaction it deletes inbox entry received (none when 0) and puts the
// letters fn returns into the outbox. It returns those letters, numbered.
// As with Update, fn may run more than once and must have no effects.
func (db *DB) Answer(key string, received uint64, fn func(u *conversation.User, exists bool) (forget bool, out []Letter, err error)) ([]Letter, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	var queued []Letter
	err := db.bolt.Batch(func(tx *bbolt.Tx) error {
		var out []Letter
		err := updateUser(tx, []byte(key), func(u *conversation.User, exists bool) (bool, error) {
			forget, letters, err := fn(u, exists)
			out = letters
			return forget, err
		})
		if err != nil {
			return err
		}
		queued, err = db.post(tx, received, out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: answer: %w", err)
	}
	return queued, nil
}

// Post deletes inbox entry received (none when 0) and puts letters into
// the outbox, in one transaction, for a message that changes no user (a
// notice to a group) or needs no answer (then letters is empty).
func (db *DB) Post(received uint64, letters []Letter) ([]Letter, error) {
	var queued []Letter
	err := db.bolt.Batch(func(tx *bbolt.Tx) error {
		var err error
		queued, err = db.post(tx, received, letters)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: post: %w", err)
	}
	return queued, nil
}

func (db *DB) post(tx *bbolt.Tx, received uint64, letters []Letter) ([]Letter, error) {
	inbox, outbox := tx.Bucket(bucketInbox), tx.Bucket(bucketOutbox)
	if inbox == nil || outbox == nil {
		return nil, errNoMailBuckets
	}
	if received != 0 {
		if err := inbox.Delete(seqKey(received)); err != nil {
			return nil, fmt.Errorf("take from inbox: %w", err)
		}
	}
	queued := make([]Letter, 0, len(letters))
	for _, l := range letters {
		if l.Chat == "" || len(l.Chat) > MaxKeyLen {
			return nil, fmt.Errorf("letter to a chat name of %d bytes: %w", len(l.Chat), ErrBadKey)
		}
		seq, err := outbox.NextSequence()
		if err != nil {
			return nil, fmt.Errorf("outbox sequence: %w", err)
		}
		l.Seq = seq
		seal, err := db.sealer()
		if err != nil {
			return nil, err
		}
		k := letterKey(l.Chat, seq)
		if err := outbox.Put(k, seal.seal(k, l.Data)); err != nil {
			return nil, fmt.Errorf("put letter: %w", err)
		}
		queued = append(queued, l)
	}
	return queued, nil
}

// Sent takes letters out of the outbox once the network accepted them.
func (db *DB) Sent(letters ...Letter) error {
	err := db.bolt.Batch(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return errNoMailBuckets
		}
		for _, l := range letters {
			if err := b.Delete(letterKey(l.Chat, l.Seq)); err != nil {
				return fmt.Errorf("delete letter: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: sent: %w", err)
	}
	return nil
}

// Outbox returns the letters not yet accepted to the chats whose names
// start with prefix, chat by chat, each chat's in order.
func (db *DB) Outbox(prefix string) ([]Letter, error) {
	var out []Letter
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return errNoMailBuckets
		}
		p := []byte(prefix)
		c := b.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			chat, seq, ok := splitLetterKey(k)
			if !ok {
				return fmt.Errorf("outbox key of %d bytes: %w", len(k), ErrCorrupt)
			}
			data, err := db.openSealed(k, v)
			if err != nil {
				return fmt.Errorf("letter: %w", ErrCorrupt)
			}
			out = append(out, Letter{Seq: seq, Chat: chat, Data: data})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: read outbox: %w", err)
	}
	return out, nil
}

// openMail makes sure the boxes can be read with the key they were sealed
// with. When they are empty the key file is removed: whatever was sealed
// under it, also on bbolt's free pages, can then be read by no one, and
// the next mail gets a new key (sealer). Mail sealed under a key that is
// gone (the key file was deleted, or a backup was restored without it)
// cannot be read either; it is dropped and counted in Lost.
func (db *DB) openMail() error {
	key, err := readMailKey(db.keyPath())
	if err != nil {
		return err
	}
	var sealed int
	if err := db.bolt.View(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketInbox, bucketOutbox} {
			if b := tx.Bucket(name); b != nil {
				sealed += b.Stats().KeyN
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if key != nil && sealed > 0 {
		if db.seal, err = newSealer(key); err != nil {
			return err
		}
		return db.dropUnreadable()
	}
	if sealed > 0 {
		db.lost = sealed
		if err := db.bolt.Update(func(tx *bbolt.Tx) error {
			for _, name := range [][]byte{bucketInbox, bucketOutbox} {
				if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
					return err
				}
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("clear unreadable mail: %w", err)
		}
	}
	if err := os.Remove(db.keyPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the old mail key: %w", err)
	}
	return nil
}

func (db *DB) keyPath() string { return db.path + KeyFileSuffix }

// sealer returns the mail key's sealer, making the key when the first
// mail since Open needs one.
func (db *DB) sealer() (*sealer, error) {
	db.sealMu.Lock()
	defer db.sealMu.Unlock()
	if db.seal != nil {
		return db.seal, nil
	}
	key, err := newMailKey(db.keyPath())
	if err != nil {
		return nil, err
	}
	db.seal, err = newSealer(key)
	return db.seal, err
}

// openSealed opens a value of a box; with no key yet, no value was sealed
// since Open, and one found is unreadable.
func (db *DB) openSealed(k, v []byte) ([]byte, error) {
	db.sealMu.Lock()
	seal := db.seal
	db.sealMu.Unlock()
	if seal == nil {
		return nil, errUnsealable
	}
	return seal.open(k, v)
}

// dropUnreadable removes mail that does not open with the current key,
// which only a key file swapped by hand leaves behind.
func (db *DB) dropUnreadable() error {
	return db.bolt.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketInbox, bucketOutbox} {
			b := tx.Bucket(name)
			var bad [][]byte
			if err := b.ForEach(func(k, v []byte) error {
				if _, err := db.openSealed(k, v); err != nil {
					bad = append(bad, k)
				}
				return nil
			}); err != nil {
				return err
			}
			for _, k := range bad {
				if err := b.Delete(k); err != nil {
					return err
				}
				db.lost++
			}
		}
		return nil
	})
}

// Lost is how many updates and replies Open found sealed under a key that
// is gone, and dropped.
func (db *DB) Lost() int { return db.lost }

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func seenKey(source, id string) []byte {
	return append(append([]byte(source), 0), id...)
}

func letterKey(chat string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(chat), 0), seq)
}

func splitLetterKey(k []byte) (chat string, seq uint64, ok bool) {
	if len(k) < 10 || k[len(k)-9] != 0 {
		return "", 0, false
	}
	return string(k[:len(k)-9]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

var errNoMailBuckets = fmt.Errorf("mail buckets missing")
