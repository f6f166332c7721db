//go:build goolm

package matrix

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/sqlstatestore"

	// The pure-Go SQLite driver, registered as "sqlite": no cgo anywhere.
	_ "modernc.org/sqlite"
)

// openCryptoDB opens the SQLite file that holds the Olm account, the
// Megolm sessions and the room state the encryption needs.
func openCryptoDB(path string) (*dbutil.Database, error) {
	// Created readable by the bot's user only; SQLite gives its -wal and
	// -shm files the same mode.
	fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("matrix: open crypto store: %w", err)
	}
	fh.Close()
	q := url.Values{}
	// WAL lets the sync loop read while a reply is being encrypted;
	// immediate transactions and a busy timeout turn lock conflicts into
	// short waits instead of SQLITE_BUSY errors.
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("_txlock", "immediate")
	uri := "file:" + path + "?" + q.Encode()
	// dbutil picks its SQL dialect from the driver name: "sqlite" is
	// modernc's and reads as the SQLite dialect.
	db, err := dbutil.NewWithDialect(uri, "sqlite")
	if err != nil {
		return nil, fmt.Errorf("matrix: open crypto store %s: %w", path, err)
	}
	return db, nil
}

// pickleKey is the key that encrypts the Olm account and sessions at
// rest: the configured one, or one generated on first start and kept
// beside the crypto store, readable by the bot's user only.
func pickleKey(configured, path string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	data, err := os.ReadFile(path)
	if err == nil {
		key := strings.TrimSpace(string(data))
		if key == "" {
			return nil, fmt.Errorf("matrix: pickle key file %s is empty", path)
		}
		return []byte(key), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("matrix: read pickle key: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := base64.RawStdEncoding.EncodeToString(raw)
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("matrix: create pickle key file: %w", err)
	}
	if _, err := fh.WriteString(key + "\n"); err != nil {
		fh.Close()
		return nil, fmt.Errorf("matrix: write pickle key file: %w", err)
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return nil, fmt.Errorf("matrix: write pickle key file: %w", err)
	}
	if err := fh.Close(); err != nil {
		return nil, fmt.Errorf("matrix: write pickle key file: %w", err)
	}
	return []byte(key), nil
}

// setupCrypto gives the logged-in client end-to-end encryption. It must
// run after the client's Store is set to the state file, or cryptohelper
// would move the sync token into the crypto database.
func setupCrypto(ctx context.Context, cli *mautrix.Client, db *dbutil.Database, key []byte) (*cryptohelper.CryptoHelper, *sqlstatestore.SQLStateStore, error) {
	helper, err := cryptohelper.NewCryptoHelper(cli, key, db)
	if err != nil {
		return nil, nil, fmt.Errorf("matrix: set up encryption: %w", err)
	}
	// One Olm account per device: a token for another device must not
	// meet the old device's keys (cryptohelper refuses that), it starts a
	// fresh account instead.
	helper.DBAccountID = cli.DeviceID.String()
	if err := helper.Init(ctx); err != nil {
		return nil, nil, fmt.Errorf("matrix: set up encryption (if the pickle key changed, it must be the one the crypto store was created with): %w", err)
	}
	states, ok := cli.StateStore.(*sqlstatestore.SQLStateStore)
	if !ok {
		return nil, nil, fmt.Errorf("matrix: unexpected state store %T", cli.StateStore)
	}
	cli.Crypto = helper
	return helper, states, nil
}
