//go:build goolm

package matrix

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
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

// handle runs one message through the bot and sends the replies. A panic
// costs this message only: the user gets an apology and the process stays.
func (f *FrontEnd) handle(room id.RoomID, replyTo *event.Event, eventID id.EventID, m bot.Message) {
	stopTyping := f.typing(room)
	defer stopTyping()
	defer func() {
		if r := recover(); r != nil {
			f.log.Error("matrix: panic while handling a message", "user", m.UserKey, "panic", r, "stack", string(debug.Stack()))
			f.sendLogged(room, replyTo, m.UserKey, []bot.Reply{f.svc.Apology(m.LangHint)})
		}
	}()
	replies, err := f.svc.Handle(f.work, m)
	if err != nil {
		f.log.Error("matrix: message not handled", "user", m.UserKey, "err", err)
	}
	if eventID != "" && holdsSecret(replies) && f.redactSecret(room, eventID) {
		for i := range replies {
			if replies[i].Removed != "" {
				replies[i].Text = replies[i].Removed
			}
		}
	}
	f.sendLogged(room, replyTo, m.UserKey, replies)
}

func holdsSecret(replies []bot.Reply) bool {
	for _, r := range replies {
		if r.Removed != "" {
			return true
		}
	}
	return false
}

// redactSecret redacts a user's message that held a secret, which the bot
// may do where its power level allows (in a direct chat Element creates,
// both people have the same); it reports whether the homeserver did.
func (f *FrontEnd) redactSecret(room id.RoomID, eventID id.EventID) bool {
	_, err := f.cli.RedactEvent(f.work, room, eventID, mautrix.ReqRedact{Reason: "it held a secret (a code or a personal number)"})
	if err != nil {
		f.log.Info("matrix: a message with a secret could not be redacted; the user is asked to delete it", "room", room, "err", f.redact(err))
		return false
	}
	f.log.Info("matrix: redacted a message that held a secret", "room", room)
	return true
}

func (f *FrontEnd) sendLogged(room id.RoomID, replyTo *event.Event, key string, replies []bot.Reply) {
	if err := f.send(f.work, room, replyTo, replies); err != nil {
		f.log.Error("matrix: reply not sent", "user", key, "room", room, "err", err)
	}
}

// send delivers replies to a room in order. Sends to one room are
// serialized, so a reminder never lands in the middle of an answer. A room
// the bot can no longer post in is forgotten, and the error wraps
// bot.ErrBlocked.
func (f *FrontEnd) send(ctx context.Context, room id.RoomID, replyTo *event.Event, replies []bot.Reply) error {
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
		for _, content := range contents {
			if replyTo != nil {
				// In a room with several people, the first notice
				// quotes the question it answers.
				content.SetReply(replyTo)
				replyTo = nil
			}
			_, err := f.cli.SendMessageEvent(ctx, room, event.EventMessage, content)
			if errors.Is(err, mautrix.MForbidden) || errors.Is(err, mautrix.MNotFound) {
				if ferr := f.state.forgetRoom(room, ""); ferr != nil {
					f.log.Error("matrix: forget room", "room", room, "err", ferr)
				}
				return fmt.Errorf("matrix: cannot post in %s any more: %s: %w", room, f.redact(err), bot.ErrBlocked)
			}
			if err != nil {
				return fmt.Errorf("matrix: send to %s: %s", room, f.redact(err))
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
			return nil, fmt.Errorf("matrix: upload %s: %s", file.Name, f.redact(err))
		}
		content.URL = up.ContentURI.CUString()
		return content, nil
	}
	data := slices.Clone(file.Data)
	ef := attachment.NewEncryptedFile()
	ef.EncryptInPlace(data)
	up, err := f.cli.UploadBytes(ctx, data, "application/octet-stream")
	if err != nil {
		return nil, fmt.Errorf("matrix: upload %s: %s", file.Name, f.redact(err))
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
	return f.send(ctx, room, nil, replies)
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
