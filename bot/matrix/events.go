//go:build goolm

package matrix

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
)

// listen registers the handlers. Encryption registered its own first, so
// to-device keys are in place before the timeline is read, and the room
// state store is updated before these handlers look at the members.
func (f *FrontEnd) listen() {
	s := f.cli.Syncer.(mautrix.ExtensibleSyncer)
	s.OnSync(func(context.Context, *mautrix.RespSync, string) bool {
		f.contact.Store(time.Now().UnixNano())
		return true
	})
	s.OnSync(f.dropHistory)
	s.OnSync(f.receive)
	s.OnEventType(event.EventMessage, f.onMessage)
	s.OnEventType(event.EventEncrypted, f.onEncrypted)
	s.OnEventType(event.StateMember, f.onMember)
}

// LastContact is when a sync with the homeserver last succeeded; syncs
// return at least every 30 seconds, so health checks can rely on it.
func (f *FrontEnd) LastContact() time.Time { return time.Unix(0, f.contact.Load()) }

// dropHistory takes out of the sync response the messages that were not
// sent to the bot: the whole timeline of the very first sync (what
// happened before the bot ever ran), and in a room the bot just joined,
// whatever came before its invitation. Messages after the invitation stay:
// a user often writes before the bot has had time to join. State events
// stay too, for the member lists and encryption.
func (f *FrontEnd) dropHistory(_ context.Context, resp *mautrix.RespSync, since string) bool {
	for _, room := range resp.Rooms.Join {
		evts := room.Timeline.Events
		cut := len(evts)
		if since != "" {
			cut = f.joinedAt(evts)
		}
		kept := make([]*event.Event, 0, len(evts))
		for i, e := range evts {
			if i >= cut || e.StateKey != nil {
				kept = append(kept, e)
			}
		}
		room.Timeline.Events = kept
	}
	return true
}

// joinedAt is the index in a room's timeline where the bot's presence
// begins: just after its last invitation, or at its join when the
// invitation is older than the timeline; 0 when it was there all along.
func (f *FrontEnd) joinedAt(evts []*event.Event) int {
	join := -1
	for i := len(evts) - 1; i >= 0; i-- {
		if e := evts[i]; e.Type == event.StateMember && e.GetStateKey() == string(f.cli.UserID) {
			switch e.Content.Raw["membership"] {
			case "join":
				if join < 0 {
					join = i
				}
			case "invite":
				if join >= 0 {
					return i + 1
				}
			}
		}
	}
	return max(join, 0)
}

// onMessage runs on the sync loop, in the homeserver's order: it decides
// whether the message is for the bot and queues it behind the sender's
// earlier messages. Encrypted messages come through onEncrypted instead.
func (f *FrontEnd) onMessage(ctx context.Context, evt *event.Event) {
	if evt.Sender == f.cli.UserID || evt.Mautrix.EventSource&event.SourceTimeline == 0 {
		return
	}
	seq := f.received(evt.ID)
	in, ok := f.accept(ctx, evt)
	if !ok {
		f.drop(seq)
		return
	}
	f.serial.Do(in.m.UserKey, func() { f.handle(seq, in) })
}

// incoming is a message for the bot, ready to be handled.
type incoming struct {
	room id.RoomID
	to   bot.Address
	m    bot.Message
}

// accept decides whether a message is for the bot and what it says.
func (f *FrontEnd) accept(ctx context.Context, evt *event.Event) (incoming, bool) {
	if evt.Sender == f.cli.UserID || evt.Mautrix.EventSource&event.SourceTimeline == 0 || evt.Type != event.EventMessage {
		return incoming{}, false
	}
	content := evt.Content.AsMessage()
	switch {
	case content.MsgType == event.MsgNotice:
		// Other bots speak in notices; answering them could loop forever.
		return incoming{}, false
	case content.RelatesTo.GetReplaceID() != "":
		// An edit is not a new question; answering it would answer twice.
		return incoming{}, false
	}
	text := ""
	switch content.MsgType {
	case event.MsgText, event.MsgEmote:
		text = content.Body
		if content.RelatesTo.GetReplyTo() != "" {
			text = event.TrimReplyFallbackText(text)
		}
	}
	others := f.others(ctx, evt.RoomID)
	direct := len(others) == 1 && others[0] == evt.Sender
	if !direct {
		if !f.mentioned(content) {
			return incoming{}, false
		}
		text = f.stripMention(text)
	} else if err := f.state.setDM(evt.Sender, evt.RoomID); err != nil {
		f.log.Error("matrix: remember direct chat", "user", evt.Sender, "err", err)
	}
	to := bot.Address{Chat: chatName(evt.RoomID), About: string(evt.ID), Group: !direct}
	return incoming{room: evt.RoomID, to: to, m: bot.Message{UserKey: userKey(evt.Sender), Text: text}}, true
}

// keyWait bounds how long a message waits in its sender's queue for keys
// that have not arrived; the encryption helper itself gives up sooner.
const keyWait = 45 * time.Second

// decrypted is the outcome of decrypting one event.
type decrypted struct {
	evt *event.Event
	err error
}

// onEncrypted runs on the sync loop for every encrypted event, after the
// encryption helper tried to decrypt it: it takes the message's place in
// its sender's queue at once, so that a message whose keys arrive late is
// still handled before the sender's later messages.
func (f *FrontEnd) onEncrypted(_ context.Context, evt *event.Event) {
	if evt.Sender == f.cli.UserID || evt.Mautrix.EventSource&event.SourceTimeline == 0 {
		return
	}
	seq := f.received(evt.ID)
	result := f.decryption(evt.ID)
	f.serial.Do(userKey(evt.Sender), func() {
		defer f.forgetDecryption(evt.ID)
		var res decrypted
		select {
		case res = <-result:
		case <-time.After(keyWait):
			res.err = errors.New("the keys did not arrive")
		}
		if res.err != nil {
			f.unreadable(seq, evt, res.err)
			return
		}
		if in, ok := f.accept(f.work, res.evt); ok {
			f.handle(seq, in)
		} else {
			f.drop(seq)
		}
	})
}

// decryption returns the channel that receives the outcome of decrypting
// event id, made by whichever of the two sides comes first.
func (f *FrontEnd) decryption(eventID id.EventID) chan decrypted {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ok := f.pending[eventID]
	if !ok {
		ch = make(chan decrypted, 1)
		f.pending[eventID] = ch
	}
	return ch
}

func (f *FrontEnd) forgetDecryption(eventID id.EventID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.pending, eventID)
}

// onDecrypted receives what the encryption helper decrypted, at once or
// after waiting for keys.
func (f *FrontEnd) onDecrypted(_ context.Context, evt *event.Event) {
	if evt.Sender == f.cli.UserID || evt.Mautrix.EventSource&event.SourceTimeline == 0 {
		return
	}
	f.decryption(evt.ID) <- decrypted{evt: evt}
}

// onDecryptFailed receives what the encryption helper could not decrypt.
func (f *FrontEnd) onDecryptFailed(evt *event.Event, err error) {
	if evt.Sender == f.cli.UserID || f.stopping.Load() {
		return
	}
	select {
	case f.decryption(evt.ID) <- decrypted{err: err}:
	default: // already decided
	}
}

// noticeEvery is how often a room is told that a message could not be
// read: once is enough to explain it, and every event would flood.
const noticeEvery = time.Hour

// unreadable says, in a direct chat, that a message could not be read and
// what the person can do; in a room with several people the bot cannot
// tell whether it was addressed, so it stays silent. The log says why,
// never what.
func (f *FrontEnd) unreadable(seq uint64, evt *event.Event, err error) {
	if f.stopping.Load() {
		// Kept in the inbox: the next start tries again.
		return
	}
	f.log.Info("matrix: a message could not be decrypted", "user", evt.Sender, "room", evt.RoomID, "reason", err.Error())
	others := f.others(f.work, evt.RoomID)
	if len(others) != 1 || others[0] != evt.Sender {
		f.drop(seq)
		return
	}
	f.mu.Lock()
	last, told := f.noticed[evt.RoomID]
	if told && time.Since(last) < noticeEvery {
		f.mu.Unlock()
		f.drop(seq)
		return
	}
	f.noticed[evt.RoomID] = time.Now()
	f.mu.Unlock()
	out, err := f.svc.Post(seq, bot.Outgoing{To: bot.Address{Chat: chatName(evt.RoomID)}, Reply: f.svc.Unreadable()})
	if err != nil {
		f.log.Error("matrix: queue the unreadable notice", "err", err)
	}
	f.deliver(out)
}

// onMember joins rooms the bot is invited to and leaves rooms that have
// nobody left to talk to.
func (f *FrontEnd) onMember(ctx context.Context, evt *event.Event) {
	content := evt.Content.AsMember()
	target := id.UserID(evt.GetStateKey())
	room := evt.RoomID
	if target == f.cli.UserID {
		switch {
		case content.Membership == event.MembershipInvite && evt.Mautrix.EventSource&event.SourceInvite != 0:
			inviter := evt.Sender
			direct := content.IsDirect
			f.serial.Do("room:"+string(room), func() { f.join(room, inviter, direct) })
		case leftOrBanned(content.Membership):
			if err := f.state.forgetRoom(room, ""); err != nil {
				f.log.Error("matrix: forget room", "room", room, "err", err)
			}
		}
		return
	}
	if !leftOrBanned(content.Membership) || evt.Mautrix.EventSource&event.SourceJoin == 0 {
		return
	}
	if err := f.state.forgetRoom(room, target); err != nil {
		f.log.Error("matrix: forget room", "room", room, "err", err)
	}
	if len(f.others(ctx, room)) > 0 {
		return
	}
	f.serial.Do("room:"+string(room), func() { f.leave(room) })
}

func (f *FrontEnd) join(room id.RoomID, inviter id.UserID, direct bool) {
	if _, err := f.cli.JoinRoomByID(f.work, room); err != nil {
		f.log.Warn("matrix: join room", "room", room, "inviter", inviter, "err", f.redact(err))
		return
	}
	f.log.Info("matrix: joined room", "room", room, "inviter", inviter, "direct", direct)
	if direct {
		if err := f.state.setDM(inviter, room); err != nil {
			f.log.Error("matrix: remember direct chat", "user", inviter, "err", err)
		}
	}
}

func (f *FrontEnd) leave(room id.RoomID) {
	if _, err := f.cli.LeaveRoom(f.work, room); err != nil {
		f.log.Warn("matrix: leave room", "room", room, "err", f.redact(err))
		return
	}
	f.log.Info("matrix: left room with nobody else in it", "room", room)
	if err := f.state.forgetRoom(room, ""); err != nil {
		f.log.Error("matrix: forget room", "room", room, "err", err)
	}
}

// others lists the room's members, joined or invited, other than the bot.
func (f *FrontEnd) others(ctx context.Context, room id.RoomID) []id.UserID {
	members, err := f.rooms.GetRoomJoinedOrInvitedMembers(ctx, room)
	if err != nil {
		f.log.Error("matrix: room members", "room", room, "err", err)
		return nil
	}
	return slices.DeleteFunc(members, func(u id.UserID) bool { return u == f.cli.UserID })
}

// mentioned reports whether a message in a room with several people
// speaks to the bot: an intentional mention, or its user ID or display
// name in the text.
func (f *FrontEnd) mentioned(c *event.MessageEventContent) bool {
	if c.Mentions != nil && slices.Contains(c.Mentions.UserIDs, f.cli.UserID) {
		return true
	}
	return f.mention.MatchString(c.Body)
}

// mentionPattern matches the bot's user ID, or its display name (its
// localpart when it has none) as a whole word.
func mentionPattern(user id.UserID, name string) *regexp.Regexp {
	if name == "" {
		name = user.Localpart()
	}
	return regexp.MustCompile(`(?i)` + regexp.QuoteMeta(string(user)) + `|(^|[^\pL\pN_])@?` + regexp.QuoteMeta(name) + `($|[^\pL\pN_])`)
}

// stripMention removes a leading "clavebot:" so that the question reads
// as if it had been sent to the bot alone.
func (f *FrontEnd) stripMention(text string) string {
	loc := f.mention.FindStringIndex(text)
	if loc == nil || strings.TrimSpace(text[:loc[0]]) != "" {
		return text
	}
	return strings.TrimLeft(text[loc[1]:], " \t:,")
}

func leftOrBanned(m event.Membership) bool {
	return m == event.MembershipLeave || m == event.MembershipBan
}
