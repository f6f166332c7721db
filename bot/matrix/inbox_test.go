//go:build goolm

package matrix_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
	"github.com/clavebot/clavebot/store"
)

// TestEncryptedMessageLeftInTheInboxIsAnsweredOnce: an encrypted message
// the bot took into its inbox but never handled (it died) is answered at
// the next start, although its keys only arrive with the first sync after
// that start, and it is answered once, although that sync delivers it
// again.
func TestEncryptedMessageLeftInTheInboxIsAnsweredOnce(t *testing.T) {
	needServer(t)
	srv := dendritetest.Start(t)
	acct := newAccount(t, srv)
	first := acct.start(t)
	ana := newHuman(t, srv, "ana", acct.userID, true)
	room := ana.dm(t, true)
	ana.answerTo(t, room, "hello")
	first.stop(t)

	// While the bot is down, ana writes under a new session: its keys
	// wait on the homeserver for the bot's next sync.
	ctx := context.Background()
	if err := ana.crypto.Machine().CryptoStore.RemoveOutboundGroupSession(ctx, room); err != nil {
		t.Fatal(err)
	}
	before := ana.count()
	ana.say(t, room, "how long does a cl@ve pin last?")
	raw := lastEncryptedFrom(t, srv.URL(), ana, room)

	// The state a crash leaves: the event in the inbox, unhandled.
	db, err := store.Open(acct.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(map[string]any{"room": room, "event": raw.json})
	if _, err := db.Receive([]store.Received{{Source: "mx", ID: raw.id, Data: data}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	second := acct.start(t)
	got := ana.settle(t, before)
	time.Sleep(2 * time.Second) // the same event in the first sync must not be answered again
	got = ana.settle(t, before)
	if len(got) != 1 || !strings.Contains(bodies(got), "10 minutes") {
		t.Fatalf("want one answer about the PIN, got %d:\n%s\n%s", len(got), bodies(got), second.logs.String())
	}
	if !strings.Contains(second.logs.String(), "handling messages received before a restart") {
		t.Errorf("the answer did not come from the inbox:\n%s", second.logs.String())
	}
	// Its keys came with the first sync, so it can only have been handled
	// after syncing began.
	logs := second.logs.String()
	if syncing, handled := strings.Index(logs, "matrix: syncing"), strings.Index(logs, "message handled"); syncing < 0 || handled < syncing {
		t.Errorf("handled before the sync that brought its keys:\n%s", logs)
	}
}

type rawEvent struct {
	id   string
	json json.RawMessage
}

// lastEncryptedFrom reads, as the homeserver stores it, the newest
// encrypted event h sent to room.
func lastEncryptedFrom(t *testing.T, base string, h *human, room id.RoomID) rawEvent {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/_matrix/client/v3/rooms/"+string(room)+"/messages?dir=b&limit=10", nil)
	req.Header.Set("Authorization", "Bearer "+h.cli.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Chunk []json.RawMessage `json:"chunk"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	for _, raw := range page.Chunk {
		var head struct {
			ID     string `json:"event_id"`
			Type   string `json:"type"`
			Sender string `json:"sender"`
		}
		if json.Unmarshal(raw, &head) == nil && head.Type == "m.room.encrypted" && head.Sender == string(h.cli.UserID) {
			return rawEvent{id: head.ID, json: raw}
		}
	}
	t.Fatal("no encrypted event from ana")
	return rawEvent{}
}
