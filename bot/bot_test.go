package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/internal/testkit"
	"github.com/clavebot/clavebot/store"
)

func mustEngine(testing.TB) *conversation.Engine { return testkit.FixedEngine() }

func mustOpen(tb testing.TB) *store.DB { return testkit.OpenStore(tb) }

func say(t *testing.T, svc *bot.Service, key, text string) []bot.Reply {
	t.Helper()
	replies, err := svc.Handle(context.Background(), bot.Message{UserKey: key, Text: text, LangHint: "en"})
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	if len(replies) == 0 {
		t.Fatalf("%q: no reply", text)
	}
	return replies
}

// TestNothingSecretIsStored runs a conversation in which the user pastes a
// CSV code, an NIE, a DNI, a support number and a phone number, then reads
// the raw database file: none of them is there, in any spelling.
func TestNothingSecretIsStored(t *testing.T) {
	db := mustOpen(t)
	svc := bot.NewService(db, mustEngine(t))
	secrets := []string{"K7QF2M9XW4TB8R3P", "Y7654321Q", "48392017H", "E98127364", "654 321 987", "+44 7700 900123"}
	conversation := []string{
		"/letter", "3",
		"my csv is K7QF2M9XW4TB8R3P is that ok",
		"K7QF 2M9X W4TB 8R3P",
		"20/11/2026",
		"my NIE is Y7654321Q and the support number E98127364",
		"DNI 48392017H",
		"call me on 654 321 987",
		"my uk mobile is +44 7700 900123, can I use it?",
		"/checklist", "1", "/mydata",
	}
	for _, text := range conversation {
		for _, r := range say(t, svc, "tg:1001", text) {
			for _, s := range secrets {
				if strings.Contains(r.Text, s) {
					t.Errorf("reply to %q repeats %q", text, s)
				}
			}
		}
	}
	u, ok, err := db.User("tg:1001")
	if err != nil || !ok {
		t.Fatalf("user not stored: %v", err)
	}
	if u.Letter.Dated.IsZero() || !u.Checklist["document"] {
		t.Fatalf("progress was not stored: %+v", u)
	}
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		for _, form := range []string{s, strings.ReplaceAll(s, " ", ""), strings.ToLower(s)} {
			if bytes.Contains(raw, []byte(form)) {
				t.Errorf("the database file contains %q", form)
			}
		}
	}
}

// TestUnansweredKeepsNoPersonalData sends questions the bot cannot answer,
// full of personal data, then reads the raw database file: none of it is
// there, in any spelling, while the question is still counted for /stats
// by the words the knowledge base knows.
func TestUnansweredKeepsNoPersonalData(t *testing.T) {
	db := mustOpen(t)
	svc := bot.NewService(db, mustEngine(t))
	questions := []string{
		"hello my name is Wilhelmina Oyelaran-Brightwater and I live at Calle Zurbarán 47, 3ºB, 29016 Málaga, my email is wilhelmina.ob@example.net and my phone 612 345 678, I want to paint my kitchen blue",
		"me llamo Eufrasio Quintanilla, vivo en Avenida de Torrelodones 112, Getafe, escribidme a eufrasio.q@correo.example o al 699 888 777, quiero alquilar un barco",
	}
	personal := []string{"Wilhelmina", "Oyelaran", "Brightwater", "Zurbar", "47", "3ºB", "29016", "wilhelmina.ob@example.net",
		"example.net", "612 345 678", "612345678", "Eufrasio", "Quintanilla", "Torrelodones", "112", "Getafe",
		"eufrasio.q@correo.example", "699 888 777", "699888777", "paint my kitchen", "alquilar un barco"}
	for _, q := range questions {
		say(t, svc, "tg:2002", q)
	}
	st, err := db.Stats(time.Now(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Unanswered) == 0 {
		t.Fatal("the unanswered questions were not counted")
	}
	for _, u := range st.Unanswered {
		if strings.ContainsAny(u.Question, "0123456789@") {
			t.Errorf("kept question %q holds a digit or an address", u.Question)
		}
	}
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	folded := bytes.ToLower(raw)
	for _, p := range personal {
		for _, form := range []string{p, strings.ToLower(p), strings.ReplaceAll(strings.ToLower(p), "á", "a")} {
			if bytes.Contains(raw, []byte(form)) || bytes.Contains(folded, []byte(form)) {
				t.Errorf("the database file contains %q", form)
			}
		}
	}
}

// TestUnansweredOff keeps nothing when the engine is told so.
func TestUnansweredOff(t *testing.T) {
	db := mustOpen(t)
	cat, err := conversation.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	svc := bot.NewService(db, conversation.NewEngine(cat, conversation.WithKeepUnanswered(false)))
	say(t, svc, "tg:2003", "I want to paint my kitchen blue")
	st, err := db.Stats(time.Now(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Unanswered) != 0 {
		t.Errorf("kept %v with CLAVEBOT_KEEP_UNANSWERED=off", st.Unanswered)
	}
	mydata := say(t, svc, "tg:2003", "/mydata")
	if !strings.Contains(mydata[0].Text, "not kept") {
		t.Errorf("/mydata does not say unanswered questions are not kept: %q", mydata[0].Text)
	}
}

func TestForgetErasesTheUser(t *testing.T) {
	db := mustOpen(t)
	svc := bot.NewService(db, mustEngine(t))
	say(t, svc, "cli:local", "/checklist")
	say(t, svc, "cli:local", "1")
	say(t, svc, "cli:local", "/forget")
	say(t, svc, "cli:local", "yes")
	if _, ok, err := db.User("cli:local"); err != nil || ok {
		t.Fatalf("user still stored (ok=%v, err=%v)", ok, err)
	}
}

func TestProgressSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	say(t, bot.NewService(db, mustEngine(t)), "mx:@ana:example.org", "/route")
	db.Close()
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	replies := say(t, bot.NewService(db, mustEngine(t)), "mx:@ana:example.org", "no")
	if !strings.Contains(replies[0].Text, "registration office") {
		t.Errorf("the route did not continue after reopening: %q", replies[0].Text)
	}
}

type failingStore struct{}

func (failingStore) Update(string, func(*conversation.User, bool) (bool, error)) error {
	return errors.New("disk on fire")
}

func TestStorageFailureGetsCalmApology(t *testing.T) {
	svc := bot.NewService(failingStore{}, mustEngine(t))
	replies, err := svc.Handle(context.Background(), bot.Message{UserKey: "tg:1", Text: "hola", LangHint: "es"})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("error %v does not carry the cause", err)
	}
	if len(replies) != 1 || !strings.Contains(replies[0].Text, "Lo siento") {
		t.Errorf("replies %+v, want one calm apology in Spanish", replies)
	}
}

func TestMessageWithoutUser(t *testing.T) {
	svc := bot.NewService(mustOpen(t), mustEngine(t))
	if _, err := svc.Handle(context.Background(), bot.Message{Text: "hi"}); !errors.Is(err, bot.ErrNoUser) {
		t.Errorf("err = %v, want ErrNoUser", err)
	}
}

func TestRecoverTurnsPanicIntoApology(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	db := mustOpen(t)
	svc := bot.NewService(db, mustEngine(t))
	got, err := svc.Receive([]bot.Received{{Source: "tg", ID: "1", Data: []byte("{}")}})
	if err != nil {
		t.Fatal(err)
	}
	h := bot.Chain(func(context.Context, bot.Message) ([]bot.Outgoing, error) { panic("boom") }, bot.Recover(svc, log))
	out, err := h(context.Background(), bot.Message{UserKey: "tg:1", LangHint: "en", Received: got[0].Seq, To: bot.Address{Chat: "tg:1"}})
	if err == nil || len(out) != 1 || !strings.Contains(out[0].Reply.Text, "Sorry") || out[0].ID == 0 {
		t.Fatalf("out %+v err %v", out, err)
	}
	// The message that panicked leaves the inbox, or every start would
	// panic on it again; the apology waits in the outbox.
	if left, _ := svc.Inbox("tg"); len(left) != 0 {
		t.Errorf("inbox after the panic: %+v", left)
	}
	if queued, _ := svc.Outbox("tg:"); len(queued) != 1 {
		t.Errorf("outbox after the panic: %+v", queued)
	}
	if !strings.Contains(logged.String(), "boom") {
		t.Errorf("panic not logged: %s", logged.String())
	}
}

func TestConcurrentUsersKeepTheirOwnState(t *testing.T) {
	db := mustOpen(t)
	svc := bot.NewService(db, mustEngine(t))
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			key := fmt.Sprintf("tg:%d", i)
			for _, text := range []string{"/checklist", "1", "yes"} {
				if _, err := svc.Handle(context.Background(), bot.Message{UserKey: key, Text: text}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for i := range 50 {
		u, _, err := db.User(fmt.Sprintf("tg:%d", i))
		if err != nil || len(u.Checklist) != 2 {
			t.Errorf("user %d: checklist %v, err %v", i, u.Checklist, err)
		}
	}
}

// BenchmarkDurable compares the bot's durable handling of a message with
// a plain bbolt write of the same size, both with concurrent users sharing
// fsyncs through Batch. The ratio is the cost the bot adds to storage.
func BenchmarkDurable(b *testing.B) {
	e := mustEngine(b)
	inputs := []string{"/checklist", "1", "what is the csv code", "2", "/letter", "3", "20/11/2026"}
	b.Run("bot", func(b *testing.B) {
		svc := bot.NewService(mustOpen(b), e)
		var n sync.Mutex
		next := 0
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			n.Lock()
			key := fmt.Sprintf("tg:%d", next)
			next++
			n.Unlock()
			i := 0
			for pb.Next() {
				if _, err := svc.Handle(context.Background(), bot.Message{UserKey: key, Text: inputs[i%len(inputs)]}); err != nil {
					b.Error(err)
				}
				i++
			}
		})
	})
	b.Run("plain_bbolt", func(b *testing.B) {
		db, err := bbolt.Open(filepath.Join(b.TempDir(), "plain.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		value := bytes.Repeat([]byte("x"), typicalRecordSize(b, e))
		var n sync.Mutex
		next := 0
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			n.Lock()
			key := []byte(fmt.Sprintf("tg:%d", next))
			next++
			n.Unlock()
			for pb.Next() {
				err := db.Batch(func(tx *bbolt.Tx) error {
					bk, err := tx.CreateBucketIfNotExists([]byte("users"))
					if err != nil {
						return err
					}
					return bk.Put(key, value)
				})
				if err != nil {
					b.Error(err)
				}
			}
		})
	})
}

// typicalRecordSize is the stored size of a user midway through the
// benchmark's conversation.
func typicalRecordSize(tb testing.TB, e *conversation.Engine) int {
	db := mustOpen(tb)
	svc := bot.NewService(db, e)
	for _, text := range []string{"/checklist", "1", "2", "/letter", "3", "20/11/2026"} {
		svc.Handle(context.Background(), bot.Message{UserKey: "tg:1", Text: text})
	}
	size := 0
	db.Close()
	raw, _ := bbolt.Open(db.Path(), 0o600, &bbolt.Options{ReadOnly: true})
	defer raw.Close()
	raw.View(func(tx *bbolt.Tx) error {
		if bk := tx.Bucket([]byte("users")); bk != nil {
			size = len(bk.Get([]byte("tg:1")))
		}
		return nil
	})
	if size == 0 {
		tb.Fatal("could not read the record size")
	}
	return size
}

// TestStatsForAdminsOnly: an admin gets the numbers; anyone else gets the
// ordinary reply to an unknown command, and unanswered questions are
// counted without who asked them.
func TestStatsForAdminsOnly(t *testing.T) {
	db := mustOpen(t)
	svc := bot.NewService(db, mustEngine(t), bot.WithAdmins("tg:1", " mx:@admin:example.org "))
	say(t, svc, "tg:2", "/letter")
	say(t, svc, "tg:2", "3")
	say(t, svc, "tg:2", "20/11/2026")
	say(t, svc, "tg:3", "who won the football last night")
	say(t, svc, "tg:4", "Who won the football last night?")

	got := say(t, svc, "tg:1", "/stats")[0].Text
	for _, want := range []string{"Users by front end: tg 3", "Letters being tracked: 1", "Reminders pending: 6", "2 × who … the … last night"} {
		if !strings.Contains(got, want) {
			t.Errorf("/stats lacks %q:\n%s", want, got)
		}
	}
	if _, ok, _ := db.User("tg:1"); ok {
		t.Error("/stats created a record for the admin")
	}
	for _, key := range []string{"tg:2", "mx:@someone:example.org"} {
		if got := say(t, svc, key, "/stats")[0].Text; !strings.Contains(got, "I don't know that command") {
			t.Errorf("%s got %q", key, got)
		}
	}
	if got := say(t, svc, "mx:@admin:example.org", "/stats@clavebot")[0].Text; !strings.Contains(got, "clavebot statistics") {
		t.Errorf("second admin: %q", got)
	}
}

// In the terminal there is no inbox and no outbox: the apology for a
// panic is printed as it is, and nothing fails trying to queue it.
func TestRecoverInTheTerminalQueuesNothing(t *testing.T) {
	svc := bot.NewService(mustOpen(t), mustEngine(t))
	h := bot.Chain(func(context.Context, bot.Message) ([]bot.Outgoing, error) { panic("boom") }, bot.Recover(svc, slog.New(slog.DiscardHandler)))
	out, err := h(context.Background(), bot.Message{UserKey: "cli:local", LangHint: "es"})
	if len(out) != 1 || out[0].ID != 0 || !strings.Contains(out[0].Reply.Text, "Lo siento") {
		t.Fatalf("out %+v", out)
	}
	if err == nil || errors.Is(err, store.ErrBadKey) {
		t.Errorf("err = %v, want the panic alone", err)
	}
	if queued, _ := svc.Outbox(""); len(queued) != 0 {
		t.Errorf("the terminal's apology was queued: %+v", queued)
	}
}
