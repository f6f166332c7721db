package store_test

import (
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

// benchParallelism multiplies GOMAXPROCS into the number of goroutines of
// the parallel benchmarks. A bot's handlers spend their time waiting for
// fsync, not computing, so it runs far more of them than it has CPUs.
const benchParallelism = 32

// benchUsers is how many distinct users the sequential benchmarks cycle
// through, so the b-tree has a realistic number of keys.
const benchUsers = 1000

func benchKeys() []string {
	keys := make([]string, benchUsers)
	for i := range keys {
		keys[i] = "tg:" + strconv.Itoa(100000000+i)
	}
	return keys
}

// touch is what a typical message does to a typical user: record the time
// and move the flow on.
func touch(now time.Time) func(u *conversation.User, exists bool) (bool, error) {
	return func(u *conversation.User, exists bool) (bool, error) {
		if !exists {
			*u = typicalUser()
		}
		u.LastSeen = now
		u.Flow.Since = now
		return false, nil
	}
}

// BenchmarkUpdate is one handler: each Update waits out bbolt's batch delay
// alone and then pays its own fsync.
func BenchmarkUpdate(b *testing.B) {
	db := MustOpen(b)
	keys := benchKeys()
	i := 0
	for b.Loop() {
		if err := db.Update(keys[i%len(keys)], touch(day0.Add(time.Duration(i)))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkUpdateParallel is many users writing at once: their Updates
// share transactions and fsyncs through Batch.
func BenchmarkUpdateParallel(b *testing.B) {
	db := MustOpen(b)
	var next atomic.Int64
	b.SetParallelism(benchParallelism)
	b.RunParallel(func(pb *testing.PB) {
		key := "tg:" + strconv.FormatInt(100000000+next.Add(1), 10)
		i := 0
		for pb.Next() {
			if err := db.Update(key, touch(day0.Add(time.Duration(i)))); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkPlainBoltPut is the floor the store is measured against: bbolt
// writing a value the size of an encoded typical record, with no decoding,
// encoding or migration logic.
func BenchmarkPlainBoltPut(b *testing.B) {
	u := typicalUser()
	rec, err := store.EncodeUser(&u)
	if err != nil {
		b.Fatal(err)
	}
	value := make([]byte, len(rec))
	for i := range value {
		value[i] = 'x'
	}
	b.Logf("value size %d bytes", len(value))
	bucket := []byte("users")
	open := func(b *testing.B) *bbolt.DB {
		db := MustOpenBolt(b, filepath.Join(b.TempDir(), "plain.db"))
		if err := db.Update(func(tx *bbolt.Tx) error {
			_, err := tx.CreateBucket(bucket)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		return db
	}
	put := func(key []byte) func(tx *bbolt.Tx) error {
		return func(tx *bbolt.Tx) error { return tx.Bucket(bucket).Put(key, value) }
	}

	b.Run("sequential", func(b *testing.B) {
		db := open(b)
		keys := benchKeys()
		i := 0
		for b.Loop() {
			if err := db.Batch(put([]byte(keys[i%len(keys)]))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		db := open(b)
		var next atomic.Int64
		b.SetParallelism(benchParallelism)
		b.RunParallel(func(pb *testing.PB) {
			key := []byte("tg:" + strconv.FormatInt(100000000+next.Add(1), 10))
			for pb.Next() {
				if err := db.Batch(put(key)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	// Without Batch a lone writer skips the batch delay: the cost of one
	// fsync, for comparison with "sequential".
	b.Run("sequential-nobatch", func(b *testing.B) {
		db := open(b)
		keys := benchKeys()
		i := 0
		for b.Loop() {
			if err := db.Update(put([]byte(keys[i%len(keys)]))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
