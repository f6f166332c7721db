package main_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
)

// TestRunServesMatrix starts `clavebot run` configured only for Matrix
// against a real Dendrite: a person invites it to a direct chat, asks,
// and gets an m.notice back; SIGTERM stops it cleanly and the password
// never reaches the log.
func TestRunServesMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a real Dendrite homeserver (dendritetest); run without -short")
	}
	const password = "MATRIX-password-never-logged"
	srv := dendritetest.Start(t)
	botID, _, _ := srv.Register(t, "clavebot", password)
	anaID, anaToken, _ := srv.Register(t, "ana", "ana-password-123")

	listen := freeAddr(t)
	cmd := exec.Command(binary, "run")
	cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN=", "MATRIX_HOMESERVER="+srv.URL(), "MATRIX_USER_ID="+botID,
		"MATRIX_PASSWORD="+password, "CLAVEBOT_DB="+filepath.Join(t.TempDir(), "bot.db"), "CLAVEBOT_LISTEN="+listen)
	var stderr syncBuf
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ana, room := directChat(ctx, t, srv.URL(), anaID, anaToken, botID)
	if _, err := ana.SendText(ctx, room.RoomID, "what is cl@ve"); err != nil {
		t.Fatal(err)
	}
	var answer *event.Event
	waitFor(t, "an answer", func() bool {
		msgs, err := ana.Messages(ctx, room.RoomID, "", "", mautrix.DirectionBackward, nil, 20)
		if err != nil {
			return false
		}
		for _, evt := range msgs.Chunk {
			if evt.Sender == id.UserID(botID) && evt.Type == event.EventMessage {
				answer = evt
				return true
			}
		}
		return false
	})
	content := answer.Content.Raw
	if content["msgtype"] != "m.notice" || !strings.Contains(content["body"].(string), "Cl@ve") ||
		!strings.Contains(content["formatted_body"].(string), "<") {
		t.Errorf("answer content %v", content)
	}
	if code, body := get(t, "http://"+listen+"/healthz"); code != 200 {
		t.Errorf("/healthz with Matrix: %d %s", code, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("run after SIGTERM: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), password) {
		t.Errorf("the password reached the log")
	}
}

// directChat logs a person in and opens a direct chat with the bot, once
// the bot has joined it.
func directChat(ctx context.Context, t *testing.T, homeserver, userID, token, botID string) (*mautrix.Client, *mautrix.RespCreateRoom) {
	t.Helper()
	cli, err := mautrix.NewClient(homeserver, id.UserID(userID), token)
	if err != nil {
		t.Fatal(err)
	}
	room, err := cli.CreateRoom(ctx, &mautrix.ReqCreateRoom{Invite: []id.UserID{id.UserID(botID)}, IsDirect: true, Preset: "trusted_private_chat"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the bot to join", func() bool {
		members, err := cli.JoinedMembers(ctx, room.RoomID)
		return err == nil && len(members.Joined) == 2
	})
	return cli, room
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
