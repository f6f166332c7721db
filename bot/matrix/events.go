//go:build goolm

package matrix

import (
	"context"
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
	s.OnEventType(event.EventMessage, f.onMessage)
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
// earlier messages.
func (f *FrontEnd) onMessage(ctx context.Context, evt *event.Event) {
	if evt.Sender == f.cli.UserID || evt.Mautrix.EventSource&event.SourceTimeline == 0 {
		return
	}
	content := evt.Content.AsMessage()
	switch {
	case content.MsgType == event.MsgNotice:
		// Other bots speak in notices; answering them could loop forever.
		return
	case content.RelatesTo.GetReplaceID() != "":
		// An edit is not a new question; answering it would answer twice.
		return
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
			return
		}
		text = f.stripMention(text)
	} else if err := f.state.setDM(evt.Sender, evt.RoomID); err != nil {
		f.log.Error("matrix: remember direct chat", "user", evt.Sender, "err", err)
	}
	m := bot.Message{UserKey: userKey(evt.Sender), Text: text}
	var replyTo *event.Event
	if !direct {
		replyTo = evt
	}
	room, eventID := evt.RoomID, evt.ID
	f.serial.Do(m.UserKey, func() { f.handle(room, replyTo, eventID, m) })
}

// onUndecryptable answers a message the bot could not decrypt, so the user
// is not left waiting: in a direct chat only, since in a room the bot
// cannot tell whether it was addressed.
func (f *FrontEnd) onUndecryptable(evt *event.Event, err error) {
	if evt.Sender == f.cli.UserID || f.stopping.Load() {
		return
	}
	f.log.Warn("matrix: cannot decrypt a message", "user", evt.Sender, "room", evt.RoomID, "err", err)
	others := f.others(f.work, evt.RoomID)
	if len(others) != 1 || others[0] != evt.Sender {
		return
	}
	key := userKey(evt.Sender)
	room := evt.RoomID
	f.serial.Do(key, func() { f.sendLogged(room, nil, key, []bot.Reply{f.svc.Apology("")}) })
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
