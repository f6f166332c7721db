package conversation_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
)

// TestExplain plays the messages in $EXPLAIN (separated by "|") as one
// conversation and logs each reply with its decision. It is a tool for
// reading how the bot takes a conversation; without $EXPLAIN it skips.
func TestExplain(t *testing.T) {
	script := os.Getenv("EXPLAIN")
	if script == "" {
		t.Skip("set EXPLAIN to messages separated by |")
	}
	now := time.Date(2026, 11, 10, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	if d := os.Getenv("EXPLAIN_TODAY"); d != "" {
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			t.Fatal(err)
		}
		now = time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, time.FixedZone("CET", 3600))
	}
	e := conversation.NewEngine(mustCatalog(t), conversation.WithClock(func() time.Time { return now }))
	var u conversation.User
	for _, msg := range strings.Split(script, "|") {
		d := e.Handle(&u, conversation.Input{Text: strings.TrimSpace(msg)})
		var b strings.Builder
		fmt.Fprintf(&b, "\n> %s   [%s topic=%q flow=%s/%s]\n", msg, replyKind(d), d.Topic, u.Flow.Name, u.Flow.Step)
		for _, r := range d.Replies {
			b.WriteString(r.Text + "\n")
			for i, btn := range r.Buttons {
				fmt.Fprintf(&b, "  [%d] %s (%s)\n", i+1, btn.Label, btn.Data)
			}
		}
		t.Log(b.String())
		now = now.Add(time.Minute)
	}
}
