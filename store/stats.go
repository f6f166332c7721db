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

// NoteUnanswered counts a question the bot could not answer, so the
// knowledge base can grow where people need it. The caller passes text
// with personal data already removed.
func (db *DB) NoteUnanswered(question string) error {
	if len(question) > maxQuestion {
		question = question[:maxQuestion]
	}
	if question == "" {
		return nil
	}
	return db.bolt.Batch(func(tx *bbolt.Tx) error {
		return increment(tx, bucketUnanswered, []byte(question))
	})
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
			if err := b.ForEach(func(k, v []byte) error {
				if len(v) == 8 {
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
