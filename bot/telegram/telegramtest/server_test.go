package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
)

const token = "123456:TEST-token"

var alice = telegramtest.User{ID: 1001, FirstName: "Alice", Username: "alice", LanguageCode: "en"}

// harness runs a real go-telegram/bot client against a fake server and
// collects the updates its default handler sees.
type harness struct {
	s       *telegramtest.Server
	b       *bot.Bot
	updates chan *models.Update

	mu     sync.Mutex
	errors []error
}

func newBot(t *testing.T, s *telegramtest.Server, opts ...bot.Option) *harness {
	t.Helper()
	h := &harness{s: s, updates: make(chan *models.Update, 1000)}
	opts = append([]bot.Option{
		bot.WithServerURL(s.URL()),
		bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) { h.updates <- u }),
		// The default handler logs through the log package; keep errors
		// for assertions instead.
		bot.WithErrorsHandler(func(err error) {
			h.mu.Lock()
			h.errors = append(h.errors, err)
			h.mu.Unlock()
		}),
	}, opts...)
	b, err := bot.New(s.Token(), opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	h.b = b
	return h
}

// start runs long polling until the test ends. Cleanup stops the bot
// before the server's own cleanup closes the server.
func (h *harness) start(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		h.b.Start(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func (h *harness) next(t *testing.T) *models.Update {
	t.Helper()
	select {
	case u := <-h.updates:
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no update reached the handler")
		return nil
	}
}

func TestGetMe(t *testing.T) {
	s := telegramtest.NewServer(t, token, telegramtest.WithBotUsername("clave_bot"))
	h := newBot(t, s)
	if got := s.Calls("getMe"); got != 1 {
		t.Fatalf("bot.New made %d getMe calls, want 1", got)
	}
	me, err := h.b.GetMe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != 123456 || !me.IsBot || me.Username != "clave_bot" {
		t.Fatalf("getMe = %+v", me)
	}
}

func TestWrongTokenFailsNew(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	_, err := bot.New("123456:wrong", bot.WithServerURL(s.URL()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Fatalf("bot.New with a wrong token: err = %v, want ErrorUnauthorized", err)
	}
}

func TestTextReachesHandler(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	h.start(t)

	id := s.SendText(alice.ID, alice, "/start hello")
	u := h.next(t)
	m := u.Message
	if m == nil || m.ID != id || m.Text != "/start hello" || m.Chat.ID != alice.ID || m.Chat.Type != models.ChatTypePrivate {
		t.Fatalf("update message = %+v", m)
	}
	if m.From == nil || m.From.ID != alice.ID || m.From.Username != "alice" || m.From.LanguageCode != "en" {
		t.Fatalf("from = %+v", m.From)
	}
	if len(m.Entities) != 1 || m.Entities[0].Type != models.MessageEntityTypeBotCommand || m.Entities[0].Length != 6 {
		t.Fatalf("entities = %+v, want one bot_command of length 6", m.Entities)
	}
	s.WaitUntil(t, 3*time.Second, "the update to be confirmed", func() bool { return s.Pending() == 0 })
}

func TestCommandHandlerMatches(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	got := make(chan string, 1)
	h.b.RegisterHandler(bot.HandlerTypeMessageText, "help", bot.MatchTypeCommand, func(_ context.Context, _ *bot.Bot, u *models.Update) {
		got <- u.Message.Text
	})
	h.start(t)
	s.SendText(alice.ID, alice, "/help")
	select {
	case text := <-got:
		if text != "/help" {
			t.Fatalf("got %q", text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("command handler not called")
	}
}

func TestUpdatesArriveOnceInOrder(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	// Injected before the bot polls: they wait in the queue.
	for i := range 5 {
		s.SendText(alice.ID, alice, fmt.Sprintf("m%d", i))
	}
	// Synchronous handlers keep the library from reordering.
	h := newBot(t, s, bot.WithNotAsyncHandlers())
	h.start(t)
	for i := range 5 {
		if got := h.next(t).Message.Text; got != fmt.Sprintf("m%d", i) {
			t.Fatalf("update %d text = %q", i, got)
		}
	}
	s.WaitUntil(t, 3*time.Second, "all updates confirmed", func() bool { return s.Pending() == 0 })
	select {
	case u := <-h.updates:
		t.Fatalf("update delivered twice: %+v", u.Message)
	case <-time.After(300 * time.Millisecond):
	}
}

func TestSendMessageWithInlineKeyboard(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	s.SendText(alice.ID, alice, "hi")

	msg, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{
		ChatID:    alice.ID,
		Text:      "<b>Pick</b> one &amp; only one",
		ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Yes", CallbackData: "yes"}, {Text: "No", CallbackData: "no"}},
			{{Text: "Docs", URL: "https://example.com/?a=1&b=2"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID != 2 || msg.Text != "Pick one & only one" || msg.Chat.ID != alice.ID || msg.From == nil || !msg.From.IsBot {
		t.Fatalf("returned message = %+v", msg)
	}
	if len(msg.Entities) != 1 || msg.Entities[0].Type != models.MessageEntityTypeBold || msg.Entities[0].Length != 4 {
		t.Fatalf("entities = %+v", msg.Entities)
	}
	if msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard) != 2 {
		t.Fatalf("reply markup not echoed: %+v", msg.ReplyMarkup)
	}

	sent := s.Sent(alice.ID)
	if len(sent) != 1 {
		t.Fatalf("sent = %+v", sent)
	}
	m := sent[0]
	want := [][]telegramtest.Button{
		{{Text: "Yes", CallbackData: "yes"}, {Text: "No", CallbackData: "no"}},
		{{Text: "Docs", URL: "https://example.com/?a=1&b=2"}},
	}
	if m.MessageID != msg.ID || m.Text != "<b>Pick</b> one &amp; only one" || m.PlainText != "Pick one & only one" || m.ParseMode != "HTML" || m.Edited || fmt.Sprint(m.Buttons) != fmt.Sprint(want) {
		t.Fatalf("recorded = %+v", m)
	}
}

func TestValidationErrors(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	s.SendText(alice.ID, alice, "hi")
	button := func(text, data string) models.ReplyMarkup {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: text, CallbackData: data}}}}
	}
	html := models.ParseModeHTML
	cases := []struct {
		name   string
		params bot.SendMessageParams
		want   string // "" means the call must succeed
	}{
		{"empty text", bot.SendMessageParams{Text: ""}, "message text is empty"},
		{"blank text", bot.SendMessageParams{Text: " \n\t "}, "message text is empty"},
		{"4096 characters", bot.SendMessageParams{Text: strings.Repeat("a", 4096)}, ""},
		{"4097 characters", bot.SendMessageParams{Text: strings.Repeat("a", 4097)}, "message is too long"},
		{"2048 emoji are 4096 UTF-16 units", bot.SendMessageParams{Text: strings.Repeat("😀", 2048)}, ""},
		{"2049 emoji", bot.SendMessageParams{Text: strings.Repeat("😀", 2049)}, "message is too long"},
		{"tags do not count", bot.SendMessageParams{Text: "<b>" + strings.Repeat("я", 4096) + "</b>", ParseMode: html}, ""},
		{"escapes count once", bot.SendMessageParams{Text: strings.Repeat("&lt;", 4097), ParseMode: html}, "message is too long"},
		{"only tags", bot.SendMessageParams{Text: "<b> </b>", ParseMode: html}, "message text is empty"},
		{"callback_data 64 bytes", bot.SendMessageParams{Text: "x", ReplyMarkup: button("ok", strings.Repeat("d", 64))}, ""},
		{"callback_data 65 bytes", bot.SendMessageParams{Text: "x", ReplyMarkup: button("ok", strings.Repeat("d", 65))}, "BUTTON_DATA_INVALID"},
		{"callback_data bytes not runes", bot.SendMessageParams{Text: "x", ReplyMarkup: button("ok", strings.Repeat("ж", 33))}, "BUTTON_DATA_INVALID"},
		{"empty callback_data", bot.SendMessageParams{Text: "x", ReplyMarkup: button("ok", "")}, "Text buttons are unallowed in the inline keyboard"},
		{"button without text", bot.SendMessageParams{Text: "x", ReplyMarkup: button("", "d")}, "BUTTON_TEXT_INVALID"},
		{"unknown tag", bot.SendMessageParams{Text: "<p>x</p>", ParseMode: html}, `can't parse entities: Unsupported start tag "p" at byte offset 0`},
		{"unclosed tag", bot.SendMessageParams{Text: "<b>x", ParseMode: html}, `can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"mismatched tag", bot.SendMessageParams{Text: "<b><i>x</b></i>", ParseMode: html}, `can't parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"stray end tag", bot.SendMessageParams{Text: "x</b>", ParseMode: html}, "can't parse entities: Unexpected end tag at byte offset 1"},
		{"bare <", bot.SendMessageParams{Text: "1 < 2", ParseMode: html}, `can't parse entities: Unsupported start tag "" at byte offset 2`},
		{"< at end", bot.SendMessageParams{Text: "a <", ParseMode: html}, "can't parse entities: Unclosed start tag at byte offset 2"},
		{"bare &", bot.SendMessageParams{Text: "Tom & Jerry", ParseMode: html}, "can't parse entities: Unsupported HTML entity at byte offset 4"},
		{"unknown named entity", bot.SendMessageParams{Text: "&nbsp;", ParseMode: html}, "can't parse entities"},
		{"entity without semicolon", bot.SendMessageParams{Text: "&lt", ParseMode: html}, "can't parse entities"},
		{"span without spoiler class", bot.SendMessageParams{Text: "<span>x</span>", ParseMode: html}, `Tag "span" must have class "tg-spoiler"`},
		{"bare > is fine", bot.SendMessageParams{Text: "2 > 1", ParseMode: html}, ""},
		{"all supported markup", bot.SendMessageParams{ParseMode: html, Text: `<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>` +
			`<a href="https://e.com/?q=1&x=2">a</a><code>c</code><pre><code class="language-go">p</code></pre><tg-spoiler>t</tg-spoiler>` +
			`<span class="tg-spoiler">p</span><blockquote>q</blockquote><blockquote expandable>x</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>` +
			` &lt;&gt;&amp;&quot;&#65;&#x42; <B>upper</B> <i>closed by</>`}, ""},
		{"unsupported parse mode", bot.SendMessageParams{Text: "x", ParseMode: "XML"}, "unsupported parse_mode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.params
			p.ChatID = alice.ID
			_, err := h.b.SendMessage(context.Background(), &p)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrorBadRequest containing %q", err, tc.want)
			}
		})
	}

	t.Run("chat not found", func(t *testing.T) {
		_, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 777, Text: "x"})
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "Bad Request: chat not found") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("reply to a missing message", func(t *testing.T) {
		_, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 999}})
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message to be replied not found") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestHTMLEntitiesAreParsed(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	s.SendText(alice.ID, alice, "hi")
	msg, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{
		ChatID:    alice.ID,
		ParseMode: models.ParseModeHTML,
		Text:      "  😀 <b>bold <i>both</i></b> <a href=\"https://e.com/?a=1&b=2\">link</a> <pre><code class=\"language-go\">x := 1</code></pre> &#128512;\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "😀 bold both link x := 1 😀"; msg.Text != want {
		t.Fatalf("text = %q, want %q", msg.Text, want)
	}
	got := fmt.Sprint(msg.Entities)
	want := fmt.Sprint([]models.MessageEntity{
		{Type: "bold", Offset: 3, Length: 9},
		{Type: "italic", Offset: 8, Length: 4},
		{Type: "text_link", Offset: 13, Length: 4, URL: "https://e.com/?a=1&b=2"},
		{Type: "pre", Offset: 18, Length: 6, Language: "go"},
	})
	if got != want {
		t.Fatalf("entities\n got %s\nwant %s", got, want)
	}
}

func TestFault429ExposesRetryAfter(t *testing.T) {
	s := telegramtest.NewServer(t, token, telegramtest.WithFault(func(method string, call int) *telegramtest.Fault {
		if method == "sendMessage" && call == 1 {
			return telegramtest.Fault429(7)
		}
		return nil
	}))
	h := newBot(t, s)
	s.SendText(alice.ID, alice, "hi")
	_, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "first"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Fatalf("err = %#v, want *bot.TooManyRequestsError with RetryAfter 7", err)
	}
	if !bot.IsTooManyRequestsError(err) {
		t.Fatal("IsTooManyRequestsError is false")
	}
	// The library's 429 error does not wrap the sentinel: front ends must
	// use errors.As, not errors.Is(err, bot.ErrorTooManyRequests).
	if errors.Is(err, bot.ErrorTooManyRequests) {
		t.Fatal("library changed: 429 now wraps ErrorTooManyRequests; update doc.go")
	}
	if len(s.Sent(alice.ID)) != 0 {
		t.Fatal("a faulted call was recorded")
	}
	if _, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "retry"}); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := s.Calls("sendMessage"); got != 2 {
		t.Fatalf("Calls(sendMessage) = %d, want 2", got)
	}
	if sent := s.Sent(alice.ID); len(sent) != 1 || sent[0].Text != "retry" {
		t.Fatalf("sent = %+v", sent)
	}
}

func TestFault403And502(t *testing.T) {
	s := telegramtest.NewServer(t, token, telegramtest.WithFault(func(method string, call int) *telegramtest.Fault {
		switch {
		case method == "sendMessage" && call == 1:
			return telegramtest.Fault403()
		case method == "sendMessage" && call == 2:
			return telegramtest.Fault502()
		case method == "sendMessage" && call == 3:
			f := telegramtest.Fault502()
			f.Body = "<html><body>502 Bad Gateway</body></html>"
			return f
		case method == "sendChatAction":
			return telegramtest.Fault429(1)
		}
		return nil
	}))
	h := newBot(t, s)
	s.SendText(alice.ID, alice, "hi")
	send := func() error {
		_, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"})
		return err
	}
	if err := send(); !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Fatalf("403: err = %v", err)
	}
	if err := send(); err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Fatalf("JSON 502: err = %v", err)
	}
	if err := send(); err == nil || !strings.Contains(err.Error(), "error decode response body") {
		t.Fatalf("HTML 502: err = %v", err)
	}
	if _, err := h.b.SendChatAction(context.Background(), &bot.SendChatActionParams{ChatID: alice.ID, Action: models.ChatActionTyping}); !bot.IsTooManyRequestsError(err) {
		t.Fatalf("sendChatAction: err = %v", err)
	}
}

func TestBlockedChat(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	s.SendText(alice.ID, alice, "hi")
	s.Block(alice.ID)
	_, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "x"})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("err = %v", err)
	}
}

func TestEdits(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	ctx := context.Background()
	userMsg := s.SendText(alice.ID, alice, "hi")
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Go", CallbackData: "go"}}}}
	msg, err := h.b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "v1", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}

	edited, err := h.b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: msg.ID, Text: "<i>v2</i>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	if edited.Text != "v2" || edited.EditDate == 0 {
		t.Fatalf("edit result = %+v", edited)
	}
	// Same rendered content through different markup is still "not modified".
	_, err = h.b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: msg.ID, Text: "<em>v2</em>", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "Bad Request: message is not modified") {
		t.Fatalf("identical edit: err = %v", err)
	}
	// Leaving out reply_markup drops the keyboard, as Telegram does.
	if _, err := h.b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: msg.ID, Text: "<i>v2</i>", ParseMode: models.ParseModeHTML}); err != nil {
		t.Fatalf("edit dropping keyboard: %v", err)
	}
	if _, err := h.b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: alice.ID, MessageID: msg.ID, ReplyMarkup: kb}); err != nil {
		t.Fatalf("editMessageReplyMarkup: %v", err)
	}
	_, err = h.b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: alice.ID, MessageID: msg.ID, ReplyMarkup: kb})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Fatalf("identical markup: err = %v", err)
	}

	sent := s.Sent(alice.ID)
	if len(sent) != 1 {
		t.Fatalf("sent = %+v", sent)
	}
	m := sent[0]
	if !m.Edited || m.Text != "<i>v2</i>" || m.PlainText != "v2" || len(m.Buttons) != 1 || len(m.History) != 3 {
		t.Fatalf("message after edits = %+v", m)
	}
	if m.History[0].Text != "v1" || m.History[0].Buttons == nil || m.History[2].Buttons != nil {
		t.Fatalf("history = %+v", m.History)
	}

	for name, tc := range map[string]struct {
		chatID any
		msgID  int
		want   string
	}{
		"unknown message": {alice.ID, 999, "message to edit not found"},
		"user's message":  {alice.ID, userMsg, "message can't be edited"},
		"unknown chat":    {int64(555), msg.ID, "chat not found"},
	} {
		_, err := h.b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: tc.chatID, MessageID: tc.msgID, Text: "new"})
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

func TestPressButtonAndAnswer(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	h.start(t)
	s.SendText(alice.ID, alice, "hi")
	h.next(t)
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Go", CallbackData: "go"}}}}
	msg, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "press", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}

	id := s.PressButton(alice.ID, alice, msg.ID, "go")
	u := h.next(t)
	q := u.CallbackQuery
	if q == nil || q.ID != id || q.Data != "go" || q.From.ID != alice.ID {
		t.Fatalf("callback query = %+v", q)
	}
	if q.Message.Type != models.MaybeInaccessibleMessageTypeMessage || q.Message.Message.ID != msg.ID || q.Message.Message.Text != "press" {
		t.Fatalf("callback message = %+v", q.Message.Message)
	}
	if s.CallbackAnswered(id) {
		t.Fatal("answered before the bot answered")
	}
	if _, err := h.b.AnswerCallbackQuery(context.Background(), &bot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: "done"}); err != nil {
		t.Fatal(err)
	}
	if a, ok := s.CallbackAnswer(id); !ok || a.Text != "done" {
		t.Fatalf("answer = %+v, %v", a, ok)
	}
	_, err = h.b.AnswerCallbackQuery(context.Background(), &bot.AnswerCallbackQueryParams{CallbackQueryID: id})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "query ID is invalid") {
		t.Fatalf("second answer: err = %v", err)
	}

	stale := s.PressButton(alice.ID, alice, 4242, "old")
	if q := h.next(t).CallbackQuery; q.ID != stale || q.Message.Type != models.MaybeInaccessibleMessageTypeInaccessibleMessage {
		t.Fatalf("stale press = %+v", q)
	}
}

func TestGroupText(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	h.start(t)
	const group = -1001234567890
	s.SendGroupText(group, alice, "@test_bot hello /ask@test_bot now",
		telegramtest.Entity{Type: "bold", Offset: 10, Length: 5})
	m := h.next(t).Message
	if m.Chat.Type != models.ChatTypeSupergroup || m.Chat.ID != group || m.Chat.Title == "" {
		t.Fatalf("chat = %+v", m.Chat)
	}
	got := fmt.Sprint(m.Entities)
	want := fmt.Sprint([]models.MessageEntity{
		{Type: "mention", Offset: 0, Length: 9},
		{Type: "bold", Offset: 10, Length: 5},
		{Type: "bot_command", Offset: 16, Length: 13},
	})
	if got != want {
		t.Fatalf("entities\n got %s\nwant %s", got, want)
	}
	s.SendGroupText(-42, alice, "plain")
	if c := h.next(t).Message.Chat; c.Type != models.ChatTypeGroup {
		t.Fatalf("chat = %+v", c)
	}
	if _, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: int64(group), Text: "hi all"}); err != nil {
		t.Fatal(err)
	}
	if len(s.Sent(group)) != 1 {
		t.Fatal("group message not recorded")
	}
}

func TestChatActionsAndCommands(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	ctx := context.Background()
	if _, err := h.b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: alice.ID, Action: models.ChatActionTyping}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("action to unknown chat: err = %v", err)
	}
	s.SendText(alice.ID, alice, "hi")
	if _, err := h.b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: alice.ID, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: alice.ID, Action: "dancing"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("bad action: err = %v", err)
	}
	if got := s.ChatActions(alice.ID); len(got) != 1 || got[0] != "typing" {
		t.Fatalf("actions = %v", got)
	}

	def := []models.BotCommand{{Command: "start", Description: "Start"}, {Command: "help", Description: "Help"}}
	ru := []models.BotCommand{{Command: "start", Description: "Начать"}}
	for _, p := range []*bot.SetMyCommandsParams{
		{Commands: def},
		{Commands: ru, LanguageCode: "ru", Scope: &models.BotCommandScopeDefault{}},
		{Commands: ru, Scope: &models.BotCommandScopeChat{ChatID: alice.ID}},
	} {
		if _, err := h.b.SetMyCommands(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got := s.Commands()
	if len(got) != 2 || len(got[""]) != 2 || got[""][1].Command != "help" || got["ru"][0].Description != "Начать" {
		t.Fatalf("commands = %+v", got)
	}
	if scoped := s.CommandsForScope(fmt.Sprintf("chat:%d", alice.ID)); len(scoped[""]) != 1 {
		t.Fatalf("chat-scoped commands = %+v", scoped)
	}
	if _, err := h.b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Bad-Name", Description: "x"}}}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("invalid command: err = %v", err)
	}
}

// TestConcurrentChats drives 50 chats at once through the real client:
// every chat's messages must be recorded in the order the bot sent them,
// and every injected message must reach the handler.
func TestConcurrentChats(t *testing.T) {
	const chats, perChat = 50, 10
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	h.start(t)

	var wg sync.WaitGroup
	for c := range chats {
		wg.Go(func() {
			user := telegramtest.User{ID: int64(5000 + c), FirstName: fmt.Sprint("U", c)}
			for i := range perChat {
				s.SendText(user.ID, user, fmt.Sprintf("in %d", i))
			}
		})
	}
	wg.Wait()
	seen := 0
	for seen < chats*perChat {
		h.next(t)
		seen++
	}

	errs := make(chan error, chats)
	for c := range chats {
		wg.Go(func() {
			chatID := int64(5000 + c)
			for i := range perChat {
				if _, err := h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chatID, Text: fmt.Sprintf("out %d", i)}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for c := range chats {
		sent := s.WaitSent(t, int64(5000+c), perChat, time.Second)
		for i, m := range sent {
			if m.Text != fmt.Sprintf("out %d", i) || m.MessageID != perChat+i+1 {
				t.Fatalf("chat %d message %d = %+v", c, i, m)
			}
		}
	}
}

func TestWaitSentWaits(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	h := newBot(t, s)
	s.SendText(alice.ID, alice, "hi")
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = h.b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: alice.ID, Text: "late"})
	}()
	if got := s.WaitSent(t, alice.ID, 1, 5*time.Second); got[0].Text != "late" {
		t.Fatalf("got %+v", got)
	}
}

func TestWebhookMode(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	const secret = "s3cret_token-1"
	h := newBot(t, s, bot.WithWebhookSecretToken(secret))
	hook := httptest.NewServer(h.b.WebhookHandler())
	t.Cleanup(hook.Close)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		h.b.StartWebhook(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	if _, err := h.b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL, SecretToken: secret}); err != nil {
		t.Fatal(err)
	}
	info, err := h.b.GetWebhookInfo(ctx)
	if err != nil || info.URL != hook.URL {
		t.Fatalf("webhook info = %+v, %v", info, err)
	}

	// Injected updates are pushed to the registered webhook.
	s.SendText(alice.ID, alice, "via webhook")
	if m := h.next(t).Message; m == nil || m.Text != "via webhook" {
		t.Fatalf("webhook update = %+v", m)
	}
	s.WaitUntil(t, 3*time.Second, "webhook delivery confirmed", func() bool { return s.Pending() == 0 })

	// PostWebhook sends hand-made updates.
	resp, err := s.PostWebhook(hook.URL, secret, models.Update{ID: 99, Message: &models.Message{ID: 7, Text: "handmade", Chat: models.Chat{ID: alice.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if m := h.next(t).Message; m == nil || m.Text != "handmade" {
		t.Fatalf("posted update = %+v", m)
	}

	// A wrong secret is dropped, yet the library still answers 200.
	resp, err = s.PostWebhook(hook.URL, "wrong", `{"update_id":100,"message":{"message_id":8,"date":1,"chat":{"id":1,"type":"private"},"text":"forged"}}`)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("wrong secret: status %d", resp.StatusCode)
	}
	select {
	case u := <-h.updates:
		t.Fatalf("forged update reached the handler: %+v", u.Message)
	case <-time.After(200 * time.Millisecond):
	}

	// Polling while a webhook is set is a conflict.
	raw := rawCall(t, s, "getUpdates", "application/json", `{"timeout":0}`)
	if raw.code != 409 || !strings.Contains(raw.body, "webhook is active") {
		t.Fatalf("getUpdates with webhook: %d %s", raw.code, raw.body)
	}
	if _, err := h.b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	if s.WebhookURL() != "" {
		t.Fatal("webhook not deleted")
	}
}

type rawResult struct {
	code int
	body string
}

func rawCall(t *testing.T, s *telegramtest.Server, method, contentType, body string) rawResult {
	t.Helper()
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/"+method, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResult{resp.StatusCode, string(b)}
}

func TestRawEncodingsAndErrors(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	s.SendText(alice.ID, alice, "hi")

	r := rawCall(t, s, "sendMessage", "application/json",
		`{"chat_id":1001,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`)
	if r.code != 200 || !strings.Contains(r.body, `"ok":true`) {
		t.Fatalf("JSON body: %d %s", r.code, r.body)
	}
	form := url.Values{"chat_id": {"1001"}, "text": {"form"}, "reply_markup": {`{"inline_keyboard":[[{"text":"B","callback_data":"b"}]]}`}}
	r = rawCall(t, s, "SENDMESSAGE", "application/x-www-form-urlencoded", form.Encode())
	if r.code != 200 {
		t.Fatalf("form body: %d %s", r.code, r.body)
	}
	sent := s.Sent(alice.ID)
	if len(sent) != 2 || sent[0].Buttons[0][0].CallbackData != "a" || sent[1].Buttons[0][0].Text != "B" {
		t.Fatalf("sent = %+v", sent)
	}

	r = rawCall(t, s, "sendMessage", "application/json", `{"chat_id":1001,"text":""}`)
	var apiErr struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal([]byte(r.body), &apiErr); err != nil || r.code != 400 || apiErr.OK || apiErr.ErrorCode != 400 || apiErr.Description != "Bad Request: message text is empty" {
		t.Fatalf("error body: %d %s", r.code, r.body)
	}

	r = rawCall(t, s, "sendPhoto", "application/json", `{}`)
	if r.code != 404 || r.body != `{"ok":false,"error_code":404,"description":"Not Found"}`+"\n" {
		t.Fatalf("unknown method: %d %q", r.code, r.body)
	}
	resp, err := http.Get(s.URL() + "/bot1:other/getMe")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 401 || string(b) != `{"ok":false,"error_code":401,"description":"Unauthorized"}`+"\n" {
		t.Fatalf("wrong token: %d %s", resp.StatusCode, b)
	}
}

func TestGetUpdatesOffsetAndFilter(t *testing.T) {
	s := telegramtest.NewServer(t, token)
	s.SendText(alice.ID, alice, "one")
	s.PressButton(alice.ID, alice, 1, "data")
	s.SendText(alice.ID, alice, "two")

	type updates struct {
		Result []struct {
			UpdateID      int64           `json:"update_id"`
			Message       json.RawMessage `json:"message"`
			CallbackQuery json.RawMessage `json:"callback_query"`
		} `json:"result"`
	}
	poll := func(body string) updates {
		t.Helper()
		r := rawCall(t, s, "getUpdates", "application/json", body)
		var u updates
		if r.code != 200 || json.Unmarshal([]byte(r.body), &u) != nil {
			t.Fatalf("getUpdates: %d %s", r.code, r.body)
		}
		return u
	}
	u := poll(`{"limit":2}`)
	if len(u.Result) != 2 || u.Result[0].UpdateID != 1 || u.Result[1].CallbackQuery == nil {
		t.Fatalf("first poll = %+v", u)
	}
	// Unconfirmed updates are sent again.
	if u := poll(`{}`); len(u.Result) != 3 {
		t.Fatalf("repoll = %+v", u)
	}
	// Confirming through offset drops them; the filter drops other kinds.
	if u := poll(`{"offset":2,"allowed_updates":["message"]}`); len(u.Result) != 1 || u.Result[0].UpdateID != 3 {
		t.Fatalf("filtered poll = %+v", u)
	}
	if s.Pending() != 1 {
		t.Fatalf("pending = %d", s.Pending())
	}
	start := time.Now()
	if u := poll(`{"offset":4,"timeout":30}`); len(u.Result) != 0 {
		t.Fatalf("empty poll = %+v", u)
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 3*time.Second {
		t.Fatalf("long poll took %v, want about the 1s cap", d)
	}
}

func TestLongPollWakesOnUpdateAndConflict(t *testing.T) {
	s := telegramtest.NewServer(t, token, telegramtest.WithPollCap(10*time.Second))
	first := make(chan rawResult, 1)
	go func() {
		resp, err := http.Post(s.URL()+"/bot"+token+"/getUpdates", "application/json", strings.NewReader(`{"timeout":10}`))
		if err != nil {
			first <- rawResult{body: err.Error()}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		first <- rawResult{resp.StatusCode, string(b)}
	}()
	s.WaitUntil(t, 3*time.Second, "the first poll", func() bool { return s.Calls("getUpdates") == 1 })
	time.Sleep(50 * time.Millisecond)
	// A second poller terminates the first, as in Telegram.
	second := make(chan rawResult, 1)
	go func() { second <- rawCall(t, s, "getUpdates", "application/json", `{"timeout":10}`) }()
	select {
	case r := <-first:
		if r.code != 409 || !strings.Contains(r.body, "terminated by other getUpdates request") {
			t.Fatalf("first poll: %d %s", r.code, r.body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("first poll not terminated")
	}
	start := time.Now()
	s.SendText(alice.ID, alice, "wake")
	select {
	case r := <-second:
		if r.code != 200 || !strings.Contains(r.body, "wake") {
			t.Fatalf("second poll: %d %s", r.code, r.body)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("poll answered %v after the update", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second poll did not wake")
	}
}

func TestCloseEndsLongPoll(t *testing.T) {
	start := time.Now()
	t.Run("server", func(t *testing.T) {
		s := telegramtest.NewServer(t, token, telegramtest.WithPollCap(time.Minute))
		go func() {
			resp, err := http.Post(s.URL()+"/bot"+token+"/getUpdates", "application/json", strings.NewReader(`{"timeout":60}`))
			if err == nil {
				_ = resp.Body.Close()
			}
		}()
		s.WaitUntil(t, 3*time.Second, "the poll", func() bool { return s.Calls("getUpdates") == 1 })
	})
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("closing the server took %v with a poll open", d)
	}
}
