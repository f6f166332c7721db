package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
)

// syncGate stands between the bot and Dendrite. Armed, it holds the bot's
// next /sync until released, so that the messages sent meanwhile arrive in
// one sync, and kills the bot right after passing it that sync.
type syncGate struct {
	target *url.URL
	armed  atomic.Bool
	held   chan struct{} // a /sync is being held
	open   chan struct{} // let it through
	victim atomic.Pointer[os.Process]
	killed chan int // the number of messages in the sync that killed
	from   id.UserID
	// questions is what the held sync must deliver.
	questions []string
	// atSend, when not 0, moves the kill from right after the sync to
	// the bot's atSend-th reply after it: the messages are then in its
	// inbox, some handled and the rest in hand.
	atSend atomic.Int64
	sends  atomic.Int64
}

func (g *syncGate) kill(n int) {
	if p := g.victim.Swap(nil); p != nil {
		_ = p.Kill()
		g.killed <- n
	}
}

func (g *syncGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	isSync := strings.HasSuffix(r.URL.Path, "/sync")
	if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/send/") && g.atSend.Load() > 0 {
		if g.sends.Add(1) == g.atSend.Load() {
			g.atSend.Store(0)
			g.kill(len(g.questions))
			http.Error(w, "killed", http.StatusBadGateway)
			return
		}
	}
	hold := isSync && g.armed.Load() && r.URL.Query().Get("since") != ""
	if hold {
		g.held <- struct{}{}
		<-g.open
	}
	out, _ := http.NewRequestWithContext(r.Context(), r.Method, g.target.JoinPath(r.URL.Path).String()+"?"+r.URL.RawQuery, r.Body)
	out.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	if !hold {
		return
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	g.armed.Store(false)
	if n := countMessages(body, g.from); n != len(g.questions) {
		g.kill(n)
	} else if g.atSend.Load() == 0 {
		g.kill(n)
	}
}

// countMessages counts the timeline messages from sender in a sync body.
func countMessages(body []byte, sender id.UserID) int {
	var resp mautrix.RespSync
	if json.Unmarshal(body, &resp) != nil {
		return -1
	}
	n := 0
	for _, room := range resp.Rooms.Join {
		for _, e := range room.Timeline.Events {
			if e.Sender == sender && e.Type == event.EventMessage {
				n++
			}
		}
	}
	return n
}

// TestMatrixMessagesSurviveSIGKILLAfterSync kills `clavebot run` right
// after a sync delivered ten questions, on a real Dendrite, three times:
// the sync position is saved only once those messages are in the inbox,
// so every question is answered after the restart.
func TestMatrixMessagesSurviveSIGKILLAfterSync(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a real Dendrite homeserver (dendritetest); run without -short")
	}
	const password = "MATRIX-crash-password"
	srv := dendritetest.Start(t)
	botID, _, _ := srv.Register(t, "clavebot", password)
	anaID, anaToken, _ := srv.Register(t, "ana", "ana-password-123")
	target, _ := url.Parse(srv.URL())
	gate := &syncGate{target: target, held: make(chan struct{}), open: make(chan struct{}), killed: make(chan int, 1), from: id.UserID(anaID)}
	proxy := httptest.NewServer(gate)
	defer proxy.Close()

	dir := t.TempDir()
	env := append(os.Environ(), "TELEGRAM_BOT_TOKEN=", "MATRIX_HOMESERVER="+proxy.URL, "MATRIX_USER_ID="+botID,
		"MATRIX_PASSWORD="+password, "CLAVEBOT_DB="+filepath.Join(dir, "bot.db"),
		"CLAVEBOT_LOG_LEVEL=info")
	var logs []*syncBuf
	var cmd *exec.Cmd
	start := func() {
		cmd = exec.Command(binary, "run")
		cmd.Env, cmd.Dir = env, dir
		l := &syncBuf{}
		cmd.Stderr = l
		logs = append(logs, l)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		c := cmd
		t.Cleanup(func() { _ = c.Process.Kill(); _ = c.Wait() })
	}
	allLogs := func() string {
		var b strings.Builder
		for i, l := range logs {
			fmt.Fprintf(&b, "--- run %d\n%s", i+1, l.String())
		}
		return b.String()
	}
	start()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ana, room := directChat(ctx, t, srv.URL(), anaID, anaToken, botID)
	if _, err := ana.SendText(ctx, room.RoomID, "hola"); err != nil {
		t.Fatal(err)
	}
	answers := func() int {
		msgs, err := ana.Messages(ctx, room.RoomID, "", "", mautrix.DirectionBackward, nil, 200)
		if err != nil {
			return -1
		}
		n := 0
		for _, evt := range msgs.Chunk {
			if evt.Sender == id.UserID(botID) && evt.Type == event.EventMessage {
				n++
			}
		}
		return n
	}
	waitFor(t, "the greeting", func() bool { return answers() >= 1 })

	questions := []string{
		"what is cl@ve pin", "how long is the csv code valid", "can i use a foreign phone number",
		"what is cl@ve permanente", "do i need a nie to register", "how do i change my phone number",
		"what is cl@ve", "what is the cl@ve app", "how long does the pin last", "what is the support number",
	}
	const kills = 3
	// A round without a kill shows how many messages the ten answers
	// take (a reply can come in more than one).
	greeted := answers()
	for _, q := range questions {
		if _, err := ana.SendText(ctx, room.RoomID, q); err != nil {
			t.Fatal(err)
		}
	}
	settled := func() int {
		last, since := answers(), time.Now()
		for time.Since(since) < 2*time.Second {
			time.Sleep(100 * time.Millisecond)
			if n := answers(); n != last {
				last, since = n, time.Now()
			}
		}
		return last
	}
	perRound := settled() - greeted
	if perRound != len(questions) {
		t.Fatalf("%d messages answered %d questions without a kill, want one each\n%s", perRound, len(questions), allLogs())
	}
	want, inSync := greeted+perRound, 0
	gate.questions = questions
	// The first kill comes before the bot read the sync; the others at
	// its first and at its sixth reply to those questions.
	for k, atSend := range []int64{0, 1, 6} {
		gate.sends.Store(0)
		gate.atSend.Store(atSend)
		gate.victim.Store(cmd.Process)
		gate.armed.Store(true)
		// Typing wakes the bot's long poll without a message, so that its
		// next /sync is the one held.
		if _, err := ana.UserTyping(ctx, room.RoomID, true, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		select {
		case <-gate.held:
		case <-time.After(45 * time.Second):
			t.Fatalf("the bot's sync was not held\n%s", allLogs())
		}
		for _, q := range questions {
			if _, err := ana.SendText(ctx, room.RoomID, q); err != nil {
				t.Fatal(err)
			}
		}
		// Dendrite needs a moment before the last one is in its sync
		// stream.
		time.Sleep(500 * time.Millisecond)
		gate.open <- struct{}{}
		select {
		case n := <-gate.killed:
			if n != len(questions) {
				t.Fatalf("the killing sync delivered %d messages, want %d", n, len(questions))
			}
			inSync += n
		case <-time.After(30 * time.Second):
			t.Fatal("the bot was not killed after the sync")
		}
		_ = cmd.Wait()
		start()
		want += perRound
		waitFor(t, fmt.Sprintf("%d answers after kill %d", want, k+1), func() bool { return answers() >= want })
	}
	got := settled() // a repeat would land now
	inbox, outbox := 0, 0
	for _, l := range logs {
		inbox += strings.Count(l.String(), "handling messages received before a restart")
		outbox += strings.Count(l.String(), "sent the replies queued before a restart")
	}
	t.Logf("%d kills after a sync with %d questions (%d messages of answers a round): %d answer messages, %d expected; restarts that found messages in the inbox: %d, replies in the outbox: %d",
		kills, len(questions), perRound, got, want, inbox, outbox)
	if os.Getenv("CRASH_DUMP") != "" {
		msgs, _ := ana.Messages(ctx, room.RoomID, "", "", mautrix.DirectionBackward, nil, 200)
		for i := len(msgs.Chunk) - 1; i >= 0; i-- {
			if e := msgs.Chunk[i]; e.Type == event.EventMessage {
				t.Logf("%s: %.70q", e.Sender, e.Content.Raw["body"])
			}
		}
	}
	if got-want > kills {
		t.Errorf("%d answers repeated in %d kills, want at most one per kill\n%s", got-want, kills, allLogs())
	}
	if strings.Contains(allLogs(), password) {
		t.Error("the password reached the log")
	}
	if inSync != kills*len(questions) {
		t.Errorf("the killing syncs delivered %d questions, want %d", inSync, kills*len(questions))
	}
}
