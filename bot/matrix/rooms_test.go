//go:build goolm

package matrix_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/matrix"
	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
)

// The tests in this file cover the conventions around the conversation:
// which messages the bot answers, in which rooms, with which account.

func TestHistoryBeforeInviteIsNotAnswered(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	ctx := context.Background()
	resp, err := ana.cli.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "trusted_private_chat"})
	if err != nil {
		t.Fatal(err)
	}
	room := resp.RoomID
	ana.say(t, room, "what is cl@ve") // before the bot is even invited
	acct.start(t)
	if _, err := ana.cli.InviteUser(ctx, room, &mautrix.ReqInviteUser{UserID: ana.bot}); err != nil {
		t.Fatal(err)
	}
	// Written before the bot has had time to join: answered.
	got := ana.answerTo(t, room, "/menu")
	if len(got) != 1 || !strings.Contains(got[0].Content.AsMessage().Body, "1. ") {
		t.Fatalf("want only the menu, got:\n%s", bodies(got))
	}
}

func TestIgnoresNoticesEditsAndItself(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	room := ana.dm(t, false)
	ctx := context.Background()

	sent, err := ana.cli.SendText(ctx, room, "hello")
	if err != nil {
		t.Fatal(err)
	}
	n := len(ana.settle(t, 0))
	// Another bot's notice, and an edit: neither is a question. The
	// answer to /menu, queued behind them, shows whether they got one.
	if _, err := ana.cli.SendNotice(ctx, room, "what is cl@ve"); err != nil {
		t.Fatal(err)
	}
	edit := &event.MessageEventContent{MsgType: event.MsgText, Body: "* what is cl@ve",
		NewContent: &event.MessageEventContent{MsgType: event.MsgText, Body: "what is cl@ve"}}
	edit.SetEdit(sent.EventID)
	if _, err := ana.cli.SendMessageEvent(ctx, room, event.EventMessage, edit); err != nil {
		t.Fatal(err)
	}
	got := ana.answerTo(t, room, "/menu")
	if ana.count() != n+len(got) || len(got) != 1 {
		t.Fatalf("the bot answered a notice or an edit:\n%s", bodies(ana.waitFor(t, 0)))
	}
}

func TestRoomWithSeveralPeopleNeedsAMention(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	ben := newHuman(t, srv, "ben", acct.userID, false)
	ctx := context.Background()
	resp, err := ana.cli.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "private_chat", Invite: []id.UserID{ana.bot, ben.cli.UserID}})
	if err != nil {
		t.Fatal(err)
	}
	room := resp.RoomID
	if _, err := ben.cli.JoinRoomByID(ctx, room); err != nil {
		t.Fatal(err)
	}
	ana.waitJoined(t, room)

	ana.say(t, room, "what is cl@ve")
	q, err := ana.cli.SendText(ctx, room, "clavebot: what is cl@ve")
	if err != nil {
		t.Fatal(err)
	}
	got := ana.waitFor(t, 1)
	c := got[0].Content.AsMessage()
	if c.RelatesTo.GetReplyTo() != q.EventID {
		t.Fatalf("first answer replies to %q, want the mention %q (the unaddressed message was answered?)", c.RelatesTo.GetReplyTo(), q.EventID)
	}
	if !strings.Contains(strings.ToLower(c.Body), "cl@ve") {
		t.Errorf("answer to the mention: %q", c.Body)
	}

	n := len(ana.answerTo(t, room, "clavebot, /menu"))
	pill := &event.MessageEventContent{MsgType: event.MsgText, Body: "Bot /menu", Mentions: &event.Mentions{UserIDs: []id.UserID{ana.bot}}}
	before := ana.count()
	if _, err := ana.cli.SendMessageEvent(ctx, room, event.EventMessage, pill); err != nil {
		t.Fatal(err)
	}
	if got := ana.waitFor(t, before+1); !strings.Contains(got[before].Content.AsMessage().Body, "1. ") {
		t.Errorf("an m.mentions mention was not answered like the text one (%d messages): %q", n, got[before].Content.AsMessage().Body)
	}
}

func TestLeavesWhenAloneAndRemindersStop(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	r := acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	room := ana.dm(t, false)
	ana.answerTo(t, room, "hello")
	key := "mx:" + string(ana.cli.UserID)
	if err := r.fe.Deliver(context.Background(), key, []bot.Reply{{Text: "reminder"}}); err != nil {
		t.Fatalf("Deliver before leaving: %v", err)
	}
	if _, err := ana.cli.LeaveRoom(context.Background(), room); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(wait)
	for {
		err := r.fe.Deliver(context.Background(), key, []bot.Reply{{Text: "reminder"}})
		if errors.Is(err, bot.ErrBlocked) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Deliver after the user left: %v, want ErrBlocked", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for !strings.Contains(r.logs.String(), "left room with nobody else in it") {
		if time.Now().After(deadline) {
			t.Fatal("the bot stayed in a room with nobody else")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPanicCostsOneMessage(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.startWith(t, func(s *bot.Service) matrix.Service { return panicky{s} })
	ana := newHuman(t, srv, "ana", acct.userID, false)
	room := ana.dm(t, false)
	got := ana.answerTo(t, room, "boom")
	if len(got) != 1 || !strings.Contains(got[0].Content.AsMessage().Body, "orry") {
		t.Fatalf("no apology for a panic:\n%s", bodies(got))
	}
	if got := ana.answerTo(t, room, "/menu"); !strings.Contains(got[0].Content.AsMessage().Body, "1. ") {
		t.Fatalf("no answer after a panic:\n%s", bodies(got))
	}
}

type panicky struct{ *bot.Service }

func (p panicky) Answer(ctx context.Context, m bot.Message) ([]bot.Outgoing, error) {
	if m.Text == "boom" {
		panic("boom")
	}
	return p.Service.Answer(ctx, m)
}

func TestAccessTokenLogin(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	userID, token, device := srv.Register(t, "clavebot", botPassword)
	dir := t.TempDir()
	cfg := matrix.Config{Homeserver: srv.URL(), UserID: userID, AccessToken: token, StateDir: dir}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fe, err := matrix.New(context.Background(), cfg, newEcho(t), matrix.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	if string(fe.DeviceID()) != device {
		t.Errorf("device %s, want the token's %s", fe.DeviceID(), device)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fe.Run(ctx) }()
	ana := newHuman(t, srv, "ana", userID, false)
	ana.answerTo(t, ana.dm(t, false), "hi")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if err := fe.Close(); err != nil {
		t.Error(err)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the access token reached the logs")
	}
	data, err := os.ReadFile(filepath.Join(dir, matrix.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), token) {
		t.Errorf("the access token is in the state file")
	}
}

func TestBadCredentials(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	userID, _, _ := srv.Register(t, "clavebot", botPassword)
	for name, cfg := range map[string]matrix.Config{
		"password": {UserID: userID, Password: "wrong-password-123"},
		"token":    {UserID: userID, AccessToken: "syt_wrong_token_123"},
	} {
		cfg.Homeserver, cfg.StateDir = srv.URL(), t.TempDir()
		_, err := matrix.New(context.Background(), cfg, newEcho(t))
		if !errors.Is(err, matrix.ErrBadCredentials) {
			t.Errorf("%s: %v, want ErrBadCredentials", name, err)
		}
		if err != nil && (strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), "syt_wrong")) {
			t.Errorf("%s: the secret is in the error: %v", name, err)
		}
	}
}

func TestStateFiles(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	r := acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	room := ana.dm(t, false)
	ana.answerTo(t, room, "hello")
	r.stop(t)

	for _, name := range []string{matrix.StateFile, matrix.PickleKeyFile, matrix.CryptoFile} {
		fi, err := os.Stat(filepath.Join(acct.stateDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	data, err := os.ReadFile(filepath.Join(acct.stateDir, matrix.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		DeviceID  string            `json:"device_id"`
		NextBatch string            `json:"next_batch"`
		FilterID  string            `json:"filter_id"`
		DMs       map[string]string `json:"dm_rooms"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	if st.DeviceID != string(r.fe.DeviceID()) || st.NextBatch == "" || st.FilterID == "" || st.DMs[string(ana.cli.UserID)] != string(room) {
		t.Errorf("state file: %s", data)
	}
	if strings.Contains(string(data), botPassword) || strings.Contains(string(data), "access_token") {
		t.Errorf("a secret is in the state file: %s", data)
	}
}
