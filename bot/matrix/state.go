//go:build goolm

package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"maunium.net/go/mautrix/id"
)

// persisted is what the front end remembers between runs. The access
// token is not in it: a password login gets a fresh one for the same
// device, and a configured token is already in the environment.
type persisted struct {
	UserID     id.UserID   `json:"user_id"`
	DeviceID   id.DeviceID `json:"device_id,omitempty"`
	NextBatch  string      `json:"next_batch,omitempty"`
	FilterID   string      `json:"filter_id,omitempty"`
	FilterHash string      `json:"filter_hash,omitempty"`
	// DMs is each user's direct chat with the bot, where reminders go.
	DMs map[id.UserID]id.RoomID `json:"dm_rooms,omitempty"`
}

// state is the front end's own JSON file. It doubles as mautrix's
// SyncStore so that the sync token and filter live here rather than in the
// crypto database, where cryptohelper would otherwise put them.
type state struct {
	path string
	mu   sync.Mutex
	p    persisted
	// next is the sync token mautrix handed over, written to the file by
	// commitNextBatch only once the events of that sync are in the inbox.
	next string
}

func loadState(path string) (*state, error) {
	s := &state{path: path}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("matrix: read state file: %w", err)
	default:
		if err := json.Unmarshal(data, &s.p); err != nil {
			return nil, fmt.Errorf("matrix: state file %s is damaged (%v); move it away to start over", path, err)
		}
	}
	if s.p.DMs == nil {
		s.p.DMs = map[id.UserID]id.RoomID{}
	}
	return s, nil
}

// saveLocked writes the file whole and renames it into place, so a crash
// leaves either the old file or the new one, never half of each.
func (s *state) saveLocked() error {
	data, err := json.MarshalIndent(s.p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("matrix: write state file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("matrix: write state file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("matrix: write state file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("matrix: write state file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("matrix: write state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("matrix: write state file: %w", err)
	}
	return nil
}

func (s *state) update(fn func(p *persisted) bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !fn(&s.p) {
		return nil
	}
	return s.saveLocked()
}

func (s *state) get() persisted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p
}

// bind makes the file belong to user: anything remembered for another
// account (the configuration changed) would be wrong for this one.
func (s *state) bind(user id.UserID) error {
	return s.update(func(p *persisted) bool {
		if p.UserID == user {
			return false
		}
		*p = persisted{UserID: user, DMs: map[id.UserID]id.RoomID{}}
		return true
	})
}

func (s *state) setDevice(device id.DeviceID) error {
	return s.update(func(p *persisted) bool {
		if p.DeviceID == device {
			return false
		}
		p.DeviceID = device
		return true
	})
}

// dmRoom is the user's direct chat with the bot, if any.
func (s *state) dmRoom(user id.UserID) (id.RoomID, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.p.DMs[user]
	return r, ok
}

func (s *state) setDM(user id.UserID, room id.RoomID) error {
	return s.update(func(p *persisted) bool {
		if p.DMs[user] == room {
			return false
		}
		p.DMs[user] = room
		return true
	})
}

// forgetRoom drops every user's mapping to room, or only user's when user
// is set.
func (s *state) forgetRoom(room id.RoomID, user id.UserID) error {
	return s.update(func(p *persisted) bool {
		changed := false
		for u, r := range p.DMs {
			if r == room && (user == "" || u == user) {
				delete(p.DMs, u)
				changed = true
			}
		}
		return changed
	})
}

// setFilterHash forgets the stored filter when the filter the code asks
// for changed since it was created.
func (s *state) setFilterHash(hash string) error {
	return s.update(func(p *persisted) bool {
		if p.FilterHash == hash {
			return false
		}
		p.FilterHash, p.FilterID = hash, ""
		return true
	})
}

// The mautrix.SyncStore methods. The user ID is always the bot's.

func (s *state) SaveFilterID(_ context.Context, _ id.UserID, filterID string) error {
	return s.update(func(p *persisted) bool {
		if p.FilterID == filterID {
			return false
		}
		p.FilterID = filterID
		return true
	})
}

func (s *state) LoadFilterID(context.Context, id.UserID) (string, error) {
	return s.get().FilterID, nil
}

// SaveNextBatch only remembers the token: mautrix saves it before the
// sync's events are processed, and a crash then would skip them.
func (s *state) SaveNextBatch(_ context.Context, _ id.UserID, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = token
	return nil
}

func (s *state) LoadNextBatch(context.Context, id.UserID) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next != "" {
		return s.next, nil
	}
	return s.p.NextBatch, nil
}

// commitNextBatch writes the token of the sync whose events are now safe.
func (s *state) commitNextBatch() error {
	return s.update(func(p *persisted) bool {
		if s.next == "" || p.NextBatch == s.next {
			return false
		}
		p.NextBatch = s.next
		return true
	})
}
