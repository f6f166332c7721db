package understand_test

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clavebot/clavebot/conversation/content"
	"github.com/clavebot/clavebot/conversation/understand"
)

// labels writes what an interpretation says in the vocabulary of
// testdata/acts.tsv.
func labels(in understand.Interpretation, expect understand.Expect) []string {
	var out []string
	add := func(s string) { out = append(out, s) }
	if expect == understand.ExpectYesNo || expect == understand.ExpectCheck {
		switch in.Answer {
		case understand.Yes:
			add("answer=yes")
		case understand.No:
			add("answer=no")
		case understand.Unsure:
			add("answer=unsure")
		}
	}
	if expect == understand.ExpectOutcome {
		switch in.Outcome {
		case understand.Fixed:
			add("outcome=fixed")
		case understand.Failing:
			add("outcome=failing")
		case understand.Tried:
			add("outcome=tried")
		}
	}
	switch in.Digits {
	case understand.DigitsDiffer:
		add("digits=differ")
	case understand.DigitsMatch:
		add("digits=match")
	}
	for _, p := range in.Progress {
		add("progress=" + map[understand.Progress]string{understand.LetterAskedFor: "asked", understand.LetterCame: "arrived",
			understand.LetterMissing: "missing", understand.Registered: "registered"}[p])
	}
	tri := func(name string, v understand.Tri) {
		if s := map[understand.Tri]string{understand.TriYes: "yes", understand.TriNo: "no", understand.TriUnsure: "unsure"}[v]; s != "" {
			add(name + "=" + s)
		}
	}
	c := in.Case
	tri("cert", c.Certificate)
	if c.Office != understand.TriUnsure {
		tri("office", c.Office)
	}
	tri("address", c.Address)
	if d := map[understand.Document]string{understand.DocTIE: "tie", understand.DocEUCert: "eucert", understand.DocNIE: "nie",
		understand.DocDNI: "dni", understand.DocPassport: "passport"}[c.Document]; d != "" {
		add("doc=" + d)
	}
	if c.SharedPhone {
		add("shared_phone")
	}
	if c.Region == understand.Canary {
		add("region=canary")
	}
	for _, r := range in.Requests {
		switch r.Kind {
		case understand.RequestRemind:
			add("request=remind")
			if in.HasDays {
				add(fmt.Sprintf("days=%d", in.Days))
			}
		case understand.RequestRemindLater:
			add("request=remind")
		case understand.RequestStopReminders:
			add("request=stop_reminders")
		case understand.RequestListReminders:
			add("request=list_reminders")
		case understand.RequestLanguage:
			add("request=language:" + string(r.Lang))
		case understand.RequestForget:
			add("request=forget")
		case understand.RequestMyData:
			add("request=mydata")
		case understand.RequestMenu:
			add("request=menu")
		case understand.RequestHelp:
			add("request=help")
		}
	}
	for act, name := range map[understand.Acts]string{understand.ActGreeting: "act=greeting", understand.ActThanks: "act=thanks",
		understand.ActBye: "act=bye", understand.ActCorrection: "act=correction", understand.ActQuestion: "act=question"} {
		if in.Acts.Has(act) {
			add(name)
		}
	}
	if in.OffTopic {
		add("offtopic")
	}
	if in.AsksBot {
		add("asks_bot")
	}
	if in.OtherPerson {
		add("other_person")
	}
	if c.ForeignPhone {
		add("foreign_phone")
	}
	if in.HowToRegister {
		add("howto_register")
	}
	return normalizeLabels(out)
}

// normalizeLabels sorts a label set and applies the set's convention: a
// request asked as a question is a request, not a question.
func normalizeLabels(ls []string) []string {
	hasRequest := slices.ContainsFunc(ls, func(s string) bool { return strings.HasPrefix(s, "request=") })
	ls = slices.DeleteFunc(ls, func(s string) bool { return s == "none" || hasRequest && s == "act=question" })
	sort.Strings(ls)
	return slices.Compact(ls)
}

var expects = map[string]understand.Expect{"none": understand.ExpectNothing, "yesno": understand.ExpectYesNo,
	"outcome": understand.ExpectOutcome, "check": understand.ExpectCheck, "date": understand.ExpectDate}

// TestActs reads every message of testdata/acts.tsv (written without
// seeing this package) and compares what the interpretation says with what
// the message states. It fails when fewer than 95% of the messages are
// read exactly right. Run with -v for the misses and per-label recall.
func TestActs(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	ip := understand.New(cat.Topics())
	f, err := os.Open("testdata/acts.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	today := understand.DateOf(time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC))
	type count struct{ want, found, extra int }
	per := map[string]*count{}
	get := func(l string) *count {
		if per[l] == nil {
			per[l] = &count{}
		}
		return per[l]
	}
	rows, exact := 0, 0
	var misses []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		p := strings.Split(sc.Text(), "\t")
		if n == 1 {
			continue
		}
		if len(p) != 4 {
			t.Fatalf("acts.tsv:%d: want 4 columns, got %d", n, len(p))
		}
		expect, ok := expects[p[0]]
		if !ok {
			t.Fatalf("acts.tsv:%d: unknown expect %q", n, p[0])
		}
		ctx := understand.Context{Today: today, Lang: understand.Lang(p[1]), Expect: expect, LetterTalk: expect == understand.ExpectDate}
		got := labels(ip.Interpret(p[2], ctx), expect)
		want := normalizeLabels(strings.Fields(p[3]))
		rows++
		if slices.Equal(got, want) {
			exact++
		} else {
			misses = append(misses, fmt.Sprintf("acts.tsv:%d %s %q\n    want %v\n    got  %v", n, p[0], p[2], want, got))
		}
		for _, l := range want {
			get(l).want++
			if slices.Contains(got, l) {
				get(l).found++
			}
		}
		for _, l := range got {
			if !slices.Contains(want, l) {
				get(l).extra++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(per))
	for k := range per {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("messages read exactly right: %d of %d (%.1f%%)", exact, rows, 100*float64(exact)/float64(rows))
	if testing.Verbose() {
		for _, k := range keys {
			c := per[k]
			t.Logf("%-24s found %2d of %2d, %2d extra", k, c.found, c.want, c.extra)
		}
		for _, m := range misses {
			t.Log(m)
		}
	}
	if float64(exact) < 0.95*float64(rows) {
		t.Errorf("%d of %d messages read exactly right, want at least 95%%", exact, rows)
	}
}

// FuzzInterpret reads arbitrary text in every kind of context: it must not
// panic, and what it reports must be in range.
func FuzzInterpret(f *testing.F) {
	for _, s := range []string{"", "yes", "no se", "got the letter, dated 22/10", "/start csv_code", "2", "remind me 3 days before",
		"it shows ***123 but mine ends 456", "mi nie es X1234567L", "ABCD1234EFGH5678", "\xff\xfe", "y si solo tengo pasaporte?"} {
		f.Add(s, uint8(0))
	}
	cat, err := content.Load()
	if err != nil {
		f.Fatal(err)
	}
	ip := understand.New(cat.Topics())
	today := understand.DateOf(time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC))
	f.Fuzz(func(t *testing.T, text string, expect uint8) {
		ctx := understand.Context{Today: today, Expect: understand.Expect(expect % 6), Options: []string{"Yes", "No"}, LastTopic: "csv_code"}
		in := ip.Interpret(text, ctx)
		if in.Option < -1 || in.Option > len(ctx.Options) {
			t.Fatalf("option %d of %d", in.Option, len(ctx.Options))
		}
		for _, c := range in.Topics {
			if c.Score < 0 || c.Score > 1 || cat.Topic(c.TopicID) == nil {
				t.Fatalf("candidate %+v", c)
			}
		}
		if in.Verdict == understand.Clear && len(in.Topics) == 0 {
			t.Fatal("a clear verdict without a topic")
		}
		for _, d := range in.Dates {
			if !d.Impossible && d.Date.IsZero() {
				t.Fatalf("date mention without a date: %+v", d)
			}
		}
		if in.HasDays && in.Days < 0 {
			t.Fatalf("days %d", in.Days)
		}
	})
}

// BenchmarkInterpretWorstCase reads the longest message the engine
// accepts, made of words, digits and date-like pieces.
func BenchmarkInterpretWorstCase(b *testing.B) {
	cat, err := content.Load()
	if err != nil {
		b.Fatal(err)
	}
	ip := understand.New(cat.Topics())
	var sb strings.Builder
	pieces := []string{"the letter", "22/10", "hace dos semanas", "last tuesday", "remind me 3 days before", "***123", "ends in 456",
		"xqzv", "no me llega", "the 3rd", "ocotber 12"}
	for i := 0; sb.Len() < 4000; i++ {
		sb.WriteString(pieces[i%len(pieces)] + " ")
	}
	text := sb.String()[:4000]
	ctx := understand.Context{Today: understand.DateOf(time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)), LastTopic: "csv_code"}
	b.ReportAllocs()
	for b.Loop() {
		ip.Interpret(text, ctx)
	}
}
