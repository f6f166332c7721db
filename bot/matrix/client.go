//go:build goolm

package matrix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// syncFilter leaves out what the bot never reads: presence, typing and
// receipts, account data. Room state and to-device messages stay, since
// encryption needs the member lists and the keys.
var syncFilter = mautrix.Filter{
	AccountData: &mautrix.FilterPart{NotTypes: []event.Type{{Type: "*"}}},
	Presence:    &mautrix.FilterPart{NotTypes: []event.Type{{Type: "*"}}},
	Room: &mautrix.RoomFilter{
		AccountData: &mautrix.FilterPart{NotTypes: []event.Type{{Type: "*"}}},
		Ephemeral:   &mautrix.FilterPart{NotTypes: []event.Type{{Type: "*"}}},
		Timeline:    &mautrix.FilterPart{Limit: 50},
	},
}

func (f *FrontEnd) newClient() (*mautrix.Client, error) {
	cli, err := mautrix.NewClient(f.cfg.Homeserver, id.UserID(f.cfg.UserID), "")
	if err != nil {
		return nil, fmt.Errorf("matrix: homeserver address: %w", err)
	}
	cli.Client = &http.Client{
		Timeout: 3 * time.Minute,
		Transport: &rateLimited{
			next: http.DefaultTransport, log: f.log,
			maxTries: 20, maxWait: time.Minute,
		},
	}
	// 502-504 and network errors: mautrix retries those itself, with the
	// same transaction ID, so a retried send cannot be duplicated. 429s
	// are the transport's alone, or mautrix would retry them again after
	// its own guess of a wait.
	cli.DefaultHTTPRetries = 3
	cli.DefaultHTTPBackoff = time.Second
	cli.IgnoreRateLimit = true
	cli.Log = newZerolog(f.log, func() []string { return []string{f.cfg.Password, f.cfg.AccessToken, cli.AccessToken} })
	filter := syncFilter
	syncer := &syncer{DefaultSyncer: mautrix.NewDefaultSyncer(), log: f.log, redact: func(err error) string { return f.redact(err).Error() }}
	syncer.FilterJSON = &filter
	cli.Syncer = syncer
	cli.Store = f.state
	data, _ := json.Marshal(&filter)
	sum := sha256.Sum256(data)
	if err := f.state.setFilterHash(hex.EncodeToString(sum[:8])); err != nil {
		return nil, err
	}
	return cli, nil
}

// login authenticates and settles the device. With a password it logs in
// as the device it had before: a new device on every start would leave
// users' clients encrypting for devices that no longer read anything.
func (f *FrontEnd) login(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cli := f.cli
	if f.cfg.AccessToken != "" {
		cli.AccessToken = f.cfg.AccessToken
		who, err := cli.Whoami(ctx)
		switch {
		case errors.Is(err, mautrix.MUnknownToken), errors.Is(err, mautrix.MForbidden):
			return fmt.Errorf("%w: the access token (%w)", ErrBadCredentials, f.redact(err))
		case err != nil:
			return fmt.Errorf("matrix: cannot reach the homeserver: %w", f.redact(err))
		case f.cfg.UserID != "" && who.UserID != id.UserID(f.cfg.UserID):
			return fmt.Errorf("matrix: the access token belongs to %s, not to the configured user %s", who.UserID, f.cfg.UserID)
		case who.DeviceID == "":
			return errors.New("matrix: the access token has no device; encryption needs one (log in with the password instead)")
		}
		cli.UserID, cli.DeviceID = who.UserID, who.DeviceID
		if err := f.state.bind(cli.UserID); err != nil {
			return err
		}
		if old := f.state.get().DeviceID; old != "" && old != cli.DeviceID {
			f.log.Warn("matrix: the access token belongs to another device than before; encryption starts afresh for it", "old_device", old, "device", cli.DeviceID)
		}
		return f.state.setDevice(cli.DeviceID)
	}

	if err := f.state.bind(id.UserID(f.cfg.UserID)); err != nil {
		return err
	}
	_, err := cli.Login(ctx, &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypePassword,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: f.cfg.UserID},
		Password:                 f.cfg.Password,
		DeviceID:                 f.state.get().DeviceID,
		InitialDeviceDisplayName: "clavebot",
		StoreCredentials:         true,
	})
	switch {
	case errors.Is(err, mautrix.MForbidden), errors.Is(err, mautrix.MUnknownToken), errors.Is(err, mautrix.MUserDeactivated):
		return fmt.Errorf("%w: the user ID and password (%w)", ErrBadCredentials, f.redact(err))
	case err != nil:
		return fmt.Errorf("matrix: log in: %w", f.redact(err))
	case cli.UserID != id.UserID(f.cfg.UserID):
		return fmt.Errorf("matrix: logged in as %s, but the configured user is %s", cli.UserID, f.cfg.UserID)
	}
	return f.state.setDevice(cli.DeviceID)
}

// syncer is mautrix's DefaultSyncer with failures logged: its own
// OnFailedSync waits silently.
type syncer struct {
	*mautrix.DefaultSyncer
	log    *slog.Logger
	redact func(error) string
}

func (s *syncer) OnFailedSync(res *mautrix.RespSync, err error) (time.Duration, error) {
	wait, err2 := s.DefaultSyncer.OnFailedSync(res, err)
	if err2 == nil {
		s.log.Warn("matrix: sync failed, retrying", "err", s.redact(err), "in", wait)
	}
	return wait, err2
}
