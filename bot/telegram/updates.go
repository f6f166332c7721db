package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clavebot/clavebot/bot"
)

// onUpdate runs synchronously in the order updates were received: it only
// decides what the update is and queues it behind the sender's earlier
// messages. An update that needs nothing is taken out of the inbox.
func (f *FrontEnd) onUpdate(ctx context.Context, _ *tgbot.Bot, u *models.Update) {
	f.touch()
	seq := received(ctx)
	switch {
	case u.Message != nil && f.onMessage(seq, u.Message):
	case u.CallbackQuery != nil && f.onCallback(seq, u.CallbackQuery):
	default:
		f.drop(seq)
	}
}

// onMessage queues a message for the bot; it reports false for one that
// needs nothing.
func (f *FrontEnd) onMessage(seq uint64, msg *models.Message) bool {
	if msg.From == nil || msg.From.IsBot {
		return false
	}
	switch msg.Chat.Type {
	case models.ChatTypePrivate:
		m := bot.Message{UserKey: userKey(msg.From.ID), Text: msg.Text, LangHint: langHint(msg.From.LanguageCode)}
		to := bot.Address{Chat: chatName(msg.Chat.ID), About: strconv.Itoa(msg.ID)}
		f.serial.Do(to.Chat, func() { f.handle(seq, m, to) })
		return true
	case models.ChatTypeGroup, models.ChatTypeSupergroup:
		if !f.addressed(msg) {
			return false
		}
		// Nothing about a group's members is stored: the reply is the
		// same for everyone and goes through no conversation.
		hint := langHint(msg.From.LanguageCode)
		to := bot.Address{Chat: chatName(msg.Chat.ID), Group: true}
		f.serial.Do(to.Chat, func() {
			notice := bot.Outgoing{To: to, Reply: f.svc.GroupNotice(hint, "https://t.me/"+f.username)}
			out, err := f.svc.Post(seq, notice)
			if err != nil {
				f.log.Error("telegram: queue a group notice", "err", err)
			}
			f.send(to.Chat, out)
		})
		return true
	}
	return false
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

func (f *FrontEnd) onCallback(seq uint64, q *models.CallbackQuery) bool {
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
			return false
		}
	}
	chatID := q.From.ID
	messageID := 0
	if msg != nil {
		chatID, messageID = msg.Chat.ID, msg.ID
	}
	m := bot.Message{UserKey: userKey(q.From.ID), Action: q.Data, LangHint: langHint(q.From.LanguageCode)}
	to := bot.Address{Chat: chatName(chatID)}
	f.serial.Do(to.Chat, func() {
		if messageID != 0 {
			f.clearKeyboard(chatID, messageID)
		}
		f.handle(seq, m, to)
	})
	return true
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

// handle runs one message through the bot and sends the replies; a panic
// costs this message only (bot.Recover).
func (f *FrontEnd) handle(seq uint64, m bot.Message, to bot.Address) {
	m.Received, m.To = seq, to
	out, err := bot.Chain(f.svc.Answer, bot.Recover(f.svc, f.log))(f.work, m)
	if err != nil {
		f.log.Error("telegram: message not handled", "user", m.UserKey, "err", err)
	}
	f.send(to.Chat, out)
}

// send queues replies behind the chat's earlier ones.
func (f *FrontEnd) send(chat string, out []bot.Outgoing) {
	if len(out) > 0 {
		f.sending.Do(chat, func() { f.deliver(out) })
	}
}

// deliver sends replies in order through the send queue and takes each out
// of the outbox once Telegram accepted it. A reply whose text says the
// user's message held a secret first deletes that message. A user who
// blocked the bot is marked so that nothing more is sent until they write
// again, and what was queued for them is dropped.
func (f *FrontEnd) deliver(out []bot.Outgoing) {
	bot.RemoveSecrets(out, f.deleteMessage)
	for i, o := range out {
		chatID, err := chatID(o.To.Chat)
		if err != nil {
			f.log.Error("telegram: a queued reply has no chat", "err", err)
			f.sent(o)
			continue
		}
		err = f.sendReply(f.work, chatID, o.To.Group, o.Reply)
		if errors.Is(err, ErrBlocked) {
			f.log.Info("telegram: user blocked the bot", "chat", o.To.Chat)
			if !o.To.Group {
				if err := f.svc.MarkBlocked(o.To.Chat); err != nil {
					f.log.Error("telegram: mark blocked user", "chat", o.To.Chat, "err", err)
				}
			}
			for _, rest := range out[i:] {
				f.sent(rest)
			}
			return
		}
		if err != nil {
			// The send queue already retried what can succeed.
			f.log.Error("telegram: message not sent", "chat", o.To.Chat, "err", f.redact(err))
		}
		f.sent(o)
	}
}

func (f *FrontEnd) sent(o bot.Outgoing) {
	if err := f.svc.Sent(o); err != nil {
		f.log.Error("telegram: take a sent reply out of the outbox", "err", err)
	}
}

// chatName is the outbox's name for a Telegram chat; for a private chat
// it is also the user's key.
func chatName(chatID int64) string { return KeyPrefix + strconv.FormatInt(chatID, 10) }

func chatID(name string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(name, KeyPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(name, KeyPrefix) {
		return 0, fmt.Errorf("telegram: %q is not a Telegram chat", name)
	}
	return id, nil
}

// deleteMessage takes a user's message out of the chat (bots may delete
// incoming messages in private chats); it reports whether Telegram did.
func (f *FrontEnd) deleteMessage(chat, about string) bool {
	chatID, err := chatID(chat)
	if err != nil {
		return false
	}
	messageID, err := strconv.Atoi(about)
	if err != nil {
		return false
	}
	err = f.out.Do(f.work, chatID, false, func(ctx context.Context) error {
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

// sendReply sends one reply, split as Telegram needs it.
func (f *FrontEnd) sendReply(ctx context.Context, chatID int64, group bool, r bot.Reply) error {
	for _, o := range render(r) {
		if err := f.SendRendered(ctx, chatID, group, o); err != nil {
			return err
		}
	}
	return nil
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
		err := f.call(ctx, "sendMessage", params)
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
	id, err := chatID(key)
	if err != nil {
		return err
	}
	for _, r := range replies {
		if err := f.sendReply(ctx, id, false, r); err != nil {
			return err
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
