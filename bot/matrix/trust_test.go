//go:build goolm

package matrix_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
)

// TestPastedSecretIsRedacted sends a CSV code in an encrypted direct chat:
// the bot redacts the message, which its power level in a chat Element
// would create allows, and says it did.
func TestPastedSecretIsRedacted(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)
	n := len(ana.answerTo(t, room, "hello"))

	resp, err := ana.cli.SendText(context.Background(), room, "is K7QF2M9XW4TB8R3P still valid?")
	if err != nil {
		t.Fatal(err)
	}
	got := bodies(ana.settle(t, n))
	if !strings.Contains(got, "deleted your message") || strings.Contains(got, "K7QF2M9XW4TB8R3P") {
		t.Errorf("the reply does not say the message was deleted, or repeats the code:\n%s", got)
	}
	evt, err := ana.cli.GetEvent(context.Background(), room, resp.EventID)
	if err != nil {
		t.Fatal(err)
	}
	if evt.Unsigned.RedactedBecause == nil || len(evt.Content.Raw) != 0 {
		t.Errorf("the message is still there: %+v", evt)
	}
}

// TestCalendarFileIsEncrypted asks for the calendar in an encrypted chat:
// the bot uploads the file encrypted, and the person's client decrypts it
// into the iCalendar event.
func TestCalendarFileIsEncrypted(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)
	ana.answerTo(t, room, "my letter came, it's dated 20/11/2026")
	got := ana.answerTo(t, room, "add to my calendar")
	var file *event.MessageEventContent
	for _, e := range got {
		if c := e.Content.AsMessage(); c.MsgType == event.MsgFile {
			file = c
		}
	}
	if file == nil {
		t.Fatalf("no file among:\n%s", bodies(got))
	}
	if file.File == nil || file.URL != "" {
		t.Fatalf("the file is not an encrypted upload: %+v", file)
	}
	uri, err := file.File.URL.Parse()
	if err != nil {
		t.Fatal(err)
	}
	data, err := ana.cli.DownloadBytes(context.Background(), uri)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("VEVENT")) {
		t.Fatal("the homeserver holds the calendar in clear")
	}
	if err := file.File.DecryptInPlace(data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("BEGIN:VEVENT")) || !bytes.Contains(data, []byte("DTSTART;VALUE=DATE:20270119")) {
		t.Errorf("decrypted file:\n%s", data)
	}
	if !strings.HasSuffix(file.FileName, ".ics") || file.Info == nil || file.Info.MimeType != "text/calendar" {
		t.Errorf("file %q, info %+v", file.FileName, file.Info)
	}
}

// TestSecretNotRedactableIsLeftToTheUser: in a room where the bot has no
// power to redact, it asks the person to delete the message instead.
func TestSecretNotRedactableIsLeftToTheUser(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, false)
	resp, err := ana.cli.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{Preset: "private_chat", IsDirect: true, Invite: []id.UserID{ana.bot}})
	if err != nil {
		t.Fatal(err)
	}
	ana.waitJoined(t, resp.RoomID)
	got := bodies(ana.answerTo(t, resp.RoomID, "my code is K7QF2M9XW4TB8R3P"))
	if !strings.Contains(got, "If you can, delete your message") {
		t.Errorf("the reply does not ask the person to delete it:\n%s", got)
	}
}
