package conversation_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation"
)

func newEngine(tb testing.TB, now *time.Time) *conversation.Engine {
	tb.Helper()
	return conversation.NewEngine(mustCatalog(tb), conversation.WithClock(func() time.Time { return *now }))
}

func d(y int, m time.Month, day int) conversation.Date {
	return conversation.Date{Year: y, Month: m, Day: day}
}

// TestTransitions checks single steps: from a state, an input leads to a
// new state.
func TestTransitions(t *testing.T) {
	today := d(2026, 11, 26)
	tests := []struct {
		name  string
		user  conversation.User
		in    conversation.Input
		check func(t *testing.T, u conversation.User, dec conversation.Decision)
	}{
		{"route starts at the certificate question", conversation.User{}, conversation.Input{Text: "/route"},
			flowIs("route", "cert")},
		{"certificate ends the route at once", inFlow("route", "cert"), conversation.Input{Action: "a:route:cert:yes"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if u.Route != "certificate" || u.Flow.Active() {
					t.Errorf("route %q, flow %+v", u.Route, u.Flow)
				}
			}},
		{"typed no moves to the office question", inFlow("route", "cert"), conversation.Input{Text: "nope"},
			flowIs("route", "office")},
		{"typed NIE answers the document question", withAnswers(inFlow("route", "doc"), "cert", "no", "office", "no"),
			conversation.Input{Text: "I have a TIE"}, flowIs("route", "address")},
		{"a sentence can answer several questions at once", inFlow("route", "cert"),
			conversation.Input{Text: "no certificate, I have a TIE and I can't get to an office"}, flowIs("route", "address")},
		{"a certificate in a sentence ends the route", conversation.User{},
			conversation.Input{Text: "I have the electronic DNI with the chip, how do I register?"}, routeIs("certificate")},
		{"the office makes the document question moot", withAnswers(inFlow("route", "office"), "cert", "no"),
			conversation.Input{Text: "yes I can go"}, flowIs("route", "address")},
		{"no certificate, no office, no address, NIE: fix the address first",
			withAnswers(inFlow("route", "address"), "cert", "no", "doc", "nie", "office", "no"),
			conversation.Input{Action: "a:route:address:no"}, routeIs("address_first")},
		{"no certificate, address fine: the letter",
			withAnswers(inFlow("route", "address"), "cert", "no", "doc", "nie", "office", "no"),
			conversation.Input{Action: "a:route:address:yes"}, routeIs("letter")},
		{"no certificate, office yes, address unsure: in person",
			withAnswers(inFlow("route", "address"), "cert", "no", "doc", "nie", "office", "yes"),
			conversation.Input{Action: "a:route:address:unsure"}, routeIs("in_person")},
		{"DNI, no office, no address: video",
			withAnswers(inFlow("route", "address"), "cert", "no", "doc", "dni", "office", "no"),
			conversation.Input{Action: "a:route:address:no"}, routeIs("video")},
		{"back in the route forgets the last answer",
			withAnswers(inFlow("route", "doc"), "cert", "no", "office", "no"),
			conversation.Input{Text: "back"}, flowIs("route", "office")},
		{"letter requested records today", conversation.User{}, conversation.Input{Text: "/letter"},
			flowIs("letter", "requested")},
		{"letter requested yes", inFlow("letter", "requested"), conversation.Input{Action: "a:letter:requested:yes"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if u.Letter.RequestedOn != today || u.Flow.Step != "arrived" {
					t.Errorf("letter %+v, flow %+v", u.Letter, u.Flow)
				}
			}},
		{"letter date recorded with expiry", inFlow("letter", "date"), conversation.Input{Text: "it's dated 20/11/2026"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if u.Letter.Dated != d(2026, 11, 20) || u.Letter.Expires() != d(2027, 1, 19) {
					t.Errorf("letter %+v", u.Letter)
				}
				if !strings.Contains(dec.Replies[0].Text, "19 January 2027") {
					t.Errorf("reply does not state the expiry: %q", dec.Replies[0].Text)
				}
			}},
		{"future letter date refused", inFlow("letter", "date"), conversation.Input{Text: "27/11/2026"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if !u.Letter.Dated.IsZero() || u.Flow.Step != "date" {
					t.Errorf("stored a future date: %+v", u)
				}
			}},
		{"impossible letter date refused", inFlow("letter", "date"), conversation.Input{Text: "30/02"},
			flowIs("letter", "date")},
		{"letter over 60 days old is expired", inFlow("letter", "date"), conversation.Input{Text: "1 de septiembre"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if u.Letter.Dated != d(2026, 9, 1) {
					t.Errorf("dated %v", u.Letter.Dated)
				}
				if !hasButton(dec, "fix:csv_expired") {
					t.Errorf("no expired-code guidance: %+v", dec.Replies)
				}
			}},
		{"letter exactly 60 days old is on its last day", inFlow("letter", "date"), conversation.Input{Text: "27/09/2026"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if u.Letter.Expires() != today || !strings.Contains(dec.Replies[0].Text, "last day") {
					t.Errorf("expires %v: %q", u.Letter.Expires(), dec.Replies[0].Text)
				}
			}},
		{"registered ends letter tracking", conversation.User{Letter: conversation.Letter{Dated: d(2026, 11, 20)}},
			conversation.Input{Action: "flow:registered"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if u.RegisteredOn != today {
					t.Errorf("registered on %v", u.RegisteredOn)
				}
			}},
		{"checklist tick and untick", conversation.User{Checklist: map[string]bool{"email": true}},
			conversation.Input{Action: "ck:support"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if !u.Checklist["support"] || !u.Checklist["email"] {
					t.Errorf("checklist %v", u.Checklist)
				}
			}},
		{"unknown checklist item is stale", conversation.User{}, conversation.Input{Action: "ck:passport"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if len(u.Checklist) != 0 {
					t.Errorf("checklist %v", u.Checklist)
				}
			}},
		{"fix flow advances on no", inFlow("fix.sms_not_arriving", "0"), conversation.Input{Text: "didn't work"},
			flowIs("fix.sms_not_arriving", "1")},
		{"fix flow ends on yes", inFlow("fix.sms_not_arriving", "1"), conversation.Input{Text: "yes"},
			flowIs("", "")},
		{"stale fix button from another step", inFlow("fix.sms_not_arriving", "2"),
			conversation.Input{Action: "a:fix.sms_not_arriving:0:no"}, flowIs("fix.sms_not_arriving", "2")},
		{"forget asks first", conversation.User{Route: "letter"}, conversation.Input{Text: "/forget"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if dec.Forget || u.Route != "letter" {
					t.Error("erased without confirmation")
				}
			}},
		{"forget confirmed", withAnswers(inFlow("forget", "confirm")), conversation.Input{Text: "yes"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if !dec.Forget {
					t.Error("not erased")
				}
			}},
		{"forget button pressed outside the confirmation is stale", conversation.User{Route: "letter"},
			conversation.Input{Action: "a:forget:confirm:yes"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if dec.Forget {
					t.Error("erased from a stale button")
				}
			}},
		{"language chosen sticks", conversation.User{}, conversation.Input{Text: "/language es"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if u.Lang != conversation.Spanish || !u.LangChosen {
					t.Errorf("lang %q chosen %v", u.Lang, u.LangChosen)
				}
			}},
		{"time zone", conversation.User{}, conversation.Input{Action: "tz:Atlantic/Canary"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if u.TimeZone != "Atlantic/Canary" {
					t.Errorf("zone %q", u.TimeZone)
				}
			}},
		{"unknown time zone is stale", conversation.User{}, conversation.Input{Action: "tz:Europe/Paris"},
			func(t *testing.T, u conversation.User, _ conversation.Decision) {
				if u.TimeZone != "" {
					t.Errorf("zone %q", u.TimeZone)
				}
			}},
		{"a question mid-flow is answered and the flow kept", inFlow("route", "doc"),
			conversation.Input{Text: "how long is the csv code valid?"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if dec.Topic == "" || u.Flow.Step != "doc" || len(dec.Replies) < 2 {
					t.Errorf("topic %q flow %+v replies %d", dec.Topic, u.Flow, len(dec.Replies))
				}
			}},
		{"number answers the offered buttons", conversation.User{Offered: []string{"flow:route", "flow:checklist"}},
			conversation.Input{Text: "1"}, flowIs("route", "cert")},
		{"label answers the offered buttons", conversation.User{Offered: []string{"flow:route", "flow:checklist"}},
			conversation.Input{Text: "am i ready checklist"}, flowIs("checklist", "document")},
		{"cancel leaves the flow", inFlow("route", "doc"), conversation.Input{Text: "/cancel"}, flowIs("", "")},
		{"a pasted CSV is not acted on", inFlow("letter", "date"), conversation.Input{Text: "ABCD1234EFGH5678"},
			func(t *testing.T, u conversation.User, dec conversation.Decision) {
				if !u.Letter.Dated.IsZero() || u.Flow.Step != "date" {
					t.Errorf("state changed: %+v", u)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
			e := newEngine(t, &now)
			u := tt.user
			u.Created, u.LastSeen = now.Add(-time.Hour), now.Add(-time.Minute)
			if u.Flow.Active() {
				u.Flow.Since = now.Add(-time.Minute)
			}
			dec := e.Handle(&u, tt.in)
			if len(dec.Replies) == 0 {
				t.Fatal("no reply")
			}
			tt.check(t, u, dec)
		})
	}
}

func inFlow(name, step string) conversation.User {
	return conversation.User{Flow: conversation.Flow{Name: name, Step: step}}
}

func withAnswers(u conversation.User, kv ...string) conversation.User {
	u.Flow.Answers = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		u.Flow.Answers[kv[i]] = kv[i+1]
	}
	return u
}

func flowIs(name, step string) func(*testing.T, conversation.User, conversation.Decision) {
	return func(t *testing.T, u conversation.User, _ conversation.Decision) {
		t.Helper()
		if u.Flow.Name != name || u.Flow.Step != step {
			t.Errorf("flow %q step %q, want %q %q", u.Flow.Name, u.Flow.Step, name, step)
		}
	}
}

func routeIs(route string) func(*testing.T, conversation.User, conversation.Decision) {
	return func(t *testing.T, u conversation.User, _ conversation.Decision) {
		t.Helper()
		if u.Route != route || u.Flow.Active() {
			t.Errorf("route %q flow %+v, want %q and no flow", u.Route, u.Flow, route)
		}
	}
}

func hasButton(dec conversation.Decision, data string) bool {
	for _, r := range dec.Replies {
		for _, b := range r.Buttons {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}

// TestReplyLanguage checks the order: the user's choice, the platform's
// hint, the language of the text.
func TestReplyLanguage(t *testing.T) {
	menuEN, menuES := "What would you like to do?", "¿Qué quieres hacer?"
	tests := []struct {
		name string
		user conversation.User
		in   conversation.Input
		want string
	}{
		{"detected Spanish", conversation.User{}, conversation.Input{Text: "/menu que tal"}, menuES},
		{"hint wins over text", conversation.User{}, conversation.Input{Text: "hola", LangHint: "en-GB"}, menuEN},
		{"hint Spanish", conversation.User{}, conversation.Input{Text: "/menu", LangHint: "es-419"}, menuES},
		{"choice wins over hint", conversation.User{Lang: conversation.English, LangChosen: true}, conversation.Input{Text: "/menu", LangHint: "es"}, menuEN},
		{"text language when nothing else", conversation.User{}, conversation.Input{Text: "hola buenas"}, menuES},
		{"remembered detected language", conversation.User{Lang: conversation.Spanish}, conversation.Input{Text: "/menu"}, menuES},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := start
			u := tt.user
			u.Created = now
			dec := newEngine(t, &now).Handle(&u, tt.in)
			var all []string
			for _, r := range dec.Replies {
				all = append(all, r.Text)
			}
			if !strings.Contains(strings.Join(all, "\n"), tt.want) {
				t.Errorf("replies %q lack %q", all, tt.want)
			}
		})
	}
}

// TestEveryTopicAnswersInBothLanguages opens each topic by button in each
// language: every one answers, with buttons that work.
func TestEveryTopicAnswersInBothLanguages(t *testing.T) {
	now := start
	e := newEngine(t, &now)
	for _, tp := range mustCatalog(t).Topics() {
		for _, l := range conversation.Langs {
			u := conversation.User{Lang: l, LangChosen: true, Created: now}
			dec := e.Handle(&u, conversation.Input{Action: "topic:" + tp.ID})
			// A guide answers with its map, then its first step.
			want := 1
			if len(tp.Steps) > 0 && tp.ID != "support_number" {
				want = 2
			}
			if dec.Topic != tp.ID || len(dec.Replies) != want {
				t.Errorf("%s/%s: topic %q, %d replies, want %d", tp.ID, l, dec.Topic, len(dec.Replies), want)
				continue
			}
			for _, b := range dec.Replies[len(dec.Replies)-1].Buttons {
				v := u
				next := e.Handle(&v, conversation.Input{Action: b.Data})
				for _, r := range next.Replies {
					if strings.Contains(r.Text, "earlier message") || strings.Contains(r.Text, "mensaje anterior") {
						t.Errorf("%s/%s: button %s is treated as stale", tp.ID, l, b.Data)
					}
				}
			}
		}
	}
}

// FuzzEngine feeds any text to any state: no panic, always a reply, and
// the text never comes back verbatim when it is long enough to matter.
func FuzzEngine(f *testing.F) {
	for _, s := range []string{"", "hola", "/start", "/start fix-csv_expired", "1", "99", "back", "20/11/2026",
		"ABCD1234EFGH5678", "<b>x</b>", "\x00\xff", "/language es", "yes", "no", strings.Repeat("é", 3000)} {
		f.Add(s, "")
		f.Add(s, "route")
		f.Add(s, "letter")
	}
	cat := mustCatalog(f)
	f.Fuzz(func(t *testing.T, text, flow string) {
		now := start
		e := conversation.NewEngine(cat, conversation.WithClock(func() time.Time { return now }))
		u := conversation.User{Flow: conversation.Flow{Name: flow, Step: "date"}, Offered: []string{"flow:menu", "a:x:y:z"}}
		dec := e.Handle(&u, conversation.Input{Text: text})
		if len(dec.Replies) == 0 {
			t.Fatal("no reply")
		}
		dec = e.Handle(&u, conversation.Input{Action: text})
		if len(dec.Replies) == 0 {
			t.Fatal("no reply to an action")
		}
		for _, r := range dec.Replies {
			if len(text) >= 12 && strings.Contains(r.Text, text) {
				t.Errorf("reply repeats the input %q", text)
			}
		}
	})
}

// BenchmarkEngineDecision measures one decision without disk: a mix of
// questions, button presses and flow answers. It reports the p99.
func BenchmarkEngineDecision(b *testing.B) {
	now := start
	e := newEngine(b, &now)
	inputs := []conversation.Input{
		{Text: "/start"}, {Text: "1"}, {Text: "no"}, {Text: "NIE"},
		{Text: "i never got the sms with my pin"}, {Action: "flow:letter"}, {Text: "3"},
		{Text: "20/11/2026"}, {Text: "que es cl@ve permanente"}, {Action: "ck:email"},
	}
	var u conversation.User
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		t0 := time.Now()
		e.Handle(&u, inputs[i%len(inputs)])
		lat = append(lat, time.Since(t0))
		i++
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	}
}

// TestBadInput: whatever arrives, the user gets a clear reply, nothing of
// the input is echoed back as markup, and the session survives.
func TestBadInput(t *testing.T) {
	inputs := []string{
		"", " \t ", "\x00\x01\x02", "\xff\xfe\xfd", "hola\x00mundo", "\u202e\u200bclave",
		"<b>bold</b>", "<a href=\"http://evil.example\">x</a>", "**bold** _it_ [link](http://x)",
		"&amp;&lt;", strings.Repeat("x", conversation.MaxInputBytes+1), strings.Repeat("ñ", 2000),
		"ABCD1234EFGH5678", "Y1234567Z", "+34 612 345 678", "00/00/0000", "/", "//", "/start /start",
	}
	now := start
	e := newEngine(t, &now)
	for _, in := range inputs {
		u := conversation.User{Flow: conversation.Flow{Name: "letter", Step: "date"}}
		dec := e.Handle(&u, conversation.Input{Text: in})
		if len(dec.Replies) == 0 {
			t.Errorf("%q: no reply", in)
		}
		for _, r := range dec.Replies {
			checkReply(t, r)
			if strings.Contains(r.Text, "<b>") || strings.Contains(r.Text, "href") || strings.Contains(r.Text, "**bold**") {
				t.Errorf("%q: reply echoes markup: %q", in, r.Text)
			}
		}
		// The session goes on normally after bad input.
		if dec := e.Handle(&u, conversation.Input{Text: "/menu"}); len(dec.Replies) == 0 || u.Flow.Active() {
			t.Errorf("%q: session did not recover: %+v", in, u.Flow)
		}
	}
}
