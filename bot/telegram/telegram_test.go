package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/telegram"
	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/internal/testkit"
	"github.com/clavebot/clavebot/store"
)

const token = "123456:TEST-token-never-logged"

func mustEngine(testing.TB) *conversation.Engine { return testkit.Engine() }

// syncBuffer is a log destination safe for the front end's goroutines.
type syncBuffer = testkit.LogBuffer

// harness is one running front end against a fake Bot API.
type harness struct {
	srv    *telegramtest.Server
	fe     *telegram.FrontEnd
	db     *store.DB
	svc    *bot.Service
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

type setup struct {
	dbPath  string
	wrap    func(*bot.Service) telegram.Service
	cfg     telegram.Config
	outbox  []telegram.OutboxOption
	srvOpts []telegramtest.Option
	srv     *telegramtest.Server
}

// fastOutbox keeps the real queue but with limits a test can wait for.
var fastOutbox = []telegram.OutboxOption{
	telegram.WithChatRate(time.Millisecond, 100), telegram.WithGroupRate(time.Millisecond, 100),
	telegram.WithGlobalRate(10000, 1000), telegram.WithRetries(6, 10*time.Millisecond, 100*time.Millisecond),
}

func start(t testing.TB, s setup) *harness {
	t.Helper()
	if s.srv == nil {
		s.srv = telegramtest.NewServer(t, token, append([]telegramtest.Option{telegramtest.WithBotUsername("clave_test_bot")}, s.srvOpts...)...)
	}
	if s.dbPath == "" {
		s.dbPath = filepath.Join(t.TempDir(), "bot.db")
	}
	db, err := store.Open(s.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{srv: s.srv, db: db, logs: &syncBuffer{}, done: make(chan error, 1)}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.svc = bot.NewService(db, mustEngine(t), bot.WithLogger(log))
	var svc telegram.Service = h.svc
	if s.wrap != nil {
		svc = s.wrap(h.svc)
	}
	cfg := s.cfg
	cfg.Token, cfg.APIURL = token, s.srv.URL()
	if s.outbox == nil {
		s.outbox = fastOutbox
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.fe, err = telegram.New(ctx, cfg, svc, telegram.WithLogger(log), telegram.WithOutbox(s.outbox...))
	if err != nil {
		t.Fatal(err)
	}
	go func() { h.done <- h.fe.Run(ctx) }()
	t.Cleanup(func() { h.stop(t) })
	return h
}

func (h *harness) stop(t testing.TB) {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("front end did not stop within 10s")
	}
	h.db.Close()
	if strings.Contains(h.logs.String(), "TEST-token") {
		t.Errorf("the bot token reached the logs:\n%s", h.logs.String())
	}
}

var alice = telegramtest.User{ID: 1001, FirstName: "Alice", LanguageCode: "en"}

const wait = 10 * time.Second

// lastWithButtons returns the newest message of a chat that has buttons.
func lastWithButtons(t *testing.T, msgs []telegramtest.SentMessage) telegramtest.SentMessage {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Buttons) > 0 {
			return msgs[i]
		}
	}
	t.Fatalf("no message with buttons among %d", len(msgs))
	return telegramtest.SentMessage{}
}

func button(t *testing.T, m telegramtest.SentMessage, data string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.CallbackData == data {
				return data
			}
		}
	}
	t.Fatalf("no button %q in %+v", data, m.Buttons)
	return ""
}

func TestStartShowsMenuAndCommands(t *testing.T) {
	h := start(t, setup{})
	h.srv.SendText(alice.ID, alice, "/start")
	msgs := h.srv.WaitSent(t, alice.ID, 1, wait)
	if !strings.Contains(msgs[0].PlainText, "I'm clavebot") || msgs[0].ParseMode != "HTML" {
		t.Errorf("greeting %q (%s)", msgs[0].PlainText, msgs[0].ParseMode)
	}
	button(t, lastWithButtons(t, msgs), "flow:route")
	cmds := h.srv.Commands()
	for _, lang := range []string{"", "en", "es"} {
		if len(cmds[lang]) == 0 {
			t.Errorf("no commands for language %q", lang)
		}
	}
	if cmds["es"][0].Description == cmds["en"][0].Description {
		t.Errorf("Spanish commands are not in Spanish: %+v", cmds["es"])
	}
}

func TestSpanishLanguageCode(t *testing.T) {
	h := start(t, setup{})
	ana := telegramtest.User{ID: 1002, FirstName: "Ana", LanguageCode: "es-ES"}
	h.srv.SendText(ana.ID, ana, "/start")
	msgs := h.srv.WaitSent(t, ana.ID, 1, wait)
	if !strings.Contains(msgs[0].PlainText, "¡Hola!") {
		t.Errorf("greeting for es-ES is %q", msgs[0].PlainText)
	}
}

func TestButtonsWalkAFlow(t *testing.T) {
	h := start(t, setup{})
	h.srv.SendText(alice.ID, alice, "/start")
	menu := lastWithButtons(t, h.srv.WaitSent(t, alice.ID, 1, wait))
	q := h.srv.PressButton(alice.ID, alice, menu.MessageID, button(t, menu, "flow:route"))
	msgs := h.srv.WaitSent(t, alice.ID, 2, wait)
	h.srv.WaitUntil(t, wait, "callback answered", func() bool { return h.srv.CallbackAnswered(q) })
	question := msgs[1]
	if !strings.Contains(question.PlainText, "digital certificate") {
		t.Fatalf("route question: %q", question.PlainText)
	}
	h.srv.WaitUntil(t, wait, "pressed menu loses its buttons", func() bool {
		for _, m := range h.srv.Sent(alice.ID) {
			if m.MessageID == menu.MessageID {
				return len(m.Buttons) == 0 && m.Edited
			}
		}
		return false
	})
	for i, data := range []string{"a:route:cert:no", "a:route:office:no", "a:route:doc:nie", "a:route:address:yes"} {
		last := lastWithButtons(t, h.srv.Sent(alice.ID))
		h.srv.PressButton(alice.ID, alice, last.MessageID, button(t, last, data))
		h.srv.WaitSent(t, alice.ID, 3+i, wait)
	}
	final := h.srv.Sent(alice.ID)
	if got := final[len(final)-1].PlainText; !strings.Contains(got, "invitation letter") {
		t.Errorf("recommendation: %q", got)
	}
}

func TestFreeTextInAFlowAndDeepLink(t *testing.T) {
	h := start(t, setup{})
	h.srv.SendText(alice.ID, alice, "/route")
	h.srv.WaitSent(t, alice.ID, 1, wait)
	h.srv.SendText(alice.ID, alice, "no I don't")
	msgs := h.srv.WaitSent(t, alice.ID, 2, wait)
	if !strings.Contains(msgs[1].PlainText, "registration office") {
		t.Errorf("after a typed answer: %q", msgs[1].PlainText)
	}
	h.srv.SendText(alice.ID, alice, "/start csv_code")
	msgs = h.srv.WaitSent(t, alice.ID, 3, wait)
	if !strings.Contains(msgs[2].PlainText, "16") || !strings.Contains(msgs[2].PlainText, "60 days") {
		t.Errorf("deep link to the CSV topic: %q", msgs[2].PlainText)
	}
	if !strings.Contains(msgs[2].Text, `<a href="https://`) {
		t.Errorf("the official link is not an HTML link: %q", msgs[2].Text)
	}
}

func TestRestartKeepsProgress(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "bot.db")
	srv := telegramtest.NewServer(t, token, telegramtest.WithBotUsername("clave_test_bot"))
	first := start(t, setup{dbPath: dbPath, srv: srv})
	srv.SendText(alice.ID, alice, "/route")
	srv.SendText(alice.ID, alice, "no")
	srv.WaitSent(t, alice.ID, 2, wait)
	first.stop(t)

	start(t, setup{dbPath: dbPath, srv: srv})
	srv.SendText(alice.ID, alice, "1")
	msgs := srv.WaitSent(t, alice.ID, 3, wait)
	if !strings.Contains(msgs[2].PlainText, "tax address") {
		t.Errorf("after restart the route did not continue: %q", msgs[2].PlainText)
	}
}

func TestStaleButton(t *testing.T) {
	h := start(t, setup{})
	h.srv.SendText(alice.ID, alice, "/route")
	q := h.srv.WaitSent(t, alice.ID, 1, wait)[0]
	h.srv.PressButton(alice.ID, alice, q.MessageID, "a:route:cert:no")
	h.srv.WaitSent(t, alice.ID, 2, wait)
	// Days later, the same old button again (its keyboard was removed,
	// but a client may still show it).
	h.srv.PressButton(alice.ID, alice, q.MessageID, "a:route:cert:no")
	msgs := h.srv.WaitSent(t, alice.ID, 3, wait)
	if !strings.Contains(msgs[2].PlainText, "earlier message") {
		t.Errorf("stale button: %q", msgs[2].PlainText)
	}
}

// echoService replies with the user's text; special texts panic or ask
// for a long answer.
type echoService struct {
	*bot.Service
	mu       sync.Mutex
	blocked  []string
	handling func(bot.Message)
}

func (e *echoService) Handle(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
	if e.handling != nil {
		e.handling(m)
	}
	switch {
	case m.Text == "boom":
		panic("boom")
	case m.Text == "long":
		var paras []string
		for i := range 60 {
			paras = append(paras, fmt.Sprintf("Paragraph %d. %s", i, strings.Repeat("word ", 19)))
		}
		return []bot.Reply{{Text: strings.Join(paras, "\n\n"), Buttons: []bot.Button{{Label: "Main menu", Data: "flow:menu"}}}}, nil
	}
	return []bot.Reply{{Text: m.Text}}, nil
}

// Answer queues what Handle says, as the real Service would.
func (e *echoService) Answer(ctx context.Context, m bot.Message) ([]bot.Outgoing, error) {
	replies, err := e.Handle(ctx, m)
	if err != nil {
		return nil, err
	}
	out := make([]bot.Outgoing, len(replies))
	for i, r := range replies {
		out[i] = bot.Outgoing{To: m.To, Reply: r}
	}
	return e.Service.Post(m.Received, out...)
}

func (e *echoService) MarkBlocked(key string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.blocked = append(e.blocked, key)
	return e.Service.MarkBlocked(key)
}

func echo(e *echoService) func(*bot.Service) telegram.Service {
	return func(s *bot.Service) telegram.Service { e.Service = s; return e }
}

func TestLongAnswerIsSplit(t *testing.T) {
	h := start(t, setup{wrap: echo(&echoService{})})
	h.srv.SendText(alice.ID, alice, "long")
	msgs := h.srv.WaitSent(t, alice.ID, 2, wait)
	time.Sleep(100 * time.Millisecond)
	msgs = h.srv.Sent(alice.ID)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	total := 0
	for _, m := range msgs {
		if len([]rune(m.PlainText)) > 4096 {
			t.Errorf("a part has %d characters", len([]rune(m.PlainText)))
		}
		if !strings.HasPrefix(m.PlainText, "Paragraph") {
			t.Errorf("a part does not start at a paragraph: %.40q", m.PlainText)
		}
		total += strings.Count(m.PlainText, "Paragraph")
	}
	if total != 60 || len(msgs[0].Buttons) != 0 || len(msgs[1].Buttons) == 0 {
		t.Errorf("%d paragraphs delivered; buttons on parts: %d, %d", total, len(msgs[0].Buttons), len(msgs[1].Buttons))
	}
}

func TestUserHTMLComesBackEscaped(t *testing.T) {
	h := start(t, setup{wrap: echo(&echoService{})})
	text := `<b>bold</b> & <script>alert("x")</script> &amp; 1 < 2 > 0`
	h.srv.SendText(alice.ID, alice, text)
	msgs := h.srv.WaitSent(t, alice.ID, 1, wait)
	if msgs[0].PlainText != text {
		t.Errorf("user sees %q, want the text exactly as typed", msgs[0].PlainText)
	}
}

func TestPanicDoesNotStopTheBot(t *testing.T) {
	h := start(t, setup{wrap: echo(&echoService{})})
	h.srv.SendText(alice.ID, alice, "boom")
	msgs := h.srv.WaitSent(t, alice.ID, 1, wait)
	if !strings.Contains(msgs[0].PlainText, "Sorry") {
		t.Errorf("after a panic the user got %q", msgs[0].PlainText)
	}
	h.srv.SendText(alice.ID, alice, "still here?")
	msgs = h.srv.WaitSent(t, alice.ID, 2, wait)
	if msgs[1].PlainText != "still here?" {
		t.Errorf("after a panic: %q", msgs[1].PlainText)
	}
	if !strings.Contains(h.logs.String(), "panic") {
		t.Error("the panic was not logged")
	}
}

// sendOrder sends n numbered messages and checks they arrive once each,
// in order.
func sendOrder(t *testing.T, h *harness, user telegramtest.User, n int) {
	t.Helper()
	for i := range n {
		h.srv.SendText(user.ID, user, fmt.Sprintf("message %d", i))
	}
	msgs := h.srv.WaitSent(t, user.ID, n, 30*time.Second)
	time.Sleep(50 * time.Millisecond)
	msgs = h.srv.Sent(user.ID)
	if len(msgs) != n {
		t.Fatalf("user %d got %d messages, want %d", user.ID, len(msgs), n)
	}
	for i, m := range msgs {
		if want := fmt.Sprintf("message %d", i); m.PlainText != want {
			t.Fatalf("user %d: message %d is %q, want %q", user.ID, i, m.PlainText, want)
		}
	}
}

func TestFloodControlLosesNothing(t *testing.T) {
	h := start(t, setup{
		wrap: echo(&echoService{}),
		srvOpts: []telegramtest.Option{telegramtest.WithFault(func(method string, call int) *telegramtest.Fault {
			if method == "sendMessage" && call%3 == 0 {
				return telegramtest.Fault429(1)
			}
			return nil
		})},
	})
	sendOrder(t, h, alice, 8)
	if h.srv.Calls("sendMessage") < 10 {
		t.Errorf("only %d sendMessage calls: were the 429s injected?", h.srv.Calls("sendMessage"))
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	h := start(t, setup{
		wrap: echo(&echoService{}),
		srvOpts: []telegramtest.Option{telegramtest.WithFault(func(method string, call int) *telegramtest.Fault {
			if method == "sendMessage" && call <= 2 {
				return telegramtest.Fault502()
			}
			return nil
		})},
	})
	sendOrder(t, h, alice, 3)
}

func TestBlockedUserIsMarked(t *testing.T) {
	h := start(t, setup{})
	h.srv.SendText(alice.ID, alice, "hello")
	h.srv.WaitSent(t, alice.ID, 1, wait)
	h.srv.Block(alice.ID)
	h.srv.SendText(alice.ID, alice, "/menu")
	h.srv.WaitUntil(t, wait, "user marked as blocked", func() bool {
		u, _, _ := h.db.User("tg:1001")
		return u.Blocked
	})
}

func TestConcurrentUsersInOrder(t *testing.T) {
	h := start(t, setup{outbox: []telegram.OutboxOption{telegram.Unlimited()}})
	var wg sync.WaitGroup
	for i := range 50 {
		user := telegramtest.User{ID: int64(5000 + i), FirstName: "U", LanguageCode: "en"}
		wg.Go(func() {
			for _, text := range []string{"/checklist", "yes", "1", "yes", "1"} {
				h.srv.SendText(user.ID, user, text)
			}
		})
	}
	wg.Wait()
	for i := range 50 {
		id := int64(5000 + i)
		msgs := h.srv.WaitSent(t, id, 5, 30*time.Second)
		for n, m := range msgs[:5] {
			if want := fmt.Sprintf("%d of 5 ready", n); !strings.Contains(m.PlainText, want) {
				t.Errorf("user %d, reply %d lacks %q: %.60q", id, n, want, m.PlainText)
			}
		}
	}
}

func TestGroupChats(t *testing.T) {
	h := start(t, setup{})
	const group = -100777
	bob := telegramtest.User{ID: 2002, FirstName: "Bob", LanguageCode: "es"}
	h.srv.SendGroupText(group, bob, "does anyone know about clave?")
	h.srv.SendGroupText(group, bob, "@clave_test_bot how do I get clave?")
	msgs := h.srv.WaitSent(t, group, 1, wait)
	time.Sleep(100 * time.Millisecond)
	if n := len(h.srv.Sent(group)); n != 1 {
		t.Errorf("%d replies in the group, want 1 (only when addressed)", n)
	}
	if !strings.Contains(msgs[0].Text, `href="https://t.me/clave_test_bot"`) || !strings.Contains(msgs[0].PlainText, "privado") {
		t.Errorf("group reply: %q", msgs[0].Text)
	}
	if _, ok, _ := h.db.User("tg:2002"); ok {
		t.Error("a group member was stored")
	}
}

func TestWebhookChecksSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	hook := "http://" + addr + "/telegram"
	h := start(t, setup{cfg: telegram.Config{WebhookURL: hook, WebhookSecret: "s3cret", WebhookListen: addr}})
	h.srv.WaitUntil(t, wait, "webhook registered", func() bool { return h.srv.WebhookURL() == hook })

	update := `{"update_id": 999001, "message": {"message_id": 1, "date": 1, "chat": {"id": 1001, "type": "private"}, "from": {"id": 1001, "is_bot": false, "first_name": "Mallory"}, "text": "/start"}}`
	for _, secret := range []string{"", "wrong"} {
		resp, err := h.srv.PostWebhook(hook, secret, update)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("secret %q: status %d, want 401", secret, resp.StatusCode)
		}
	}
	h.srv.SendText(alice.ID, alice, "/start")
	msgs := h.srv.WaitSent(t, alice.ID, 1, wait)
	time.Sleep(100 * time.Millisecond)
	if n := len(h.srv.Sent(alice.ID)); n != 1 {
		t.Errorf("%d messages: a rejected update was processed, or the real one was not (%q)", n, msgs[0].PlainText)
	}
}

func TestBadTokenIsAClearError(t *testing.T) {
	srv := telegramtest.NewServer(t, token)
	db, err := store.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := bot.NewService(db, mustEngine(t))
	_, err = telegram.New(context.Background(), telegram.Config{Token: "999:wrong", APIURL: srv.URL()}, svc)
	if !errors.Is(err, telegram.ErrBadToken) {
		t.Errorf("err = %v, want ErrBadToken", err)
	}
	_, err = telegram.New(context.Background(), telegram.Config{Token: token, APIURL: srv.URL(), WebhookURL: "https://example.org/hook"}, svc)
	if err == nil || !strings.Contains(err.Error(), "needs a secret") {
		t.Errorf("webhook without secret: %v", err)
	}
}

func TestConflictIsReportedClearly(t *testing.T) {
	srv := telegramtest.NewServer(t, token, telegramtest.WithBotUsername("clave_test_bot"))
	first := start(t, setup{srv: srv})
	second := start(t, setup{srv: srv})
	srv.WaitUntil(t, wait, "a 409 conflict in the logs", func() bool {
		return strings.Contains(first.logs.String()+second.logs.String(), "409 Conflict")
	})
}

// TestPastedSecretIsDeleted sends a CSV code: the bot deletes the user's
// message from the chat and says so, without repeating the code.
func TestPastedSecretIsDeleted(t *testing.T) {
	h := start(t, setup{})
	id := h.srv.SendText(alice.ID, alice, "is my code K7QF2M9XW4TB8R3P still ok?")
	msgs := h.srv.WaitSent(t, alice.ID, 2, wait)
	if got := h.srv.Deleted(alice.ID); len(got) != 1 || got[0] != id {
		t.Fatalf("deleted %v, want the user's message %d", got, id)
	}
	var all string
	for _, m := range msgs {
		all += m.PlainText + "\n"
	}
	if !strings.Contains(all, "deleted your message") || strings.Contains(all, "If you can, delete") {
		t.Errorf("the reply does not say the message was deleted:\n%s", all)
	}
	if strings.Contains(all, "K7QF2M9XW4TB8R3P") {
		t.Error("the code came back")
	}
}

// TestCalendarIsADocument presses "Add to my calendar" after a letter date:
// the bot sends an iCalendar document with the last day, and its buttons.
func TestCalendarIsADocument(t *testing.T) {
	h := start(t, setup{})
	h.srv.SendText(alice.ID, alice, "my letter came, it's dated 20/11/2026")
	status := lastWithButtons(t, h.srv.WaitSent(t, alice.ID, 1, wait))
	h.srv.PressButton(alice.ID, alice, status.MessageID, button(t, status, "cal:letter"))
	var doc telegramtest.SentMessage
	h.srv.WaitUntil(t, wait, "a document", func() bool {
		for _, m := range h.srv.Sent(alice.ID) {
			if m.Document != nil {
				doc = m
				return true
			}
		}
		return false
	})
	if !strings.HasSuffix(doc.Document.FileName, ".ics") || !bytes.Contains(doc.Document.Data, []byte("BEGIN:VEVENT")) ||
		!bytes.Contains(doc.Document.Data, []byte("DTSTART;VALUE=DATE:")) {
		t.Errorf("document %q:\n%s", doc.Document.FileName, doc.Document.Data)
	}
	if !strings.Contains(doc.PlainText, "calendar") || len(doc.Buttons) == 0 {
		t.Errorf("caption %q, buttons %v", doc.PlainText, doc.Buttons)
	}
}
