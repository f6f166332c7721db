//go:build goolm

package matrix_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
)

func TestPlainDirectChat(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	room := ana.dm(t, false)

	got := ana.answerTo(t, room, "what is cl@ve")
	c := got[0].Content.AsMessage()
	if c.MsgType != event.MsgNotice || c.Body == "" || c.Format != event.FormatHTML || !strings.Contains(c.FormattedBody, "<p>") {
		t.Fatalf("answer is not an HTML notice: %+v", c)
	}
	if !strings.Contains(strings.ToLower(c.Body), "cl@ve") {
		t.Errorf("answer does not talk about Cl@ve: %q", c.Body)
	}
	if strings.Contains(c.FormattedBody, "\n\n") {
		t.Errorf("paragraphs are not HTML: %q", c.FormattedBody)
	}
}

func TestNumberedAnswersWalkAFlow(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	room := ana.dm(t, false)

	got := ana.answerTo(t, room, "/route")
	last := got[len(got)-1].Content.AsMessage()
	if !strings.Contains(last.Body, "\n1. ") || !strings.Contains(last.FormattedBody, "<ol><li>") {
		t.Fatalf("options are not a numbered list:\n%s\n%s", last.Body, last.FormattedBody)
	}
	// No certificate, Spanish DNI, no office, tax address up to date.
	for _, n := range []string{"2", "2", "2"} {
		ana.answerTo(t, room, n)
	}
	got = ana.answerTo(t, room, "1")
	if !strings.Contains(bodies(got), "My recommendation: register online with an invitation letter") {
		t.Fatalf("the flow did not reach a recommendation:\n%s", bodies(got))
	}
}

func TestEncryptedDirectChat(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)

	got := ana.answerTo(t, room, "what is cl@ve")
	if !got[0].Mautrix.WasEncrypted && got[0].Mautrix.EventSource&event.SourceDecrypted == 0 {
		t.Fatalf("the answer was not encrypted: %+v", got[0].Mautrix)
	}
	if c := got[0].Content.AsMessage(); c.MsgType != event.MsgNotice || !strings.Contains(strings.ToLower(c.Body), "cl@ve") {
		t.Fatalf("answer %+v", c)
	}
	// What the homeserver holds is ciphertext, both ways.
	msgs, err := ana.cli.Messages(context.Background(), room, "", "", mautrix.DirectionBackward, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	encrypted := map[id.UserID]int{}
	for _, e := range msgs.Chunk {
		switch e.Type {
		case event.EventMessage:
			t.Errorf("plaintext message from %s on the server", e.Sender)
		case event.EventEncrypted:
			encrypted[e.Sender]++
		}
	}
	if encrypted[ana.cli.UserID] == 0 || encrypted[ana.bot] == 0 {
		t.Errorf("encrypted messages on the server: %v", encrypted)
	}
}

func TestRestartKeepsDeviceAndDecrypts(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	first := acct.start(t)
	device := first.fe.DeviceID()
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)
	answered := len(ana.answerTo(t, room, "what is cl@ve"))
	first.stop(t)

	second := acct.start(t)
	if second.fe.DeviceID() != device {
		t.Fatalf("device changed across a restart: %s then %s", device, second.fe.DeviceID())
	}
	got := ana.answerTo(t, room, "/menu")
	if !strings.Contains(got[len(got)-1].Content.AsMessage().Body, "1. ") {
		t.Fatalf("no menu after the restart:\n%s", bodies(got))
	}
	if n := ana.count(); n != answered+len(got) {
		t.Fatalf("the bot answered again what it had answered before the restart: %d messages, want %d", n, answered+len(got))
	}
}

func TestMessagesWhileDownAreAnsweredOnce(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	first := acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	room := ana.dm(t, false)
	before := len(ana.answerTo(t, room, "/menu"))
	first.stop(t)

	ana.say(t, room, "what is cl@ve")
	second := acct.start(t)
	got := ana.waitFor(t, before+1)
	second.stop(t)
	if !strings.Contains(strings.ToLower(got[before].Content.AsMessage().Body), "cl@ve") {
		t.Fatalf("the message sent while the bot was down got %q", got[before].Content.AsMessage().Body)
	}
	n := ana.count()

	// A third start must not answer anything again.
	acct.start(t)
	got = ana.answerTo(t, room, "/menu")
	if ana.count() != n+len(got) {
		t.Fatalf("history was answered again after a restart:\n%s", bodies(ana.waitFor(t, 0)[n:]))
	}
}

func TestReminderIntoEncryptedRoom(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	r := acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)
	n := len(ana.answerTo(t, room, "hello"))

	reminder := bot.Reply{Text: "Your CSV code expires in 7 days <b>soon</b>.", Buttons: []bot.Button{{Label: "I registered", Data: "letter:registered"}}}
	if err := r.fe.Deliver(context.Background(), "mx:"+string(ana.cli.UserID), []bot.Reply{reminder}); err != nil {
		t.Fatal(err)
	}
	got := ana.waitFor(t, n+1)[n]
	c := got.Content.AsMessage()
	if got.Mautrix.EventSource&event.SourceDecrypted == 0 {
		t.Errorf("the reminder was not encrypted")
	}
	if !strings.Contains(c.Body, "expires in 7 days <b>soon</b>") || !strings.Contains(c.FormattedBody, "&lt;b&gt;soon&lt;/b&gt;") {
		t.Errorf("reminder body %q html %q", c.Body, c.FormattedBody)
	}
	if !strings.Contains(c.Body, "1. I registered") {
		t.Errorf("reminder options: %q", c.Body)
	}

	err := r.fe.Deliver(context.Background(), "mx:@nobody:localhost", []bot.Reply{reminder})
	if !errors.Is(err, bot.ErrBlocked) {
		t.Errorf("Deliver to a user without a chat: %v, want ErrBlocked", err)
	}
}

// A user often writes before the bot has joined; encrypted, the keys were
// shared with the bot while it was only invited.
func TestEncryptedMessageBeforeJoin(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	resp, err := ana.cli.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{
		Preset: "trusted_private_chat", IsDirect: true, Invite: []id.UserID{ana.bot},
		InitialState: []*event.Event{{Type: event.StateEncryption, Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := ana.answerTo(t, resp.RoomID, "what is cl@ve")
	if !strings.Contains(strings.ToLower(got[0].Content.AsMessage().Body), "cl@ve") {
		t.Fatalf("answer:\n%s", bodies(got))
	}
}

// A message the bot cannot decrypt still gets an answer: what happened and
// what to do, once however many such messages arrive.
func TestUndecryptableMessageIsExplainedOnce(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)
	n := len(ana.answerTo(t, room, "hello"))

	ctx := context.Background()
	enc, err := ana.crypto.Encrypt(ctx, room, event.EventMessage, &event.MessageEventContent{MsgType: event.MsgText, Body: "what is cl@ve"})
	if err != nil {
		t.Fatal(err)
	}
	enc.MegolmCiphertext = []byte("QmFkQ2lwaGVydGV4dA") // a known session, a broken message
	if _, err := ana.cli.SendMessageEvent(ctx, room, event.EventEncrypted, enc, mautrix.ReqSendEvent{DontEncrypt: true}); err != nil {
		t.Fatal(err)
	}
	got := ana.settle(t, n)
	if len(got) != 1 || !strings.Contains(got[0].Content.AsMessage().Body, "couldn't read your last message") {
		t.Fatalf("want one explanation, got:\n%s", bodies(got))
	}
	// A second unreadable message in the same hour gets no second notice;
	// the next readable one is answered.
	if _, err := ana.cli.SendMessageEvent(ctx, room, event.EventEncrypted, enc, mautrix.ReqSendEvent{DontEncrypt: true}); err != nil {
		t.Fatal(err)
	}
	got = ana.answerTo(t, room, "what is cl@ve")
	if strings.Contains(bodies(got), "couldn't read") || !strings.Contains(strings.ToLower(bodies(got)), "cl@ve") {
		t.Fatalf("after a second unreadable message:\n%s", bodies(got))
	}
}

// TestLateKeysKeepTheOrder sends two messages with a session the bot has
// no keys for; the keys come later, forwarded on the bot's request. The
// answers come in the order of the questions.
func TestLateKeysKeepTheOrder(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)
	n := len(ana.answerTo(t, room, "hello"))

	ctx := context.Background()
	mach := ana.crypto.Machine()
	// A new session shared with nobody but ana herself...
	if err := mach.CryptoStore.RemoveOutboundGroupSession(ctx, room); err != nil {
		t.Fatal(err)
	}
	if err := mach.ShareGroupSession(ctx, room, []id.UserID{ana.cli.UserID}); err != nil {
		t.Fatal(err)
	}
	// ...whose keys she forwards to whoever asks.
	var asked atomic.Bool
	mach.AllowKeyShare = func(context.Context, *id.Device, event.RequestedKeyInfo) *crypto.KeyShareRejection {
		asked.Store(true)
		return nil
	}
	ana.say(t, room, "what is the support number?")
	ana.say(t, room, "how long does a cl@ve pin last?")
	got := bodies(ana.waitFor(t, n+2)[n:])
	support, pin := strings.Index(got, "support number"), strings.Index(got, "10 minutes")
	if support < 0 || pin < 0 || support > pin {
		t.Fatalf("answers missing or out of order:\n%s", got)
	}
	if !asked.Load() {
		t.Error("the bot never asked for the keys: it had them, and nothing was late")
	}
}
