package store

import "go.etcd.io/bbolt"

// Migrate runs an arbitrary migration list, so tests can exercise
// versions this code does not have yet.
func Migrate(tx *bbolt.Tx, ms []func(*bbolt.Tx) error) error {
	list := make([]migration, len(ms))
	for i, m := range ms {
		list[i] = m
	}
	return migrate(tx, list)
}

// SchemaVersion is the version this code writes.
var SchemaVersion = schemaVersion

// EncodeUser lets benchmarks size plain bbolt values like real records.
var EncodeUser = encodeUser

// MigrationCount is how many migrations this code has.
var MigrationCount = len(migrations)

// ReadMailKey reads a mail key file.
var ReadMailKey = readMailKey
