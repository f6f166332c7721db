package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// chat is everything the server knows about one chat.
type chat struct {
	id        int64
	typ       string // private, group, supergroup
	title     string
	user      User // the private chat's peer
	nextMsgID int
	msgs      map[int]*message
	sent      []*message // bot messages, in the order they were accepted
	actions   []string
}

type message struct {
	id      int
	fromBot bool
	doc     *Document
	deleted bool
	from    User
	date    int64
	cur     Revision
	history []Revision
	replyTo int
	edited  bool
	editAt  int64
}

type queuedUpdate struct {
	id   int64
	kind string // "message", "callback_query", ...
	body json.RawMessage
}

// JSON shapes of the Bot API objects the server emits.
type jsonUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

type jsonChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

type jsonEntity struct {
	Type          string    `json:"type"`
	Offset        int       `json:"offset"`
	Length        int       `json:"length"`
	URL           string    `json:"url,omitempty"`
	User          *jsonUser `json:"user,omitempty"`
	Language      string    `json:"language,omitempty"`
	CustomEmojiID string    `json:"custom_emoji_id,omitempty"`
}

type jsonMessage struct {
	MessageID      int             `json:"message_id"`
	From           *jsonUser       `json:"from,omitempty"`
	Chat           jsonChat        `json:"chat"`
	Date           int64           `json:"date"`
	EditDate       int64           `json:"edit_date,omitempty"`
	ReplyToMessage *jsonMessage    `json:"reply_to_message,omitempty"`
	Text           string          `json:"text,omitempty"`
	Entities       []jsonEntity    `json:"entities,omitempty"`
	ReplyMarkup    json.RawMessage `json:"reply_markup,omitempty"`
}

type jsonCallbackQuery struct {
	ID           string       `json:"id"`
	From         jsonUser     `json:"from"`
	Message      *jsonMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

func toJSONUser(u User, isBot bool) jsonUser {
	first := u.FirstName
	if first == "" {
		// first_name is mandatory in the Bot API.
		first = "User" + strconv.FormatInt(u.ID, 10)
	}
	return jsonUser{ID: u.ID, IsBot: isBot, FirstName: first, LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func (s *Server) botUser() jsonUser {
	return jsonUser{ID: s.botID, IsBot: true, FirstName: "Test Bot", Username: s.botUsername}
}

func (c *chat) json() jsonChat {
	jc := jsonChat{ID: c.id, Type: c.typ}
	if c.typ == "private" {
		u := toJSONUser(c.user, false)
		jc.FirstName, jc.LastName, jc.Username = u.FirstName, u.LastName, u.Username
	} else {
		jc.Title = c.title
	}
	return jc
}

func toJSONEntities(ents []Entity) []jsonEntity {
	if len(ents) == 0 {
		return nil
	}
	out := make([]jsonEntity, len(ents))
	for i, e := range ents {
		out[i] = jsonEntity{Type: e.Type, Offset: e.Offset, Length: e.Length, URL: e.URL, Language: e.Language, CustomEmojiID: e.CustomEmojiID}
		if e.User != nil {
			u := toJSONUser(*e.User, false)
			out[i].User = &u
		}
	}
	return out
}

func (s *Server) messageJSONLocked(c *chat, m *message) *jsonMessage {
	jm := &jsonMessage{MessageID: m.id, Chat: c.json(), Date: m.date, Text: m.cur.PlainText, Entities: toJSONEntities(m.cur.Entities)}
	if m.fromBot {
		u := s.botUser()
		jm.From = &u
		if m.cur.Buttons != nil {
			jm.ReplyMarkup = json.RawMessage(m.cur.ReplyMarkup)
		}
	} else {
		u := toJSONUser(m.from, false)
		jm.From = &u
	}
	if m.edited {
		jm.EditDate = m.editAt
	}
	if m.replyTo != 0 {
		if r := c.msgs[m.replyTo]; r != nil {
			// Telegram does not nest replies more than one level deep.
			jm.ReplyToMessage = &jsonMessage{MessageID: r.id, Chat: c.json(), Date: r.date, Text: r.cur.PlainText, Entities: toJSONEntities(r.cur.Entities)}
		}
	}
	return jm
}

// chatLocked returns the chat, creating it on first contact.
func (s *Server) chatLocked(id int64, typ string, from User) *chat {
	c := s.chats[id]
	if c == nil {
		c = &chat{id: id, typ: typ, msgs: map[int]*message{}}
		if typ == "private" {
			c.user = from
		} else {
			c.title = "Test group " + strconv.FormatInt(id, 10)
		}
		s.chats[id] = c
	}
	return c
}

func groupType(chatID int64) string {
	// Supergroup and channel ids are -100xxxxxxxxxx.
	if chatID <= -1000000000000 {
		return "supergroup"
	}
	return "group"
}

func (s *Server) enqueueLocked(kind string, payload any) {
	id := s.nextUpdate
	s.nextUpdate++
	body, err := json.Marshal(map[string]any{"update_id": id, kind: payload})
	if err != nil {
		panic("telegramtest: marshal update: " + err.Error())
	}
	s.updates = append(s.updates, queuedUpdate{id: id, kind: kind, body: body})
	s.notifyLocked()
}

// SendText injects a text message from a user in the private chat chatID
// (normally equal to from.ID) and returns its message_id. Like Telegram,
// it marks "/command" and "@mention" entities.
func (s *Server) SendText(chatID int64, from User, text string) int {
	return s.injectText(chatID, "private", from, text, nil)
}

// SendGroupText injects a text message in a group chat. A chatID of the
// form -100xxxxxxxxxx makes a supergroup, other ids a basic group. entities
// are added to the detected ones, e.g. a text_mention of the bot.
func (s *Server) SendGroupText(chatID int64, from User, text string, entities ...Entity) int {
	return s.injectText(chatID, groupType(chatID), from, text, entities)
}

// Text is a message from a user in their private chat, for SendTexts.
type Text struct {
	From User
	Text string
}

// SendTexts injects several private messages at the same moment, so that
// one getUpdates fetches them all, and returns their message_ids.
func (s *Server) SendTexts(texts ...Text) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(texts))
	for i, t := range texts {
		ids[i] = s.injectTextLocked(t.From.ID, "private", t.From, t.Text, nil)
	}
	return ids
}

func (s *Server) injectText(chatID int64, typ string, from User, text string, extra []Entity) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.injectTextLocked(chatID, typ, from, text, extra)
}

func (s *Server) injectTextLocked(chatID int64, typ string, from User, text string, extra []Entity) int {
	c := s.chatLocked(chatID, typ, from)
	c.nextMsgID++
	ents := detectEntities(text)
	for _, e := range extra {
		if !slices.ContainsFunc(ents, func(d Entity) bool { return d.Type == e.Type && d.Offset == e.Offset && d.Length == e.Length }) {
			ents = append(ents, e)
		}
	}
	sortEntities(ents)
	m := &message{id: c.nextMsgID, from: from, date: time.Now().Unix(), cur: Revision{Text: text, PlainText: text, Entities: ents}}
	c.msgs[m.id] = m
	s.enqueueLocked("message", s.messageJSONLocked(c, m))
	return m.id
}

// PressButton injects a callback_query as if from pressed the button with
// data under the bot message messageID, and returns the query id. The
// button need not exist: users can press stale keyboards.
func (s *Server) PressButton(chatID int64, from User, messageID int, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	typ := "private"
	if chatID < 0 {
		typ = groupType(chatID)
	}
	c := s.chatLocked(chatID, typ, from)
	s.nextCBQuery++
	id := strconv.FormatInt(s.botID, 10) + strconv.FormatInt(1000000+s.nextCBQuery, 10)
	q := jsonCallbackQuery{ID: id, From: toJSONUser(from, false), ChatInstance: strconv.FormatInt(chatID*7+13, 10), Data: data}
	if m := c.msgs[messageID]; m != nil {
		q.Message = s.messageJSONLocked(c, m)
	} else {
		// An unknown message arrives as an InaccessibleMessage (date 0).
		q.Message = &jsonMessage{MessageID: messageID, Chat: c.json()}
	}
	s.callbacks[id] = &callbackState{}
	s.enqueueLocked("callback_query", q)
	return id
}

// Pending reports how many injected updates the bot has not confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// Block makes sendMessage and sendChatAction to chatID answer 403
// "Forbidden: bot was blocked by the user", as after the user blocked the bot.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// detectEntities finds the entities Telegram adds to incoming texts on its
// own: bot commands and @mentions. Front ends that match commands rely on
// the bot_command entity, not on the text.
func detectEntities(text string) []Entity {
	var ents []Entity
	u16 := 0
	prevSpace := true
	for i := 0; i < len(text); {
		c := text[i]
		if prevSpace && (c == '/' || c == '@') {
			j := i + 1
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			typ := "bot_command"
			if c == '@' {
				typ = "mention"
			} else if j < len(text) && text[j] == '@' {
				k := j + 1
				for k < len(text) && isWordByte(text[k]) {
					k++
				}
				if k > j+1 {
					j = k
				}
			}
			name := j - i - 1
			boundary := j == len(text) || !isWordByte(text[j])
			if boundary && ((typ == "bot_command" && name >= 1 && name <= 64) || (typ == "mention" && name >= 5 && name <= 32)) {
				// Everything scanned is ASCII, so bytes equal UTF-16 units.
				ents = append(ents, Entity{Type: typ, Offset: u16, Length: j - i})
				u16 += j - i
				i = j
				prevSpace = false
				continue
			}
		}
		r, size := decodeRune(text[i:])
		u16 += utf16Len(r)
		prevSpace = isSpaceRune(r)
		i += size
	}
	return ents
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// PostWebhook POSTs update to url the way Telegram delivers webhooks: JSON
// body, and the X-Telegram-Bot-Api-Secret-Token header when secret is not
// empty. update may be any JSON-marshalable value (e.g. a models.Update);
// []byte, json.RawMessage and string are sent as they are. The caller
// closes the response body.
func (s *Server) PostWebhook(url, secret string, update any) (*http.Response, error) {
	var body []byte
	switch u := update.(type) {
	case []byte:
		body = u
	case json.RawMessage:
		body = u
	case string:
		body = []byte(u)
	default:
		var err error
		if body, err = json.Marshal(update); err != nil {
			return nil, fmt.Errorf("telegramtest: marshal update: %w", err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	return s.hookClient.Do(req)
}

// getUpdates implements long polling: it confirms updates below offset,
// then answers at once if any are left, or waits for one until the
// (capped) timeout, a newer poll, or server shutdown.
func (s *Server) getUpdates(r *request) (any, *apiError) {
	offset, _, err := r.params.int64("offset")
	if err != nil {
		return nil, err
	}
	limit, hasLimit, err := r.params.int64("limit")
	if err != nil {
		return nil, err
	}
	if !hasLimit || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeoutSec, _, err := r.params.int64("timeout")
	if err != nil {
		return nil, err
	}
	var allowed []string
	if v := r.params["allowed_updates"]; v != "" {
		if json.Unmarshal([]byte(v), &allowed) != nil {
			return nil, badRequest("can't parse allowed updates")
		}
	}
	// Clamped before converting so absurd timeouts cannot overflow.
	wait := min(time.Duration(min(max(timeoutSec, 0), 86400))*time.Second, s.pollCap)
	deadline := time.NewTimer(wait)
	defer deadline.Stop()

	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		return nil, &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if r.params.has("allowed_updates") {
		// Telegram remembers the filter for later calls that omit it.
		s.allowed = allowed
	}
	s.pollGen++
	gen := s.pollGen
	s.notifyLocked() // wakes an older poll so it can be terminated
	if n := s.confirmLocked(offset); n > 0 && s.onConfirm != nil {
		s.onConfirm(n)
	}
	for {
		if gen != s.pollGen {
			s.mu.Unlock()
			return nil, &apiError{code: http.StatusConflict, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		out := s.takeLocked(offset, int(limit))
		if len(out) > 0 || s.closing {
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return []json.RawMessage{}, nil
		case <-r.http.Context().Done():
			return []json.RawMessage{}, nil
		}
		s.mu.Lock()
	}
}

func (s *Server) confirmLocked(offset int64) (confirmed int) {
	if offset == 0 || len(s.updates) == 0 {
		return 0
	}
	if offset < 0 {
		// A negative offset keeps only the last -offset updates.
		if keep := int(-offset); keep < len(s.updates) {
			confirmed = len(s.updates) - keep
			s.updates = slices.Delete(s.updates, 0, confirmed)
			s.notifyLocked()
		}
		return confirmed
	}
	n := 0
	for n < len(s.updates) && s.updates[n].id < offset {
		n++
	}
	if n > 0 {
		s.updates = slices.Delete(s.updates, 0, n)
		s.notifyLocked()
	}
	return n
}

// takeLocked returns up to limit pending updates; ones the allowed_updates
// filter excludes are dropped, as Telegram does not keep them.
func (s *Server) takeLocked(offset int64, limit int) []json.RawMessage {
	out := []json.RawMessage{}
	kept := s.updates[:0]
	for _, u := range s.updates {
		if !s.allowedLocked(u.kind) {
			continue
		}
		kept = append(kept, u)
		if u.id >= offset && len(out) < limit {
			out = append(out, u.body)
		}
	}
	s.updates = kept
	return out
}

func (s *Server) allowedLocked(kind string) bool {
	if len(s.allowed) == 0 {
		switch kind {
		case "chat_member", "message_reaction", "message_reaction_count":
			return false
		}
		return true
	}
	return slices.Contains(s.allowed, kind)
}

type webhookState struct {
	url         string
	secret      string
	maxConns    int
	lastErrDate int64
	lastErrMsg  string
}

func (s *Server) setWebhook(r *request) (any, *apiError) {
	u := strings.TrimSpace(r.params["url"])
	secret := r.params["secret_token"]
	if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if len(secret) > 256 || strings.ContainsFunc(secret, func(r rune) bool {
		return !(r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	var allowed []string
	if v := r.params["allowed_updates"]; v != "" {
		if json.Unmarshal([]byte(v), &allowed) != nil {
			return nil, badRequest("can't parse allowed updates")
		}
	}
	maxConns, _, err := r.params.int64("max_connections")
	if err != nil {
		return nil, err
	}
	if maxConns == 0 {
		maxConns = 40
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.params.bool("drop_pending_updates") {
		s.updates = nil
	}
	if r.params.has("allowed_updates") {
		s.allowed = allowed
	}
	s.webhook = webhookState{url: u, secret: secret, maxConns: int(maxConns)}
	s.notifyLocked()
	return true, nil
}

func (s *Server) deleteWebhook(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.params.bool("drop_pending_updates") {
		s.updates = nil
	}
	s.webhook = webhookState{}
	s.notifyLocked()
	return true, nil
}

func (s *Server) getWebhookInfo(*request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := map[string]any{
		"url":                    s.webhook.url,
		"has_custom_certificate": false,
		"pending_update_count":   len(s.updates),
	}
	if s.webhook.url != "" {
		info["max_connections"] = s.webhook.maxConns
		if s.allowed != nil {
			info["allowed_updates"] = s.allowed
		}
		if s.webhook.lastErrDate != 0 {
			info["last_error_date"] = s.webhook.lastErrDate
			info["last_error_message"] = s.webhook.lastErrMsg
		}
	}
	return info, nil
}

// WebhookURL reports the URL the bot registered with setWebhook ("" if none).
func (s *Server) WebhookURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url
}

// deliverWebhooks pushes queued updates to the registered webhook one at a
// time, in update_id order, retrying failures with backoff, until the
// server closes. With no webhook set it only waits.
func (s *Server) deliverWebhooks() {
	defer s.workers.Done()
	backoff := time.Duration(0)
	for {
		s.mu.Lock()
		for !s.closing && (s.webhook.url == "" || len(s.updates) == 0) {
			ch := s.changed
			s.mu.Unlock()
			<-ch
			s.mu.Lock()
		}
		if s.closing {
			s.mu.Unlock()
			return
		}
		s.takeLocked(0, 0) // drop what the filter excludes
		if len(s.updates) == 0 {
			s.mu.Unlock()
			continue
		}
		u, hook := s.updates[0], s.webhook
		s.mu.Unlock()

		errMsg := s.post(hook, u.body)

		s.mu.Lock()
		if errMsg == "" {
			if i := slices.IndexFunc(s.updates, func(q queuedUpdate) bool { return q.id == u.id }); i >= 0 {
				s.updates = slices.Delete(s.updates, i, i+1)
				if s.onConfirm != nil {
					s.onConfirm(1)
				}
			}
			s.notifyLocked()
			backoff = 0
			s.mu.Unlock()
			continue
		}
		if s.webhook.url == hook.url {
			s.webhook.lastErrDate, s.webhook.lastErrMsg = time.Now().Unix(), errMsg
		}
		ch := s.changed
		closing := s.closing
		s.mu.Unlock()
		if closing {
			return
		}
		backoff = min(max(backoff*2, 20*time.Millisecond), time.Second)
		select {
		case <-time.After(backoff):
		case <-ch:
			// A webhook change or shutdown should not wait out the backoff;
			// other changes just retry a bit early.
		}
	}
}

func (s *Server) post(hook webhookState, body []byte) string {
	// s.ctx ends at shutdown so a hanging webhook handler cannot hold up
	// the test's cleanup.
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.url, strings.NewReader(string(body)))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	if hook.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.secret)
	}
	resp, err := s.hookClient.Do(req)
	if err != nil {
		var uerr interface{ Timeout() bool }
		if errors.As(err, &uerr) && uerr.Timeout() {
			return "Timeout expired"
		}
		return "Connection refused"
	}
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "Wrong response from the webhook: " + resp.Status
	}
	return ""
}
