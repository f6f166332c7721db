//go:build goolm

package matrix_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/bot/matrix"
	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
	"github.com/clavebot/clavebot/store"
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

// botDeviceTrust is how a person's client rates the bot's device, from
// the keys the homeserver publishes.
func botDeviceTrust(t *testing.T, h *human, bot *running) id.TrustState {
	t.Helper()
	ctx := context.Background()
	mach := h.crypto.Machine()
	devices, err := mach.FetchKeys(ctx, []id.UserID{h.bot}, true)
	if err != nil {
		t.Fatal(err)
	}
	dev, ok := devices[h.bot][bot.fe.DeviceID()]
	if !ok {
		t.Fatalf("the bot's device %s is not published", bot.fe.DeviceID())
	}
	trust, err := mach.ResolveTrustContext(ctx, dev)
	if err != nil {
		t.Fatal(err)
	}
	return trust
}

// masterKey is the bot account's master cross-signing key as published.
func masterKey(t *testing.T, h *human) id.Ed25519 {
	t.Helper()
	resp, err := h.cli.QueryKeys(context.Background(), &mautrix.ReqQueryKeys{DeviceKeys: mautrix.DeviceKeysRequest{h.bot: mautrix.DeviceIDList{}}})
	if err != nil {
		t.Fatal(err)
	}
	msk, ok := resp.MasterKeys[h.bot]
	if !ok {
		return ""
	}
	return msk.FirstKey()
}

// TestCrossSignedDevice: on first start the bot makes its cross-signing
// keys and signs its device, so a person's client trusts it as signed by
// its owner; a client that shares keys with signed devices only still gets
// read and answered; a restart makes no new keys.
func TestCrossSignedDevice(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	first := acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	if got := botDeviceTrust(t, ana, first); got < id.TrustStateCrossSignedTOFU {
		t.Fatalf("the bot's device is %v to a person's client, want signed by its owner", got)
	}
	before := masterKey(t, ana)
	if info, err := os.Stat(filepath.Join(acct.stateDir, matrix.RecoveryKeyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("recovery key file: %v %v", info, err)
	}
	if !strings.Contains(first.logs.String(), matrix.RecoveryKeyFile) {
		t.Error("the log does not say where the recovery key is")
	}

	// "Exclude insecure devices": ana shares her keys only with devices
	// signed by their owner.
	ana.crypto.Machine().SendKeysMinTrust = id.TrustStateCrossSignedTOFU
	room := ana.dm(t, true)
	got := ana.answerTo(t, room, "what is cl@ve")
	if b := bodies(got); strings.Contains(b, "couldn't read") || !strings.Contains(strings.ToLower(b), "cl@ve") {
		t.Fatalf("in exclude-insecure mode the bot did not read the question:\n%s", b)
	}
	if got[0].Mautrix.TrustState < id.TrustStateCrossSignedTOFU {
		t.Errorf("the reply is shown as %v, want from a device signed by its owner", got[0].Mautrix.TrustState)
	}

	first.stop(t)
	second := acct.start(t)
	if after := masterKey(t, ana); after != before || after == "" {
		t.Errorf("the restart changed the master key: %s -> %s", before, after)
	}
	if got := botDeviceTrust(t, ana, second); got < id.TrustStateCrossSignedTOFU {
		t.Errorf("after the restart the device is %v", got)
	}
	if strings.Contains(second.logs.String(), "cross-signing set up") {
		t.Error("the restart set up cross-signing again")
	}
}

// TestUnsignedDeviceIsToldWhatToDo: a bot started with an access token
// only cannot cross-sign; it says at start how to, and a person whose
// client shares keys with signed devices only is told why the bot could
// not read them.
func TestUnsignedDeviceIsToldWhatToDo(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	userID, token, _ := srv.Register(t, "clavebot", botPassword)
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "clavebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := matrix.Config{Homeserver: srv.URL(), UserID: userID, AccessToken: token, StateDir: dir}
	fe, err := matrix.New(context.Background(), cfg, bot.NewService(db, mustEngine()), matrix.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fe.Run(ctx) }()
	defer func() {
		cancel()
		<-done
		fe.Close()
	}()
	if !strings.Contains(logs.String(), "password configured") {
		t.Errorf("the start does not say cross-signing needs the password:\n%s", logs.String())
	}
	ana := newHuman(t, srv, "ana", userID, true)
	ana.crypto.Machine().SendKeysMinTrust = id.TrustStateCrossSignedTOFU
	room := ana.dm(t, true)
	got := bodies(ana.answerTo(t, room, "what is cl@ve"))
	if !strings.Contains(got, "couldn't read your last message") || !strings.Contains(got, "exclude insecure devices") {
		t.Errorf("the person is not told why the bot could not read them:\n%s", got)
	}
	if strings.Contains(logs.String(), "what is cl@ve") {
		t.Error("the log holds the message text")
	}
}
