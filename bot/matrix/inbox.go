//go:build goolm

package matrix

import (
	"context"
	"encoding/json"
	"fmt"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
)

// source names Matrix in the inbox.
const source = "mx"

// inboxEvent is a timeline event as the inbox keeps it: as the homeserver
// sent it (still encrypted when it was), with its room, which the sync
// response gives apart.
type inboxEvent struct {
	Room  id.RoomID    `json:"room"`
	Event *event.Event `json:"event"`
}

// receive runs on every sync before its events are handled: the messages
// that may be for the bot go into the inbox, and only then is the sync
// position written, so that a crash makes the homeserver send them again
// rather than skip them. When the inbox cannot be written the sync stops,
// and with it the process: a restart picks up from the last safe position.
func (f *FrontEnd) receive(_ context.Context, resp *mautrix.RespSync, _ string) bool {
	var updates []bot.Received
	for room, data := range resp.Rooms.Join {
		for _, evt := range data.Timeline.Events {
			if evt.StateKey != nil || evt.Sender == f.cli.UserID ||
				(evt.Type != event.EventMessage && evt.Type != event.EventEncrypted) {
				continue
			}
			// The content is not parsed yet, so this is the event as sent.
			raw, err := json.Marshal(inboxEvent{Room: room, Event: evt})
			if err != nil {
				f.log.Error("matrix: an event could not be stored and is skipped", "room", room, "err", err)
				continue
			}
			updates = append(updates, bot.Received{Source: source, ID: string(evt.ID), Data: raw})
		}
	}
	fresh, err := f.svc.Receive(updates)
	if err != nil {
		f.failSync(fmt.Errorf("matrix: store received messages: %w", err))
		return false
	}
	f.mu.Lock()
	for _, r := range fresh {
		f.inbox[id.EventID(r.ID)] = r.Seq
	}
	f.mu.Unlock()
	if len(fresh) < len(updates) {
		// Events handled before a restart come again in the sync that
		// follows it: only the fresh ones go on.
		seen := map[id.EventID]bool{}
		for _, u := range updates {
			seen[id.EventID(u.ID)] = true
		}
		for _, r := range fresh {
			delete(seen, id.EventID(r.ID))
		}
		for _, data := range resp.Rooms.Join {
			kept := data.Timeline.Events[:0]
			for _, evt := range data.Timeline.Events {
				if !seen[evt.ID] {
					kept = append(kept, evt)
				}
			}
			data.Timeline.Events = kept
		}
	}
	if err := f.state.commitNextBatch(); err != nil {
		f.failSync(err)
		return false
	}
	return true
}

// failSync stops syncing for a reason Run then returns.
func (f *FrontEnd) failSync(err error) {
	f.log.Error("matrix: stopping", "err", err)
	f.mu.Lock()
	if f.syncErr == nil {
		f.syncErr = err
	}
	f.mu.Unlock()
	f.cli.StopSync()
}

// received takes the inbox number of an event out of the front end's
// memory: 0 for one that did not come through the inbox.
func (f *FrontEnd) received(evt id.EventID) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	seq := f.inbox[evt]
	delete(f.inbox, evt)
	return seq
}

// drop takes an event that needs no answer out of the inbox.
func (f *FrontEnd) drop(seq uint64) {
	if seq == 0 {
		return
	}
	if _, err := f.svc.Post(seq); err != nil {
		f.log.Error("matrix: take an event out of the inbox", "err", err)
	}
}

// resume sends the replies a crash left in the outbox, then handles the
// messages left in the inbox, in their order, before syncing: encrypted
// ones are decrypted now, waiting for their keys as a fresh one would.
func (f *FrontEnd) resume(ctx context.Context) error {
	n, err := bot.Resend(f.svc.Outbox, KeyPrefix+"!", f.serial, f.deliver)
	if err != nil {
		return fmt.Errorf("matrix: %w", err)
	}
	if n > 0 {
		f.log.Info("matrix: sent the replies queued before a restart", "replies", n)
	}
	left, err := f.svc.Inbox(source)
	if err != nil {
		return fmt.Errorf("matrix: read the inbox: %w", err)
	}
	if len(left) > 0 {
		f.log.Info("matrix: handling messages received before a restart", "messages", len(left))
	}
	for _, r := range left {
		var in inboxEvent
		if err := json.Unmarshal(r.Data, &in); err != nil || in.Event == nil {
			f.log.Warn("matrix: a stored event could not be read and was dropped", "err", err)
			f.drop(r.Seq)
			continue
		}
		evt := in.Event
		evt.RoomID = in.Room
		evt.Mautrix.EventSource = event.SourceJoin | event.SourceTimeline
		evt.Type.Class = event.MessageEventType
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			f.log.Warn("matrix: a stored event could not be read and was dropped", "err", err)
			f.drop(r.Seq)
			continue
		}
		f.mu.Lock()
		f.inbox[evt.ID] = r.Seq
		f.mu.Unlock()
		if evt.Type == event.EventEncrypted {
			f.onEncrypted(ctx, evt)
			f.crypto.HandleEncrypted(ctx, evt)
		} else {
			f.onMessage(ctx, evt)
		}
	}
	return nil
}
