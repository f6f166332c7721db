package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clavebot/clavebot/bot"
)

// onUpdate runs on the library's single worker, in Telegram's order: it
// only decides what the update is and queues it behind the sender's
// earlier messages.
func (f *FrontEnd) onUpdate(_ context.Context, _ *tgbot.Bot, u *models.Update) {
	f.touch()
	switch {
	case u.Message != nil:
		f.onMessage(u.Message)
	case u.CallbackQuery != nil:
		f.onCallback(u.CallbackQuery)
	}
}

func (f *FrontEnd) onMessage(msg *models.Message) {
	if msg.From == nil || msg.From.IsBot {
		return
	}
	switch msg.Chat.Type {
	case models.ChatTypePrivate:
		m := bot.Message{UserKey: userKey(msg.From.ID), Text: msg.Text, LangHint: langHint(msg.From.LanguageCode)}
		f.serial.Do(m.UserKey, func() { f.handleMessage(msg.Chat.ID, msg.ID, m) })
	case models.ChatTypeGroup, models.ChatTypeSupergroup:
		if !f.addressed(msg) {
			return
		}
		// Nothing about a group's members is stored: the reply is the
		// same for everyone and goes through no conversation.
		hint := langHint(msg.From.LanguageCode)
		key := "tgchat:" + strconv.FormatInt(msg.Chat.ID, 10)
		f.serial.Do(key, func() {
			f.send(msg.Chat.ID, true, "", []bot.Reply{f.svc.GroupNotice(hint, "https://t.me/"+f.username)})
		})
	}
}

// addressed reports whether a group message speaks to the bot: a mention,
// a command for it, or a reply to one of its messages.
func (f *FrontEnd) addressed(msg *models.Message) bool {
	if f.username == "" {
		return false
	}
	if r := msg.ReplyToMessage; r != nil && r.From != nil && r.From.IsBot && strings.EqualFold(r.From.Username, f.username) {
		return true
	}
	text := []rune(msg.Text)
	for _, e := range msg.Entities {
		// Entity offsets count UTF-16 units; a mention of the bot is
		// plain ASCII, so checking the text around it is enough.
		switch e.Type {
		case models.MessageEntityTypeTextMention:
			if e.User != nil && e.User.IsBot && strings.EqualFold(e.User.Username, f.username) {
				return true
			}
		case models.MessageEntityTypeMention, models.MessageEntityTypeBotCommand:
			if s := entityText(text, e.Offset, e.Length); strings.HasSuffix(strings.ToLower(s), "@"+strings.ToLower(f.username)) {
				return true
			}
		}
	}
	return false
}

// entityText cuts an entity out of text, converting UTF-16 offsets.
func entityText(text []rune, offset, length int) string {
	start, pos := -1, 0
	var b strings.Builder
	for i, r := range text {
		if pos >= offset && start < 0 {
			start = i
		}
		if start >= 0 {
			if pos >= offset+length {
				break
			}
			b.WriteRune(r)
		}
		pos += units(string(r))
	}
	return b.String()
}

func (f *FrontEnd) onCallback(q *models.CallbackQuery) {
	// The spinner on the user's button runs until the query is answered,
	// whatever happens next.
	go func() {
		if _, err := f.api.AnswerCallbackQuery(f.work, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID}); err != nil {
			f.log.Debug("telegram: answer callback query", "err", f.redact(err))
		}
	}()
	msg := q.Message.Message
	if msg == nil || msg.Chat.Type != models.ChatTypePrivate {
		// Too old to be shown to us, or in a group where the bot offers
		// no buttons: nothing to act on.
		if q.Message.InaccessibleMessage == nil || q.Message.InaccessibleMessage.Chat.Type != models.ChatTypePrivate {
			return
		}
	}
	chatID := q.From.ID
	messageID := 0
	if msg != nil {
		chatID, messageID = msg.Chat.ID, msg.ID
	}
	m := bot.Message{UserKey: userKey(q.From.ID), Action: q.Data, LangHint: langHint(q.From.LanguageCode)}
	f.serial.Do(m.UserKey, func() {
		if messageID != 0 {
			f.clearKeyboard(chatID, messageID)
		}
		f.handle(chatID, false, m)
	})
}

// clearKeyboard removes the buttons of a pressed menu so they cannot be
// pressed twice. Old messages may no longer be editable; that only leaves
// stale buttons, which the conversation answers sensibly.
func (f *FrontEnd) clearKeyboard(chatID int64, messageID int) {
	err := f.out.Do(f.work, chatID, false, func(ctx context.Context) error {
		_, err := f.api.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{
			ChatID: chatID, MessageID: messageID, ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}},
		})
		return err
	})
	if err != nil {
		f.log.Debug("telegram: clear pressed keyboard", "err", f.redact(err))
	}
}

// handle runs one message through the bot and sends the replies. A panic
// costs this message only: the user gets an apology and the process stays.
func (f *FrontEnd) handle(chatID int64, group bool, m bot.Message) { f.handleMessage(chatID, 0, m) }

// handleMessage is handle for the private message messageID (0 for a
// button press): when it held a secret, it is deleted from the chat first
// and the reply says so.
func (f *FrontEnd) handleMessage(chatID int64, messageID int, m bot.Message) {
	defer func() {
		if r := recover(); r != nil {
			f.log.Error("telegram: panic while handling a message", "user", m.UserKey, "panic", r, "stack", string(debug.Stack()))
			f.send(chatID, false, m.UserKey, []bot.Reply{f.svc.Apology(m.LangHint)})
		}
	}()
	replies, err := f.svc.Handle(f.work, m)
	if err != nil {
		f.log.Error("telegram: message not handled", "user", m.UserKey, "err", err)
	}
	if messageID != 0 && holdsSecret(replies) {
		if f.deleteMessage(chatID, messageID) {
			for i := range replies {
				if replies[i].Removed != "" {
					replies[i].Text = replies[i].Removed
				}
			}
		}
	}
	f.send(chatID, false, m.UserKey, replies)
}

func holdsSecret(replies []bot.Reply) bool {
	for _, r := range replies {
		if r.Removed != "" {
			return true
		}
	}
	return false
}

// deleteMessage takes a user's message out of the chat (bots may delete
// incoming messages in private chats); it reports whether Telegram did.
func (f *FrontEnd) deleteMessage(chatID int64, messageID int) bool {
	err := f.out.Do(f.work, chatID, false, func(ctx context.Context) error {
		_, err := f.api.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: chatID, MessageID: messageID})
		return err
	})
	if err != nil {
		f.log.Info("telegram: a message with a secret could not be deleted; the user is asked to", "err", f.redact(err))
		return false
	}
	f.log.Info("telegram: deleted a message that held a secret")
	return true
}

// send delivers replies in order through the outbox. A user who blocked
// the bot is marked so that nothing more is sent until they write again.
func (f *FrontEnd) send(chatID int64, group bool, key string, replies []bot.Reply) {
	for _, r := range replies {
		for _, o := range render(r) {
			err := f.SendRendered(f.work, chatID, group, o)
			if errors.Is(err, ErrBlocked) {
				f.log.Info("telegram: user blocked the bot", "user", key)
				if key != "" {
					if err := f.svc.MarkBlocked(key); err != nil {
						f.log.Error("telegram: mark blocked user", "user", key, "err", err)
					}
				}
				return
			}
			if err != nil {
				f.log.Error("telegram: message not sent", "user", key, "err", f.redact(err))
			}
		}
	}
}

// SendRendered sends one message through the outbox.
func (f *FrontEnd) SendRendered(ctx context.Context, chatID int64, group bool, o outgoing) error {
	if o.file != nil {
		return f.sendDocument(ctx, chatID, group, o)
	}
	params := &tgbot.SendMessageParams{
		ChatID: chatID, Text: o.html, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if o.keyboard != nil {
		params.ReplyMarkup = o.keyboard
	}
	return f.out.Do(ctx, chatID, group, func(ctx context.Context) error {
		_, err := f.api.SendMessage(ctx, params)
		if err == nil {
			f.touch()
		}
		return err
	})
}

// Deliver sends replies to a Telegram user outside a conversation turn
// (reminders). It returns ErrBlocked when the user blocked the bot, and
// nil only once Telegram accepted every message.
func (f *FrontEnd) Deliver(ctx context.Context, key string, replies []bot.Reply) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(key, KeyPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(key, KeyPrefix) {
		return fmt.Errorf("telegram: %q is not a Telegram user key", key)
	}
	for _, r := range replies {
		for _, o := range render(r) {
			if err := f.SendRendered(ctx, id, false, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// sendDocument sends a file as a document, with its caption and buttons.
func (f *FrontEnd) sendDocument(ctx context.Context, chatID int64, group bool, o outgoing) error {
	params := &tgbot.SendDocumentParams{
		ChatID:   chatID,
		Document: &models.InputFileUpload{Filename: o.file.Name, Data: bytes.NewReader(o.file.Data)},
		Caption:  o.html, ParseMode: models.ParseModeHTML,
	}
	if o.keyboard != nil {
		params.ReplyMarkup = o.keyboard
	}
	return f.out.Do(ctx, chatID, group, func(ctx context.Context) error {
		// A retry must send the whole file again.
		params.Document = &models.InputFileUpload{Filename: o.file.Name, Data: bytes.NewReader(o.file.Data)}
		_, err := f.api.SendDocument(ctx, params)
		if err == nil {
			f.touch()
		}
		return err
	})
}
