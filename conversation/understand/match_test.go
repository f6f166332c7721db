package understand

import (
	"bufio"
	"fmt"
	"github.com/clavebot/clavebot/conversation/content"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixtureTopics is a small knowledge base that keeps these tests
// independent of the real content, which changes as it is written.
func fixtureTopics() []*Topic {
	return []*Topic{
		{
			ID:    "letter_not_arrived",
			Title: Text{English: "The invitation letter has not arrived", Spanish: "No me ha llegado la carta de invitación"},
			Questions: map[Lang][]string{
				English: {"my letter never arrived", "the invitation letter has not come", "how long does the letter take"},
				Spanish: {"no me ha llegado la carta", "la carta de invitación no llega", "cuánto tarda la carta"},
			},
			Keywords: map[Lang][]string{English: {"letter", "post"}, Spanish: {"carta", "correo postal"}},
		},
		{
			ID:    "sms_not_arriving",
			Title: Text{English: "The SMS with the PIN does not arrive", Spanish: "No llega el SMS con el PIN"},
			Questions: map[Lang][]string{
				English: {"i never get the sms with the pin", "the pin text does not arrive", "no sms on my phone"},
				Spanish: {"no me llega el sms con el pin", "no recibo el mensaje del pin", "el sms no llega al móvil"},
			},
			Keywords: map[Lang][]string{English: {"sms", "pin"}, Spanish: {"sms", "pin"}},
		},
		{
			ID:    "support_number",
			Title: Text{English: "The support number", Spanish: "El número de soporte"},
			Questions: map[Lang][]string{
				English: {"where is the support number on my tie", "support number rejected", "what is the support number"},
				Spanish: {"dónde está el número de soporte", "me rechaza el número de soporte", "qué es el número de soporte del nie"},
			},
			Keywords: map[Lang][]string{English: {"support number", "tie"}, Spanish: {"número de soporte", "tie"}},
		},
		{
			ID:    "certificate_route",
			Title: Text{English: "Registering with a digital certificate", Spanish: "Registro con certificado digital"},
			Questions: map[Lang][]string{
				English: {"can i register with my digital certificate", "register using electronic dni", "certificate registration"},
				Spanish: {"puedo registrarme con certificado digital", "registro con dni electrónico", "alta con certificado"},
			},
			Keywords: map[Lang][]string{English: {"certificate", "fnmt"}, Spanish: {"certificado", "fnmt"}},
		},
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Cl@ve PIN", "clave pin"},
		{"CL@VE Móvil", "clave movil"},
		{"¿Dónde está mi número de soporte?", "donde esta mi numero de soporte"},
		{"I don't get the SMS!!!", "i dont get the sms"},
		{"Año, pingüino, façade", "ano pinguino facade"},
		{"e-mail\tand\nphone", "e mail and phone"},
		{"ctrl\x00chars\x1b[31m", "ctrl chars 31m"},
		{"\xff\xfeclave\xc3", "clave"},
		{"@clave @ start", "clave start"},
		{"Москва 東京", "москва 東京"},
		{"   ", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(appendNormalized(nil, tt.in)); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeTruncatesHugeInput(t *testing.T) {
	got := appendNormalized(nil, strings.Repeat("clave ", 10_000))
	if n := utf8.RuneCount(got); n > maxQueryRunes {
		t.Errorf("normalised %d runes, want at most %d", n, maxQueryRunes)
	}
}

func TestStemBothLanguages(t *testing.T) {
	tests := []struct {
		l    Lang
		a, b string // two forms that must meet
	}{
		{English, "registering", "registered"},
		{English, "letters", "letter"},
		{Spanish, "identificacion", "identificación"},
		{Spanish, "caducado", "caducada"},
		{Spanish, "registrarme", "registro"},
	}
	for _, tt := range tests {
		a, b := stem(tt.l, normalizeWords(tt.a)[0]), stem(tt.l, normalizeWords(tt.b)[0])
		if a != b {
			t.Errorf("stem(%s, %q) = %q but stem(%q) = %q", tt.l, tt.a, a, tt.b, b)
		}
	}
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"letter", "letter", 2, 0},
		{"lettre", "letter", 2, 1}, // transposition
		{"leter", "letter", 2, 1},
		{"certifcado", "certificado", 2, 1},
		{"cetifcado", "certificado", 2, 2},
		{"passport", "password", 2, 2},
		{"weather", "letter", 1, 2}, // over the limit: limit+1
		{"abc", "abcdef", 2, 3},
	}
	for _, tt := range tests {
		if got := osaDistance([]byte(tt.a), tt.b, tt.limit); got != tt.want {
			t.Errorf("osaDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestTypoTolerance(t *testing.T) {
	m := NewMatcher(fixtureTopics())
	tests := []struct{ q, want string }{
		{"my invitation lettre never arived", "letter_not_arrived"},
		{"the invitaton leter didnt come", "letter_not_arrived"},
		{"numero de soprte rechazado", "support_number"},
		{"where is the suport numbr", "support_number"},
		{"registrarme con cetificado digtal", "certificate_route"},
		{"i never get the sms with the pinn", "sms_not_arriving"},
	}
	for _, tt := range tests {
		r := m.Match(tt.q)
		if r.Verdict == matchOut || len(r.Candidates) == 0 || r.Candidates[0].TopicID != tt.want {
			t.Errorf("Match(%q) = %+v, want %s first", tt.q, r, tt.want)
		}
	}
}

func TestTypoLimits(t *testing.T) {
	m := NewMatcher(fixtureTopics())
	tests := []struct {
		word string
		want string // "" when the word must stay uncorrected
	}{
		{"lettre", "letter"},
		{"carte", "carta"},           // five letters: one edit allowed
		{"pim", ""},                  // too short to correct safely
		{"invitacon", "invitacion"},  // one deletion
		{"certfcado", "certificado"}, // two edits in a long word
		{"xxxxxxxxxxxxxxxxxxxxxxxx", ""},
	}
	for _, tt := range tests {
		id, _ := m.typo.correct([]byte(tt.word))
		got := ""
		if id >= 0 {
			got = m.words[id].word
		}
		if got != tt.want {
			t.Errorf("correct(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestSynonymsBothWays(t *testing.T) {
	m := NewMatcher(fixtureTopics())
	tests := []struct{ q, want string }{
		{"never got the text message", "sms_not_arriving"},        // text message -> sms
		{"no me llega el mensaje al celular", "sms_not_arriving"}, // celular -> phone
		{"la letter no ha llegado", "letter_not_arrived"},
		{"my carta did not come", "letter_not_arrived"},
		{"where do i find the numero de soporte", "support_number"},
		{"signing up with my fnmt cert", "certificate_route"},
	}
	for _, tt := range tests {
		r := m.Match(tt.q)
		if r.Verdict == matchOut || len(r.Candidates) == 0 || r.Candidates[0].TopicID != tt.want {
			t.Errorf("Match(%q) = %+v, want %s first", tt.q, r, tt.want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	tests := []struct {
		text string
		want Lang
		ok   bool
	}{
		{"my letter has not arrived yet", English, true},
		{"no me ha llegado la carta", Spanish, true},
		{"¿Dónde está el número de soporte?", Spanish, true},
		{"where is the support number", English, true},
		{"q es clave", Spanish, true},
		{"whats clave", English, true},
		{"clave pin", "", false},
		{"NIE", "", false},
		{"12345", "", false},
		{"", "", false},
		{"sms", "", false},
		{"\xff\xfe", "", false},
	}
	for _, tt := range tests {
		got, ok := DetectLang(tt.text)
		if got != tt.want || ok != tt.ok {
			t.Errorf("DetectLang(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMatchReportsLanguage(t *testing.T) {
	m := NewMatcher(fixtureTopics())
	if r := m.Match("no me llega el sms"); r.Lang != Spanish {
		t.Errorf("Lang = %q, want es", r.Lang)
	}
	if r := m.Match("the sms never arrives"); r.Lang != English {
		t.Errorf("Lang = %q, want en", r.Lang)
	}
	if r := m.Match("sms pin"); r.Lang != "" {
		t.Errorf("Lang = %q, want unclear", r.Lang)
	}
}

func loadRealMatcher(t testing.TB) *Matcher {
	t.Helper()
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Topics()) == 0 {
		t.Skip("the knowledge base has no topics yet")
	}
	return NewMatcher(cat.Topics())
}

func TestOutOfScope(t *testing.T) {
	m := loadRealMatcher(t)
	out := []string{
		"will it rain in Valencia this weekend",
		"how do I renew my passport at the consulate",
		"qué seguro de hogar me recomiendas",
		"which car insurance is cheapest in spain",
		"who won the football match yesterday",
		"el barça ganó el partido?",
		"tell me a joke",
		"what time is it in new york",
		"write me a poem about the sea",
		"hi", "hola", "thanks", "gracias", "ok", "", "   ", "?!", "12345",
		"\xff\xfe\x00", strings.Repeat("lorem ipsum ", 2000),
	}
	for _, q := range out {
		if r := m.Match(q); r.Verdict != matchOut {
			t.Errorf("Match(%.40q) = %v %+v, want matchOut", q, r.Verdict, r.Candidates)
		}
	}
	in := []string{
		"my clave letter never arrived",
		"no me llega el sms del pin",
		"what is cl@ve",
		"como me registro en clave",
		"where is the support number on my TIE",
	}
	for _, q := range in {
		if r := m.Match(q); r.Verdict == matchOut {
			t.Errorf("Match(%q) = matchOut, want an answer", q)
		}
	}
}

func TestMatchShape(t *testing.T) {
	m := loadRealMatcher(t)
	for _, q := range []string{"clave", "letter sms pin certificate nie dni csv app", "cl@ve pin"} {
		r := m.Match(q)
		if len(r.Candidates) > maxCandidates {
			t.Errorf("Match(%q): %d candidates", q, len(r.Candidates))
		}
		for i := 1; i < len(r.Candidates); i++ {
			if r.Candidates[i].Score > r.Candidates[i-1].Score {
				t.Errorf("Match(%q): candidates not best first: %+v", q, r.Candidates)
			}
		}
		if r.Verdict != matchOut && len(r.Candidates) == 0 {
			t.Errorf("Match(%q): verdict %v without candidates", q, r.Verdict)
		}
	}
}

func TestMatchEmptyMatcher(t *testing.T) {
	for _, m := range []*Matcher{nil, NewMatcher(nil), NewMatcher([]*Topic{nil})} {
		if r := m.Match("clave pin"); r.Verdict != matchOut || len(r.Candidates) != 0 {
			t.Errorf("empty matcher: %+v", r)
		}
	}
}

// TestMatchAllocations keeps the hot path lean: a question made of words
// the index knows allocates only the result's candidate slice.
func TestMatchAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	m := NewMatcher(fixtureTopics())
	q := "no me llega el sms con el pin al movil"
	m.Match(q)
	if n := testing.AllocsPerRun(100, func() { m.Match(q) }); n > 1 {
		t.Errorf("Match allocates %.0f times per call, want at most 1", n)
	}
}

func FuzzMatch(f *testing.F) {
	m := NewMatcher(fixtureTopics())
	for _, s := range []string{"clave pin", "¿no me llega el sms?", "", "\x00\xff", "Cl@ve", strings.Repeat("carta ", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := m.Match(s)
		if len(r.Candidates) > maxCandidates {
			t.Fatalf("%d candidates", len(r.Candidates))
		}
		if r.Verdict < matchOut || r.Verdict > matchConfident {
			t.Fatalf("verdict %d", r.Verdict)
		}
		if r.Verdict != matchOut && len(r.Candidates) == 0 {
			t.Fatalf("verdict %v without candidates", r.Verdict)
		}
		if r.Lang != "" && r.Lang != English && r.Lang != Spanish {
			t.Fatalf("lang %q", r.Lang)
		}
		DetectLang(s)
	})
}

// benchQuestions is a mix of real questions: the evaluation set when it
// is there, the knowledge base's own examples otherwise.
func benchQuestions(b *testing.B) []string {
	var qs []string
	if f, err := os.Open("testdata/eval.tsv"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if p := strings.Split(sc.Text(), "\t"); len(p) == 4 && p[0] != "split" {
				qs = append(qs, p[3])
			}
		}
		f.Close()
	}
	if len(qs) == 0 {
		for _, t := range fixtureTopics() {
			for _, l := range Langs {
				qs = append(qs, t.Questions[l]...)
			}
		}
	}
	return qs
}

func BenchmarkMatch(b *testing.B) {
	m := loadRealMatcher(b)
	qs := benchQuestions(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Match(qs[i%len(qs)])
	}
}

func BenchmarkNewMatcher(b *testing.B) {
	cat, err := content.Load()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		NewMatcher(cat.Topics())
	}
}

// BenchmarkMatchWorstCase is a message at the size limit made only of
// unknown words, each of them stemmed and some typo-corrected.
func BenchmarkMatchWorstCase(b *testing.B) {
	m := loadRealMatcher(b)
	var sb strings.Builder
	for i := 0; sb.Len() < 2*maxQueryRunes; i++ {
		fmt.Fprintf(&sb, "zqxwrtplkj%d ", i)
	}
	q := sb.String()
	b.ReportAllocs()
	for b.Loop() {
		m.Match(q)
	}
}

// TestMatchConcurrent backs the promise that one Matcher serves every
// front end at once: run it with -race.
func TestMatchConcurrent(t *testing.T) {
	m := NewMatcher(fixtureTopics())
	want := m.Match("no me llega el sms")
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for range 200 {
				r := m.Match("no me llega el sms")
				ok = ok && r.Verdict == want.Verdict && r.Candidates[0] == want.Candidates[0]
				m.Match("my invitation lettre never arived")
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("concurrent matches disagree")
		}
	}
}
