package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// The inbox and outbox hold what people typed and what the bot answers
// until each is handled or sent: a pasted CSV code can be among them. bbolt
// leaves deleted values on free pages, so they are sealed with a key kept
// in a file beside the database, which Open deletes whenever it finds both
// boxes empty (the next mail gets a new key): whatever was ever written
// under an old key is then unreadable, in the file and in its free pages
// alike.

// KeyFileSuffix names the file holding the mail key: "clavebot.db" keeps
// it in "clavebot.db.mailkey".
const KeyFileSuffix = ".mailkey"

const mailKeyLen = 32

// sealer encrypts mail with AES-256-GCM; the bucket key is the additional
// data, so a value moved to another key does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("mail key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("mail key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(key, plain []byte) []byte {
	out := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return s.aead.Seal(out, out, plain, key)
}

// errUnsealable means a value was sealed under another key: it was written
// before the key file was replaced or removed.
var errUnsealable = errors.New("sealed under another key")

func (s *sealer) open(key, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errUnsealable
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], key)
	if err != nil {
		return nil, errUnsealable
	}
	return plain, nil
}

// readMailKey returns the key in path, or nil when there is none.
func readMailKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read mail key: %w", err)
	}
	// The key is raw bytes: any of them may look like white space.
	if len(b) != mailKeyLen {
		return nil, nil
	}
	return b, nil
}

// newMailKey writes a fresh key to path, replacing the old one only once
// the new one is safely on disk.
func newMailKey(path string) ([]byte, error) {
	key := make([]byte, mailKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("new mail key: %w", err)
	}
	if _, err := writeFileAtomic(path, func(w io.Writer) (int64, error) {
		n, err := w.Write(key)
		return int64(n), err
	}); err != nil {
		return nil, fmt.Errorf("new mail key: %w", err)
	}
	return key, nil
}
