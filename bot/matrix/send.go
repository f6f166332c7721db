//go:build goolm

package matrix

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/attachment"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
)

// handle runs one message through the bot and sends the replies; a panic
// costs this message only (bot.Recover).
func (f *FrontEnd) handle(seq uint64, in incoming) {
	stopTyping := f.typing(in.room)
	defer stopTyping()
	m := in.m
	m.Received, m.To = seq, in.to
	out, err := bot.Chain(f.svc.Answer, bot.Recover(f.svc, f.log))(f.work, m)
	if err != nil {
		f.log.Error("matrix: message not handled", "user", in.m.UserKey, "err", err)
	}
	f.deliver(out)
}

// deliver sends queued replies in order and takes each out of the outbox
// once the homeserver accepted it. A reply saying the user's message held
// a secret first redacts that message; in a room with several people the
// first reply quotes the question. A room the bot can no longer post in
// gets nothing more.
func (f *FrontEnd) deliver(out []bot.Outgoing) {
	bot.RemoveSecrets(out, f.redactSecret)
	quoted := map[string]bool{}
	for i, o := range out {
		room, ok := roomOf(o.To.Chat)
		if !ok {
			f.log.Error("matrix: a queued reply has no room", "chat", o.To.Chat)
			f.sent(o)
			continue
		}
		about := id.EventID(o.To.About)
		var replyTo id.EventID
		if o.To.Group && about != "" && !quoted[o.To.About] {
			replyTo, quoted[o.To.About] = about, true
		}
		err := f.send(f.work, room, replyTo, o.Txn, []bot.Reply{o.Reply})
		if errors.Is(err, bot.ErrBlocked) {
			f.log.Info("matrix: cannot post in the room any more", "room", room)
			for _, rest := range out[i:] {
				f.sent(rest)
			}
			return
		}
		if err != nil {
			f.log.Error("matrix: reply not sent", "room", room, "err", err)
		}
		f.sent(o)
	}
}

func (f *FrontEnd) sent(o bot.Outgoing) {
	if err := f.svc.Sent(o); err != nil {
		f.log.Error("matrix: take a sent reply out of the outbox", "err", err)
	}
}

// chatName is the outbox's name for a room.
func chatName(room id.RoomID) string { return KeyPrefix + string(room) }

func roomOf(chat string) (id.RoomID, bool) {
	room := strings.TrimPrefix(chat, KeyPrefix)
	return id.RoomID(room), len(room) < len(chat) && strings.HasPrefix(room, "!")
}

// redactSecret redacts a user's message that held a secret, which the bot
// may do where its power level allows (in a direct chat Element creates,
// both people have the same); it reports whether the homeserver did.
//
// The redaction carries no reason: clients show it to the user, who
// reads why in the bot's reply, in their own language.
func (f *FrontEnd) redactSecret(chat, about string) bool {
	room, ok := roomOf(chat)
	if !ok {
		return false
	}
	_, err := f.cli.RedactEvent(f.work, room, id.EventID(about))
	if err != nil {
		f.log.Info("matrix: a message with a secret could not be redacted; the user is asked to delete it", "room", room, "err", f.redact(err))
		return false
	}
	f.log.Info("matrix: redacted a message that held a secret", "room", room)
	return true
}

// send delivers replies to a room in order. Sends to one room are
// serialized, so a reminder never lands in the middle of an answer. A room
// the bot can no longer post in is forgotten, and the error wraps
// bot.ErrBlocked.
//
// txn, when set, names the sending for the homeserver, which then ignores
// a repeat of it: each message gets txn plus its index.
func (f *FrontEnd) send(ctx context.Context, room id.RoomID, replyTo id.EventID, txn string, replies []bot.Reply) error {
	lock := f.sendLock(room)
	lock.Lock()
	defer lock.Unlock()
	for _, r := range replies {
		contents := render(r)
		if r.File != nil {
			c, err := f.fileContent(ctx, room, r.File)
			if err != nil {
				return err
			}
			contents = append(contents, c)
		}
		for i, content := range contents {
			if replyTo != "" {
				// In a room with several people, the first notice
				// quotes the question it answers.
				content.RelatesTo = (&event.RelatesTo{}).SetReplyTo(replyTo)
				replyTo = ""
			}
			var req mautrix.ReqSendEvent
			if txn != "" {
				req.TransactionID = fmt.Sprintf("clavebot.%s.%d", txn, i)
			}
			_, err := f.cli.SendMessageEvent(ctx, room, event.EventMessage, content, req)
			if errors.Is(err, mautrix.MForbidden) || errors.Is(err, mautrix.MNotFound) {
				if ferr := f.state.forgetRoom(room, ""); ferr != nil {
					f.log.Error("matrix: forget room", "room", room, "err", ferr)
				}
				return fmt.Errorf("matrix: cannot post in %s any more: %w: %w", room, f.redact(err), bot.ErrBlocked)
			}
			if err != nil {
				return fmt.Errorf("matrix: send to %s: %w", room, f.redact(err))
			}
		}
	}
	return nil
}

// fileContent uploads a file for room and returns the m.file event that
// points to it: in an encrypted room the upload is encrypted, and only the
// event (encrypted itself) carries the key.
func (f *FrontEnd) fileContent(ctx context.Context, room id.RoomID, file *bot.File) (*event.MessageEventContent, error) {
	content := &event.MessageEventContent{
		MsgType:  event.MsgFile,
		Body:     file.Name,
		FileName: file.Name,
		Info:     &event.FileInfo{MimeType: file.MIME, Size: len(file.Data)},
		Mentions: &event.Mentions{},
	}
	encrypted, err := f.rooms.IsEncrypted(ctx, room)
	if err != nil {
		return nil, fmt.Errorf("matrix: is %s encrypted: %w", room, err)
	}
	if !encrypted {
		up, err := f.cli.UploadBytesWithName(ctx, file.Data, file.MIME, file.Name)
		if err != nil {
			return nil, fmt.Errorf("matrix: upload %s: %w", file.Name, f.redact(err))
		}
		content.URL = up.ContentURI.CUString()
		return content, nil
	}
	data := slices.Clone(file.Data)
	ef := attachment.NewEncryptedFile()
	ef.EncryptInPlace(data)
	up, err := f.cli.UploadBytes(ctx, data, "application/octet-stream")
	if err != nil {
		return nil, fmt.Errorf("matrix: upload %s: %w", file.Name, f.redact(err))
	}
	content.File = &event.EncryptedFileInfo{EncryptedFile: *ef, URL: up.ContentURI.CUString()}
	return content, nil
}

// Deliver sends replies to a Matrix user outside a conversation turn
// (reminders), into their direct chat with the bot. It returns nil only
// once the homeserver accepted every message, and an error wrapping
// bot.ErrBlocked when there is no such chat any more (the user left it).
func (f *FrontEnd) Deliver(ctx context.Context, key string, replies []bot.Reply) error {
	user := id.UserID(strings.TrimPrefix(key, KeyPrefix))
	if !strings.HasPrefix(key, KeyPrefix) {
		return fmt.Errorf("matrix: %q is not a Matrix user key", key)
	}
	if _, _, err := user.Parse(); err != nil {
		return fmt.Errorf("matrix: %q is not a Matrix user key", key)
	}
	room, ok := f.state.dmRoom(user)
	if !ok {
		return fmt.Errorf("matrix: no direct chat with %s: %w", user, bot.ErrBlocked)
	}
	return f.send(ctx, room, "", "", replies)
}

// typing shows the bot typing in room if the answer takes longer than
// typingAfter; the returned func ends it. The lock keeps a late "typing"
// from landing after the "stopped typing".
func (f *FrontEnd) typing(room id.RoomID) (stop func()) {
	if f.typingAfter < 0 {
		return func() {}
	}
	var mu sync.Mutex
	started, done := false, false
	timer := time.AfterFunc(f.typingAfter, func() {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return
		}
		started = true
		if _, err := f.cli.UserTyping(bestEffort(f.work), room, true, 30*time.Second); err != nil {
			f.log.Debug("matrix: typing notice", "room", room, "err", f.redact(err))
		}
	})
	return func() {
		timer.Stop()
		mu.Lock()
		defer mu.Unlock()
		done = true
		if started {
			if _, err := f.cli.UserTyping(bestEffort(f.work), room, false, 0); err != nil {
				f.log.Debug("matrix: typing notice", "room", room, "err", f.redact(err))
			}
		}
	}
}
