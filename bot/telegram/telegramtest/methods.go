package telegramtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	maxMessageUTF16  = 4096
	maxCallbackData  = 64
	maxCallbackText  = 200
	maxCommandDesc   = 256
	maxCommandsCount = 100
)

func (s *Server) getMe(*request) (any, *apiError) {
	return map[string]any{
		"id":                          s.botID,
		"is_bot":                      true,
		"first_name":                  "Test Bot",
		"username":                    s.botUsername,
		"can_join_groups":             true,
		"can_read_all_group_messages": false,
		"supports_inline_queries":     false,
	}, nil
}

var (
	commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	langRE    = regexp.MustCompile(`^[a-z]{2}$`)
)

func (s *Server) setMyCommands(r *request) (any, *apiError) {
	var raw []struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	if v := r.params["commands"]; v == "" {
		return nil, badRequest("parameter \"commands\" is required")
	} else if json.Unmarshal([]byte(v), &raw) != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(raw) > maxCommandsCount {
		return nil, badRequest("too many commands specified")
	}
	cmds := make([]BotCommand, 0, len(raw))
	for _, c := range raw {
		name := strings.TrimPrefix(c.Command, "/")
		if !commandRE.MatchString(name) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		desc := strings.TrimSpace(c.Description)
		if desc == "" || utf8.RuneCountInString(desc) > maxCommandDesc {
			return nil, badRequest("command description must be 1-%d characters", maxCommandDesc)
		}
		cmds = append(cmds, BotCommand{Command: name, Description: desc})
	}
	key := commandKey{scope: "default", lang: r.params["language_code"]}
	if v := r.params["scope"]; v != "" {
		var scope struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID json.RawMessage `json:"user_id"`
		}
		if json.Unmarshal([]byte(v), &scope) != nil || scope.Type == "" {
			return nil, badRequest("can't parse BotCommandScope JSON object")
		}
		key.scope = scope.Type
		if len(scope.ChatID) > 0 {
			key.scope += ":" + strings.Trim(string(scope.ChatID), `"`)
		}
		if len(scope.UserID) > 0 {
			key.scope += ":" + string(scope.UserID)
		}
	}
	if key.lang != "" && !langRE.MatchString(key.lang) {
		return nil, badRequest("LANG_CODE_INVALID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	s.notifyLocked()
	return true, nil
}

// Commands returns the default-scope command lists set with setMyCommands,
// keyed by language_code ("" for all languages).
func (s *Server) Commands() map[string][]BotCommand {
	return s.CommandsForScope("default")
}

// CommandsForScope is Commands for another BotCommandScope: its type, then
// ":chat_id" and ":user_id" where the scope has them, e.g. "chat:42" or
// "all_private_chats".
func (s *Server) CommandsForScope(scope string) map[string][]BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]BotCommand{}
	for k, v := range s.commands {
		if k.scope == scope {
			out[k.lang] = slices.Clone(v)
		}
	}
	return out
}

// parseText validates text the way sendMessage and editMessageText do.
func parseText(p params) (Revision, *apiError) {
	text, ok := p["text"]
	if !ok {
		return Revision{}, badRequest("message text is empty")
	}
	return parseRichText(p, text, "entities", maxMessageUTF16)
}

// parseRichText reads text with its parse mode and entities, for a
// message text or a caption.
func parseRichText(p params, text, entitiesKey string, limit int) (Revision, *apiError) {
	if !utf8.ValidString(text) {
		return Revision{}, badRequest("text must be encoded in UTF-8")
	}
	mode := p["parse_mode"]
	rev := Revision{Text: text, ParseMode: mode}
	plain, ents := text, []Entity(nil)
	switch strings.ToLower(mode) {
	case "":
		if v := p[entitiesKey]; v != "" {
			var raw []jsonEntity
			if json.Unmarshal([]byte(v), &raw) != nil {
				return Revision{}, badRequest("can't parse entities JSON object")
			}
			for _, e := range raw {
				ents = append(ents, Entity{Type: e.Type, Offset: e.Offset, Length: e.Length, URL: e.URL, Language: e.Language, CustomEmojiID: e.CustomEmojiID})
			}
		}
	case "html":
		var err error
		plain, ents, err = parseHTML(text)
		if err != nil {
			return Revision{}, badRequest("can't parse entities: %s", err)
		}
	case "markdown", "markdownv2":
		// Not parsed: the front end is expected to use HTML. Length and
		// emptiness are checked on the raw text.
	default:
		return Revision{}, badRequest("unsupported parse_mode")
	}
	plain, ents = trimText(plain, ents)
	if plain == "" {
		return Revision{}, badRequest("message text is empty")
	}
	if utf16StringLen(plain) > limit {
		return Revision{}, badRequest("message is too long")
	}
	rev.PlainText, rev.Entities = plain, ents
	return rev, nil
}

// parseMarkup validates reply_markup. Inline keyboards are checked button
// by button; other keyboards are kept only as raw JSON.
func parseMarkup(p params) (buttons [][]Button, raw string, _ *apiError) {
	raw = strings.TrimSpace(p["reply_markup"])
	if raw == "" {
		return nil, "", nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &obj) != nil {
		return nil, "", badRequest("can't parse reply keyboard markup JSON object")
	}
	kb, ok := obj["inline_keyboard"]
	if !ok {
		return nil, raw, nil
	}
	var rows [][]map[string]json.RawMessage
	if json.Unmarshal(kb, &rows) != nil {
		return nil, "", badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
	}
	buttons = make([][]Button, 0, len(rows))
	for _, row := range rows {
		out := make([]Button, 0, len(row))
		for _, b := range row {
			btn, err := parseButton(b)
			if err != nil {
				return nil, "", err
			}
			out = append(out, btn)
		}
		buttons = append(buttons, out)
	}
	return buttons, raw, nil
}

func parseButton(b map[string]json.RawMessage) (Button, *apiError) {
	str := func(k string) (string, bool) {
		raw, ok := b[k]
		if !ok {
			return "", false
		}
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return "", false
		}
		return v, true
	}
	var btn Button
	text, ok := str("text")
	if !ok {
		return btn, badRequest("can't parse inline keyboard button: Can't find field \"text\"")
	}
	if strings.TrimSpace(text) == "" {
		return btn, badRequest("BUTTON_TEXT_INVALID")
	}
	btn.Text = text
	actions := 0
	// Telegram treats empty strings as absent fields, so
	// {"text":"x","callback_data":""} is a "text button".
	if v, _ := str("callback_data"); v != "" {
		if len(v) > maxCallbackData {
			return btn, badRequest("BUTTON_DATA_INVALID")
		}
		btn.CallbackData = v
		actions++
	}
	if v, _ := str("url"); v != "" {
		btn.URL = v
		actions++
	}
	if raw, ok := b["copy_text"]; ok {
		// go-telegram/bot always sends "copy_text":{"text":""} because the
		// field is not a pointer; an empty one is not an action.
		var ct struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(raw, &ct) == nil && ct.Text != "" {
			actions++
		}
	}
	for _, k := range []string{"switch_inline_query", "switch_inline_query_current_chat"} {
		if _, ok := str(k); ok {
			actions++
		}
	}
	for _, k := range []string{"web_app", "login_url", "switch_inline_query_chosen_chat", "callback_game"} {
		if raw, ok := b[k]; ok && string(raw) != "null" {
			actions++
		}
	}
	if string(b["pay"]) == "true" {
		actions++
	}
	if actions == 0 {
		return btn, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	return btn, nil
}

func sameButtons(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}

func sameEntities(a, b []Entity) bool {
	return slices.EqualFunc(a, b, func(x, y Entity) bool {
		if (x.User == nil) != (y.User == nil) || (x.User != nil && x.User.ID != y.User.ID) {
			return false
		}
		x.User, y.User = nil, nil
		return x == y
	})
}

// existingChatLocked returns the chat or Telegram's "chat not found".
func (s *Server) existingChatLocked(id int64) (*chat, *apiError) {
	c := s.chats[id]
	if c == nil {
		return nil, badRequest("chat not found")
	}
	return c, nil
}

func (s *Server) sendMessage(r *request) (any, *apiError) {
	chatID, err := r.params.chatID()
	if err != nil {
		return nil, err
	}
	rev, err := parseText(r.params)
	if err != nil {
		return nil, err
	}
	buttons, raw, err := parseMarkup(r.params)
	if err != nil {
		return nil, err
	}
	rev.Buttons, rev.ReplyMarkup = buttons, raw
	replyTo, err := replyTarget(r.params)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.existingChatLocked(chatID)
	if err != nil {
		return nil, err
	}
	if s.blocked[chatID] {
		return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
	}
	if replyTo.id != 0 && c.msgs[replyTo.id] == nil {
		if !replyTo.allowMissing {
			return nil, badRequest("message to be replied not found")
		}
		replyTo.id = 0
	}
	c.nextMsgID++
	m := &message{id: c.nextMsgID, fromBot: true, date: time.Now().Unix(), cur: rev, replyTo: replyTo.id}
	c.msgs[m.id] = m
	c.sent = append(c.sent, m)
	if s.onSend != nil {
		s.onSend(chatID, rev.PlainText)
	}
	s.notifyLocked()
	return s.messageJSONLocked(c, m), nil
}

type replyRef struct {
	id           int
	allowMissing bool
}

func replyTarget(p params) (replyRef, *apiError) {
	var ref replyRef
	if v := p["reply_parameters"]; v != "" {
		var rp struct {
			MessageID                int  `json:"message_id"`
			AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
		}
		if json.Unmarshal([]byte(v), &rp) != nil {
			return ref, badRequest("can't parse reply parameters JSON object")
		}
		return replyRef{id: rp.MessageID, allowMissing: rp.AllowSendingWithoutReply}, nil
	}
	id, _, err := p.int64("reply_to_message_id")
	if err != nil {
		return ref, err
	}
	return replyRef{id: int(id), allowMissing: p.bool("allow_sending_without_reply")}, nil
}

// editTarget finds the bot message an edit method addresses.
func (s *Server) editTargetLocked(p params) (*chat, *message, *apiError) {
	if p["inline_message_id"] != "" {
		return nil, nil, badRequest("message to edit not found")
	}
	chatID, err := p.chatID()
	if err != nil {
		return nil, nil, err
	}
	msgID, ok, err := p.int64("message_id")
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, badRequest("message identifier is not specified")
	}
	c, err := s.existingChatLocked(chatID)
	if err != nil {
		return nil, nil, err
	}
	m := c.msgs[int(msgID)]
	if m == nil {
		return nil, nil, badRequest("message to edit not found")
	}
	if !m.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	return c, m, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) applyEditLocked(c *chat, m *message, next Revision) any {
	m.history = append(m.history, m.cur)
	m.cur = next
	m.edited = true
	m.editAt = time.Now().Unix()
	s.notifyLocked()
	return s.messageJSONLocked(c, m)
}

// editMessageText replaces text and keyboard. As in Telegram, leaving out
// reply_markup removes the message's inline keyboard.
func (s *Server) editMessageText(r *request) (any, *apiError) {
	rev, err := parseText(r.params)
	if err != nil {
		return nil, err
	}
	buttons, raw, err := parseMarkup(r.params)
	if err != nil {
		return nil, err
	}
	rev.Buttons, rev.ReplyMarkup = buttons, raw
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.editTargetLocked(r.params)
	if err != nil {
		return nil, err
	}
	if rev.PlainText == m.cur.PlainText && sameEntities(rev.Entities, m.cur.Entities) && sameButtons(rev.Buttons, m.cur.Buttons) {
		return nil, badRequest(notModified)
	}
	return s.applyEditLocked(c, m, rev), nil
}

func (s *Server) editMessageReplyMarkup(r *request) (any, *apiError) {
	buttons, raw, err := parseMarkup(r.params)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.editTargetLocked(r.params)
	if err != nil {
		return nil, err
	}
	if sameButtons(buttons, m.cur.Buttons) {
		return nil, badRequest(notModified)
	}
	next := m.cur
	next.Buttons, next.ReplyMarkup = buttons, raw
	return s.applyEditLocked(c, m, next), nil
}

func (s *Server) answerCallbackQuery(r *request) (any, *apiError) {
	id := r.params["callback_query_id"]
	text := r.params["text"]
	if utf8.RuneCountInString(text) > maxCallbackText {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	if _, _, err := r.params.int64("cache_time"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[id]
	// Telegram accepts one answer per query.
	if cb == nil || cb.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	cb.answered = true
	cb.answer = CallbackAnswer{Text: text, ShowAlert: r.params.bool("show_alert"), URL: r.params["url"]}
	s.notifyLocked()
	return true, nil
}

var chatActions = []string{
	"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
	"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}

func (s *Server) sendChatAction(r *request) (any, *apiError) {
	chatID, err := r.params.chatID()
	if err != nil {
		return nil, err
	}
	action := r.params["action"]
	if !slices.Contains(chatActions, action) {
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.existingChatLocked(chatID)
	if err != nil {
		return nil, err
	}
	if s.blocked[chatID] {
		return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
	}
	c.actions = append(c.actions, action)
	s.notifyLocked()
	return true, nil
}

// maxCaptionUTF16 is the longest caption of a media message.
const maxCaptionUTF16 = 1024

func (s *Server) sendDocument(r *request) (any, *apiError) {
	chatID, err := r.params.chatID()
	if err != nil {
		return nil, err
	}
	doc, ok := r.files["document"]
	if !ok {
		return nil, badRequest("there is no document in the request")
	}
	var rev Revision
	if caption := r.params["caption"]; caption != "" {
		var err *apiError
		if rev, err = parseRichText(r.params, caption, "caption_entities", maxCaptionUTF16); err != nil {
			return nil, err
		}
	}
	buttons, raw, err := parseMarkup(r.params)
	if err != nil {
		return nil, err
	}
	rev.Buttons, rev.ReplyMarkup = buttons, raw
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.existingChatLocked(chatID)
	if err != nil {
		return nil, err
	}
	if s.blocked[chatID] {
		return nil, &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
	}
	c.nextMsgID++
	m := &message{id: c.nextMsgID, fromBot: true, date: time.Now().Unix(), cur: rev, doc: &doc}
	c.msgs[m.id] = m
	c.sent = append(c.sent, m)
	if s.onSend != nil {
		s.onSend(chatID, rev.PlainText)
	}
	s.notifyLocked()
	return s.messageJSONLocked(c, m), nil
}

// deleteMessage deletes a message, as a bot may in a private chat: its
// own, or one the user sent it, within 48 hours.
func (s *Server) deleteMessage(r *request) (any, *apiError) {
	chatID, err := r.params.chatID()
	if err != nil {
		return nil, err
	}
	id, ok, err := r.params.int64("message_id")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, badRequest("message identifier is not specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.existingChatLocked(chatID)
	if err != nil {
		return nil, err
	}
	m := c.msgs[int(id)]
	if m == nil || m.deleted {
		return nil, badRequest("message to delete not found")
	}
	if c.typ != "private" && !m.fromBot {
		return nil, badRequest("message can't be deleted")
	}
	if time.Since(time.Unix(m.date, 0)) > 48*time.Hour {
		return nil, badRequest("message can't be deleted for everyone")
	}
	m.deleted = true
	s.notifyLocked()
	return true, nil
}
