package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/bot"
)

// TestARepeatedUpdateIsHandledOnce is the inbox's promise at the level of
// the service: the same update received twice (a webhook retried after a
// crash) is answered once, and its reply leaves the outbox once sent.
func TestARepeatedUpdateIsHandledOnce(t *testing.T) {
	db := mustOpen(t)
	svc := bot.NewService(db, mustEngine(t))
	up := bot.Received{Source: "tg", ID: "42", Data: []byte(`{"update_id":42}`)}
	to := bot.Address{Chat: "tg:7"}
	m := bot.Message{UserKey: "tg:7", Text: "how long is the csv code valid"}

	var answered []bot.Outgoing
	for range 2 {
		fresh, err := svc.Receive([]bot.Received{up})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range fresh {
			out, err := svc.Answer(context.Background(), bot.Message{UserKey: m.UserKey, Text: m.Text, Received: r.Seq, To: to})
			if err != nil {
				t.Fatal(err)
			}
			answered = append(answered, out...)
		}
	}
	if len(answered) != 1 || !strings.Contains(answered[0].Reply.Text, "60 days") || answered[0].ID == 0 {
		t.Fatalf("answered %+v, want one queued answer about the 60 days", answered)
	}
	if left, _ := svc.Inbox("tg"); len(left) != 0 {
		t.Fatalf("inbox after the answer: %+v", left)
	}
	pending, err := svc.Outbox("tg")
	if err != nil || len(pending) != 1 || pending[0].ID != answered[0].ID || pending[0].To != to {
		t.Fatalf("outbox before sending: %+v, %v", pending, err)
	}
	if err := svc.Sent(answered[0]); err != nil {
		t.Fatal(err)
	}
	if pending, _ := svc.Outbox("tg"); len(pending) != 0 {
		t.Fatalf("outbox after sending: %+v", pending)
	}
}
