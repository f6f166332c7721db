package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/conversation"
)

// Anonymous counters for the operators' /stats. Neither bucket holds a
// user key, so /forget has nothing to erase there.
var (
	bucketUnanswered = []byte("unanswered") // question text -> times asked
	bucketCounters   = []byte("counters")   // name -> count
)

// maxQuestion bounds what is kept of an unanswered question.
const maxQuestion = 200

// UnansweredFor is how long an unanswered question is kept after it was
// last asked.
const UnansweredFor = 90 * 24 * time.Hour

// pruneMark is the counter that records the day unanswered questions
// were last pruned, so that pruning runs once a day.
var pruneMark = []byte("unanswered-pruned")

// NoteUnanswered counts a question the bot could not answer, asked at
// at, so the knowledge base can grow where people need it. The caller
// passes the question already anonymised; it is stored with its count
// and the last time it was asked, never with who asked. Once a day it
// drops the questions not asked for UnansweredFor.
func (db *DB) NoteUnanswered(question string, at time.Time) error {
	if len(question) > maxQuestion {
		question = question[:maxQuestion]
	}
	if question == "" {
		return nil
	}
	return db.bolt.Batch(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketUnanswered)
		if err != nil {
			return err
		}
		var n uint64
		if v := b.Get([]byte(question)); len(v) == 16 {
			n = binary.BigEndian.Uint64(v)
		}
		v := binary.BigEndian.AppendUint64(nil, n+1)
		if err := b.Put([]byte(question), binary.BigEndian.AppendUint64(v, uint64(at.Unix()))); err != nil {
			return err
		}
		return pruneUnanswered(tx, at)
	})
}

// pruneUnanswered drops, at most once a day, the unanswered questions
// last asked more than UnansweredFor before at, and any kept in an older
// form (a count alone: the question as typed).
func pruneUnanswered(tx *bbolt.Tx, at time.Time) error {
	counters, err := tx.CreateBucketIfNotExists(bucketCounters)
	if err != nil {
		return err
	}
	day := uint64(at.Unix() / 86400)
	if v := counters.Get(pruneMark); len(v) == 8 && binary.BigEndian.Uint64(v) == day {
		return nil
	}
	b := tx.Bucket(bucketUnanswered)
	cutoff := at.Add(-UnansweredFor).Unix()
	var old [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		if len(v) != 16 || int64(binary.BigEndian.Uint64(v[8:])) < cutoff {
			old = append(old, slices.Clone(k))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return counters.Put(pruneMark, binary.BigEndian.AppendUint64(nil, day))
}

// CountReminderSent counts a delivered reminder in the week of at.
func (db *DB) CountReminderSent(at time.Time) error {
	return db.bolt.Batch(func(tx *bbolt.Tx) error {
		return increment(tx, bucketCounters, []byte(weekKey(at)))
	})
}

func weekKey(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("reminders-sent:%04d-W%02d", y, w)
}

func increment(tx *bbolt.Tx, bucket, key []byte) error {
	b, err := tx.CreateBucketIfNotExists(bucket)
	if err != nil {
		return err
	}
	var n uint64
	if v := b.Get(key); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put(key, binary.BigEndian.AppendUint64(nil, n+1))
}

// Stats counts users, letters and reminders; it reads every record, which
// is fine for an occasional admin command.
func (db *DB) Stats(now time.Time, topUnanswered int) (conversation.Stats, error) {
	st := conversation.Stats{UsersByFrontEnd: map[string]int{}, UsersByLang: map[string]int{}}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			u, err := decodeUser(v)
			if err != nil {
				return err
			}
			fe := "unknown"
			if i := bytes.IndexByte(k, ':'); i > 0 {
				fe = string(k[:i])
			}
			st.UsersByFrontEnd[fe]++
			lang := string(u.Lang)
			if lang == "" {
				lang = "unknown"
			}
			st.UsersByLang[lang]++
			if !u.Letter.Dated.IsZero() && u.RegisteredOn.IsZero() {
				st.LettersTracked++
			}
			return nil
		}); err != nil {
			return err
		}
		if b := tx.Bucket(bucketDue); b != nil {
			st.RemindersPending = b.Stats().KeyN
		}
		if b := tx.Bucket(bucketCounters); b != nil {
			if v := b.Get([]byte(weekKey(now))); len(v) == 8 {
				st.RemindersSentThisWeek = int(binary.BigEndian.Uint64(v))
			}
		}
		if b := tx.Bucket(bucketUnanswered); b != nil {
			cutoff := now.Add(-UnansweredFor).Unix()
			if err := b.ForEach(func(k, v []byte) error {
				if len(v) == 16 && int64(binary.BigEndian.Uint64(v[8:])) >= cutoff {
					st.Unanswered = append(st.Unanswered, conversation.Unanswered{Question: string(k), Count: int(binary.BigEndian.Uint64(v))})
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return conversation.Stats{}, fmt.Errorf("read stats: %w", err)
	}
	slices.SortStableFunc(st.Unanswered, func(a, b conversation.Unanswered) int { return b.Count - a.Count })
	if len(st.Unanswered) > topUnanswered {
		st.Unanswered = st.Unanswered[:topUnanswered]
	}
	return st, nil
}
