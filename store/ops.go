package store

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
)

var keyHeartbeat = []byte("heartbeat")

// Ping proves the database is writable: it commits a heartbeat (the time)
// to the meta bucket. Health checks call it.
func (db *DB) Ping() error {
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(keyHeartbeat, binary.BigEndian.AppendUint64(nil, uint64(time.Now().Unix())))
	})
	if err != nil {
		return fmt.Errorf("write heartbeat: %w", err)
	}
	return nil
}

// WriteBackup writes a consistent copy of the whole database to w while
// the bot keeps running: a read transaction sees one snapshot, and bbolt
// copies it page by page.
func (db *DB) WriteBackup(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("write backup: %w", err)
	}
	return n, nil
}

// BackupTo writes a consistent copy of the database to path.
func (db *DB) BackupTo(path string) (int64, error) {
	return WriteBackupFile(path, db.WriteBackup)
}

// WriteBackupFile writes a backup produced by write to path, through a
// temporary file renamed into place, so a failed backup never leaves a
// truncated file under the final name. The file is readable by its owner
// only.
func WriteBackupFile(path string, write func(io.Writer) (int64, error)) (int64, error) {
	n, err := writeFileAtomic(path, write)
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, nil
}

// writeFileAtomic writes a file of the owner's only, whole or not at all:
// through a synced temporary file in the same directory, renamed into
// place.
func writeFileAtomic(path string, write func(io.Writer) (int64, error)) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), fileMode)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}
