package store_test

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

var mailNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func update(id, text string) store.Received {
	return store.Received{Source: "tg", ID: id, Data: []byte(`{"update_id":` + id + `,"text":"` + text + `"}`)}
}

func TestReceiveIgnoresARepeatedUpdate(t *testing.T) {
	db := MustOpen(t)
	first, err := db.Receive([]store.Received{update("7", "hola"), update("8", "que tal")}, mailNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].Seq >= first[1].Seq {
		t.Fatalf("first delivery: got %+v, want two updates numbered in order", first)
	}
	// Handled and taken out of the inbox, then delivered again (a webhook
	// retried after a crash): it must not come back.
	if _, err := db.Post(first[0].Seq, nil); err != nil {
		t.Fatal(err)
	}
	again, err := db.Receive([]store.Received{update("7", "hola"), update("8", "que tal"), update("9", "gracias")}, mailNow.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].ID != "9" {
		t.Fatalf("second delivery: got %+v, want only update 9", again)
	}
	left, err := db.Inbox("tg")
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0].ID != "8" || left[1].ID != "9" {
		t.Fatalf("inbox: got %+v, want 8 then 9", left)
	}
	if mx, _ := db.Inbox("mx"); len(mx) != 0 {
		t.Fatalf("another network's inbox: got %+v, want empty", mx)
	}
}

func TestSeenIdsAreForgottenAfterSeenFor(t *testing.T) {
	db := MustOpen(t)
	got, _ := db.Receive([]store.Received{update("1", "a")}, mailNow)
	if _, err := db.Post(got[0].Seq, nil); err != nil {
		t.Fatal(err)
	}
	// Telegram's ids restart at random after a quiet week: an old id is
	// a new update.
	later := mailNow.Add(store.SeenFor + 2*time.Hour)
	if _, err := db.Receive(nil, later); err != nil { // prunes
		t.Fatal(err)
	}
	again, err := db.Receive([]store.Received{update("1", "a")}, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 {
		t.Fatalf("got %d updates, want the old id taken as new", len(again))
	}
}

func TestAnswerTakesFromInboxAndQueuesInOneTransaction(t *testing.T) {
	db := MustOpen(t)
	got, _ := db.Receive([]store.Received{update("1", "a")}, mailNow)
	boom := errors.New("boom")
	_, err := db.Answer("tg:1", got[0].Seq, func(u *conversation.User, _ bool) (bool, []store.Letter, error) {
		u.Lang = conversation.Spanish
		return false, []store.Letter{{Chat: "tg:1", Data: []byte("uno")}}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	if left, _ := db.Inbox("tg"); len(left) != 1 {
		t.Fatal("a failed answer took the update out of the inbox")
	}
	if out, _ := db.Outbox(""); len(out) != 0 {
		t.Fatal("a failed answer queued letters")
	}

	queued, err := db.Answer("tg:1", got[0].Seq, func(u *conversation.User, _ bool) (bool, []store.Letter, error) {
		u.Lang = conversation.Spanish
		return false, []store.Letter{{Chat: "tg:1", Data: []byte("uno")}, {Chat: "tg:1", Data: []byte("dos")}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 2 || queued[0].Seq == 0 || queued[0].Seq >= queued[1].Seq {
		t.Fatalf("queued %+v, want two numbered letters", queued)
	}
	if left, _ := db.Inbox("tg"); len(left) != 0 {
		t.Fatalf("inbox: %+v, want empty", left)
	}
	u, _, _ := db.User("tg:1")
	if u.Lang != conversation.Spanish {
		t.Fatal("the user's change was not saved")
	}
}

func TestOutboxKeepsEachChatsOrderUntilSent(t *testing.T) {
	db := MustOpen(t)
	var all []store.Letter
	for _, l := range []store.Letter{{Chat: "tg:2", Data: []byte("a1")}, {Chat: "tg:10", Data: []byte("b1")}, {Chat: "tg:2", Data: []byte("a2")}, {Chat: "mx:!r", Data: []byte("m")}} {
		q, err := db.Post(0, []store.Letter{l})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, q...)
	}
	tg, err := db.Outbox("tg:")
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, l := range tg {
		order = append(order, l.Chat+"="+string(l.Data))
	}
	if want := "tg:10=b1 tg:2=a1 tg:2=a2"; join(order) != want {
		t.Fatalf("outbox order %q, want %q", join(order), want)
	}
	if err := db.Sent(all[0]); err != nil {
		t.Fatal(err)
	}
	db = MustReopen(t, db)
	tg, _ = db.Outbox("tg:2")
	if len(tg) != 1 || string(tg[0].Data) != "a2" {
		t.Fatalf("after a restart: %+v, want only a2", tg)
	}
}

func join(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}

func TestMailIsSealedAndItsKeyReplacedWhenEmpty(t *testing.T) {
	db := MustOpen(t)
	const secret = "CSV 1A2B3C4D5E6F7G8H"
	got, err := db.Receive([]store.Received{update("1", secret)}, mailNow)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := db.Path() + store.KeyFileSuffix
	key1, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(keyFile); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	// Pending mail survives a restart with its key.
	db = MustReopen(t, db)
	left, err := db.Inbox("tg")
	if err != nil || len(left) != 1 || !bytes.Contains(left[0].Data, []byte(secret)) {
		t.Fatalf("after a restart: %+v, %v", left, err)
	}
	if key, _ := os.ReadFile(keyFile); !bytes.Equal(key, key1) {
		t.Fatal("the key changed while mail was waiting")
	}
	if _, err := db.Post(got[0].Seq, nil); err != nil {
		t.Fatal(err)
	}
	db = MustReopen(t, db)
	if key, _ := os.ReadFile(keyFile); bytes.Equal(key, key1) {
		t.Fatal("the key was not replaced once the boxes were empty")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte("1A2B3C4D")) {
		t.Fatal("the database file holds the received text in the clear")
	}
}

func TestMailUnderALostKeyIsDroppedAndCounted(t *testing.T) {
	db := MustOpen(t)
	if _, err := db.Receive([]store.Received{update("1", "a"), update("2", "b")}, mailNow); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Post(0, []store.Letter{{Chat: "tg:1", Data: []byte("x")}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(db.Path() + store.KeyFileSuffix); err != nil {
		t.Fatal(err)
	}
	db = MustOpenPath(t, db.Path())
	if db.Lost() != 3 {
		t.Fatalf("Lost() = %d, want 3", db.Lost())
	}
	if left, err := db.Inbox("tg"); err != nil || len(left) != 0 {
		t.Fatalf("inbox %+v, %v; want empty", left, err)
	}
	// And the boxes work again under the new key.
	if got, err := db.Receive([]store.Received{update("3", "c")}, mailNow); err != nil || len(got) != 1 {
		t.Fatalf("receive after the loss: %+v, %v", got, err)
	}
}

// A key is raw bytes, so one that starts or ends with a byte that looks
// like white space must read back whole, or its mail would be lost.
func TestMailKeyMayStartAndEndWithWhiteSpaceBytes(t *testing.T) {
	key := append(append([]byte{'\n'}, bytes.Repeat([]byte{0xA7}, 30)...), ' ')
	path := t.TempDir() + "/k"
	if err := os.WriteFile(path, key, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := store.ReadMailKey(path)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("read %x, %v; want %x", got, err, key)
	}
}
