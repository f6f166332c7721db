//go:build goolm

package matrix

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/signatures"
	"maunium.net/go/mautrix/id"
)

// RecoveryKeyFile is where the recovery key of the bot's cross-signing
// keys is written once, when they are made: the operator keeps it
// somewhere safe and deletes the file.
const RecoveryKeyFile = "clavebot-matrix.recovery-key"

// Cross-signing: the bot's device is signed by its owner's self-signing
// key, so that clients (Element) trust it, show its replies without a
// red shield, and share their keys with it even when they exclude
// unverified devices. The private keys are made once and kept, encrypted
// with the pickle key, in the crypto store: a restart reuses them.

// trustState is what the homeserver says of the bot's device.
type trustState struct {
	master id.Ed25519 // the account's master key, "" when it has none
	signed bool       // the device is signed by the account's self-signing key, itself signed by the master key
}

// crossSign makes sure the bot's device is signed by its owner, making and
// uploading the cross-signing keys the first time (with the password).
func (f *FrontEnd) crossSign(ctx context.Context, key []byte) error {
	mach := f.crypto.Machine()
	if err := f.createSeedTable(ctx); err != nil {
		return err
	}
	seeds, err := f.loadSeeds(ctx, key)
	if err != nil {
		return err
	}
	st, err := f.ownTrust(ctx)
	if err != nil {
		return err
	}
	switch {
	case seeds != nil:
		if err := mach.ImportCrossSigningKeys(*seeds); err != nil {
			return fmt.Errorf("matrix: cross-signing keys in the crypto store: %w", err)
		}
		if mach.CrossSigningKeys.MasterKey.PublicKey() != st.master {
			// Reset from another login: the kept keys are stale, and
			// replacing the owner's identity is not the bot's to do.
			mach.CrossSigningKeys = nil
			if !st.signed {
				f.log.Warn("matrix: the account's cross-signing keys were replaced elsewhere and this device is not signed by them: verify it from another session of the bot's account")
			}
			return nil
		}
		if st.signed {
			return nil
		}
		return f.signOwnDevice(ctx)
	case st.signed:
		f.log.Info("matrix: the device is signed by its owner from another session")
		return nil
	case st.master != "":
		f.log.Warn("matrix: the account has cross-signing keys that the bot does not hold, so it cannot sign its device: verify the device from another session of the bot's account")
		return nil
	case f.cfg.Password == "":
		f.log.Warn("matrix: the device is not cross-signed, so clients show its messages as unverified and may not share their keys with it; cross-signing needs the password once: start once with the password configured as well")
		return nil
	}
	recovery, keys, err := mach.GenerateAndUploadCrossSigningKeysWithPassword(ctx, f.cfg.Password, "")
	if err != nil {
		return fmt.Errorf("matrix: set up cross-signing: %w", f.redact(err))
	}
	if err := f.saveSeeds(ctx, key, keys.Seeds()); err != nil {
		return err
	}
	if err := f.signOwnDevice(ctx); err != nil {
		return err
	}
	if err := mach.SignOwnMasterKey(ctx); err != nil {
		return fmt.Errorf("matrix: sign the master key: %w", f.redact(err))
	}
	path, err := writeRecoveryKey(f.cfg.StateDir, recovery)
	if err != nil {
		return err
	}
	f.log.Warn("matrix: cross-signing set up for the bot's account; its recovery key is in a file: keep it somewhere safe, then delete the file", "file", path)
	return nil
}

func (f *FrontEnd) signOwnDevice(ctx context.Context) error {
	mach := f.crypto.Machine()
	if err := mach.SignOwnDevice(ctx, mach.OwnIdentity()); err != nil {
		return fmt.Errorf("matrix: sign the device: %w", f.redact(err))
	}
	f.log.Info("matrix: signed the device with the account's self-signing key", "device", f.cli.DeviceID)
	return nil
}

// ownTrust reads from the homeserver the account's cross-signing keys and
// the device's signatures, and checks them.
func (f *FrontEnd) ownTrust(ctx context.Context) (trustState, error) {
	me, dev := f.cli.UserID, f.cli.DeviceID
	resp, err := f.cli.QueryKeys(ctx, &mautrix.ReqQueryKeys{DeviceKeys: mautrix.DeviceKeysRequest{me: mautrix.DeviceIDList{dev}}})
	if err != nil {
		return trustState{}, fmt.Errorf("matrix: query own keys: %w", f.redact(err))
	}
	var st trustState
	msk, ok := resp.MasterKeys[me]
	if !ok {
		return st, nil
	}
	st.master = msk.FirstKey()
	ssk, ok := resp.SelfSigningKeys[me]
	device, found := resp.DeviceKeys[me][dev]
	if !ok || !found {
		return st, nil
	}
	sskKey := ssk.FirstKey()
	if ok, _ := signatures.VerifySignatureJSON(ssk, me, st.master.String(), st.master); !ok {
		return st, nil
	}
	signed, _ := signatures.VerifySignatureJSON(device, me, sskKey.String(), sskKey)
	st.signed = signed
	return st, nil
}

func (f *FrontEnd) createSeedTable(ctx context.Context) error {
	_, err := f.db.Exec(ctx, `CREATE TABLE IF NOT EXISTS clavebot_cross_signing (user_id TEXT PRIMARY KEY, sealed BLOB NOT NULL)`)
	if err != nil {
		return fmt.Errorf("matrix: crypto store: %w", err)
	}
	return nil
}

// loadSeeds returns the kept cross-signing keys of the bot's user, nil
// when there are none.
func (f *FrontEnd) loadSeeds(ctx context.Context, key []byte) (*crypto.CrossSigningSeeds, error) {
	var sealed []byte
	err := f.db.QueryRow(ctx, `SELECT sealed FROM clavebot_cross_signing WHERE user_id=$1`, f.cli.UserID.String()).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("matrix: read cross-signing keys: %w", err)
	}
	plain, err := open(seedKey(key), sealed)
	if err != nil {
		return nil, fmt.Errorf("matrix: cross-signing keys do not open with this pickle key: %w", err)
	}
	var seeds crypto.CrossSigningSeeds
	if err := json.Unmarshal(plain, &seeds); err != nil {
		return nil, fmt.Errorf("matrix: read cross-signing keys: %w", err)
	}
	return &seeds, nil
}

func (f *FrontEnd) saveSeeds(ctx context.Context, key []byte, seeds crypto.CrossSigningSeeds) error {
	plain, err := json.Marshal(seeds)
	if err != nil {
		return err
	}
	sealed, err := seal(seedKey(key), plain)
	if err != nil {
		return err
	}
	_, err = f.db.Exec(ctx, `INSERT INTO clavebot_cross_signing (user_id, sealed) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET sealed=excluded.sealed`, f.cli.UserID.String(), sealed)
	if err != nil {
		return fmt.Errorf("matrix: keep cross-signing keys: %w", err)
	}
	return nil
}

// seedKey derives the key that seals the cross-signing keys from the
// pickle key, which protects the rest of the crypto store.
func seedKey(pickle []byte) []byte {
	sum := sha256.Sum256(append([]byte("clavebot cross-signing keys\x00"), pickle...))
	return sum[:]
}

func seal(key, plain []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plain, nil), nil
}

func open(key, sealed []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("too short")
	}
	return gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// writeRecoveryKey writes the recovery key next to the crypto store,
// readable by the bot's user only, and returns the file's path.
func writeRecoveryKey(dir, recovery string) (string, error) {
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, RecoveryKeyFile)
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return "", fmt.Errorf("matrix: write the recovery key: %w", err)
	}
	if _, err := fh.WriteString(recovery + "\n"); err != nil {
		fh.Close()
		return "", fmt.Errorf("matrix: write the recovery key: %w", err)
	}
	if err := fh.Close(); err != nil {
		return "", fmt.Errorf("matrix: write the recovery key: %w", err)
	}
	return path, nil
}
