package conversation_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/clavebot/clavebot/conversation"
)

var showHeldout = flag.Bool("heldout-failures", false, "also list the held-out turns that fail (for the closing note; never tune on them)")

// A dialogue is one conversation of testdata/dialogues: a new user, the
// day it happens on, and the user's turns with what their replies must
// and must not say.
type dialogue struct {
	file, id, split, lang, set string
	today                      conversation.Date
	canary                     bool
	turns                      []dialogueTurn
}

type dialogueTurn struct {
	line            int
	text            string
	must, not       []*regexp.Regexp
	mustSrc, notSrc []string // the pattern lines, for failure reports
	oos             bool
	clarifyOK       bool
}

// loadDialogues reads every file of testdata/dialogues.
func loadDialogues(t *testing.T) []*dialogue {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "dialogues", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no dialogue files in testdata/dialogues")
	}
	var out []*dialogue
	for _, f := range files {
		out = append(out, parseDialogues(t, f)...)
	}
	return out
}

func parseDialogues(t *testing.T, path string) []*dialogue {
	t.Helper()
	name := strings.TrimSuffix(filepath.Base(path), ".txt")
	parts := strings.Split(name, "_")
	if len(parts) < 3 || (parts[0] != "heldout" && !strings.HasPrefix(parts[0], "dev")) || (parts[1] != "en" && parts[1] != "es") {
		t.Fatalf("%s: want a name split_lang_name.txt with split heldout or dev (dev2...) and lang en or es", path)
	}
	set := "dialogues"
	if parts[len(parts)-1] == "questions" {
		set = "questions"
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*dialogue
	var cur *dialogue
	ids := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		where := fmt.Sprintf("%s:%d", filepath.Base(path), n)
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case strings.HasPrefix(line, "==="):
			fields := strings.Fields(strings.TrimPrefix(line, "==="))
			if len(fields) == 0 {
				t.Fatalf("%s: conversation without an id", where)
			}
			cur = &dialogue{file: filepath.Base(path), id: fields[0], split: parts[0], lang: parts[1], set: set,
				today: conversation.Date{Year: 2026, Month: time.November, Day: 10}}
			if ids[cur.id] {
				t.Fatalf("%s: id %q used twice", where, cur.id)
			}
			ids[cur.id] = true
			for _, opt := range fields[1:] {
				if v, ok := strings.CutPrefix(opt, "lang="); ok {
					cur.lang = v
				}
			}
			out = append(out, cur)
		case cur == nil:
			t.Fatalf("%s: text before the first === line", where)
		case strings.HasPrefix(line, "@"):
			f := strings.Fields(strings.TrimPrefix(line, "@"))
			switch {
			case len(f) == 2 && f[0] == "today":
				d, err := time.Parse(time.DateOnly, f[1])
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				cur.today = conversation.DateOf(d)
			case len(f) == 2 && f[0] == "tz" && f[1] == "canary":
				cur.canary = true
			default:
				t.Fatalf("%s: unknown setting %q", where, line)
			}
		case strings.HasPrefix(line, ">"):
			cur.turns = append(cur.turns, dialogueTurn{line: n, text: strings.TrimSpace(strings.TrimPrefix(line, ">"))})
		case len(cur.turns) == 0:
			t.Fatalf("%s: a grading line before the first > line", where)
		default:
			tr := &cur.turns[len(cur.turns)-1]
			kind, rest := trimmed[:1], strings.TrimSpace(trimmed[1:])
			switch kind {
			case "+", "-":
				re, err := compilePattern(rest)
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				if kind == "+" {
					tr.must, tr.mustSrc = append(tr.must, re), append(tr.mustSrc, trimmed)
				} else {
					tr.not, tr.notSrc = append(tr.not, re), append(tr.notSrc, trimmed)
				}
			case "~":
				switch rest {
				case "oos":
					tr.oos = true
				case "clarify":
					tr.clarifyOK = true
				default:
					t.Fatalf("%s: unknown mark %q", where, rest)
				}
			default:
				t.Fatalf("%s: cannot read %q", where, line)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// foldAccents removes diacritics, so that patterns and replies compare
// without them.
func foldAccents(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return out
}

var datePattern = regexp.MustCompile(`\{date:(\d{4})-(\d{2})-(\d{2})\}`)

var monthWords = [...][3]string{
	{"january", "jan", "enero"}, {"february", "feb", "febrero"}, {"march", "mar", "marzo"},
	{"april", "apr", "abril"}, {"may", "may", "mayo"}, {"june", "jun", "junio"},
	{"july", "jul", "julio"}, {"august", "aug", "agosto"}, {"september", "sept?", "septiembre"},
	{"october", "oct", "octubre"}, {"november", "nov", "noviembre"}, {"december", "dec", "diciembre"},
}

// compilePattern reads a grading pattern: a regular expression matched
// case- and accent-insensitively, where {date:YYYY-MM-DD} stands for that
// date in any usual spelling.
func compilePattern(p string) (*regexp.Regexp, error) {
	p = datePattern.ReplaceAllStringFunc(p, func(m string) string {
		g := datePattern.FindStringSubmatch(m)
		var y, mo, d int
		fmt.Sscanf(g[1]+" "+g[2]+" "+g[3], "%d %d %d", &y, &mo, &d)
		names := monthWords[mo-1]
		month := fmt.Sprintf(`(?:%s|%s|%s|dic)\.?`, names[0], names[1], names[2])
		if mo != 12 {
			month = fmt.Sprintf(`(?:%s|%s|%s)\.?`, names[0], names[1], names[2])
		}
		day := fmt.Sprintf(`0?%d(?:st|nd|rd|th)?`, d)
		alts := []string{
			fmt.Sprintf(`\b%s(?:\s+(?:of|de))?\s+%s`, day, month),
			fmt.Sprintf(`\b%s\s+%s\b`, month, day),
			fmt.Sprintf(`\b0?%d[/.-]0?%d(?:[/.-](?:%d|%02d))?\b`, d, mo, y, y%100),
			fmt.Sprintf(`\b%04d-%02d-%02d\b`, y, mo, d),
		}
		return "(?:" + strings.Join(alts, "|") + ")"
	})
	return regexp.Compile("(?i)" + foldAccents(p))
}

// replyKind says what sort of answer a decision is, as the user sees it.
func replyKind(d conversation.Decision) string {
	switch {
	case d.Clarify:
		return "clarify"
	case d.OutOfScope:
		return "oos"
	}
	return "answer"
}

// dialogueResult is the outcome of one turn.
type turnResult struct {
	d      *dialogue
	turn   dialogueTurn
	kind   string
	reply  string
	failed []string
}

// play runs one dialogue against a new user and grades each turn. The
// engine reads its time from *now, which play sets.
func play(eng *conversation.Engine, now *time.Time, dl *dialogue) []turnResult {
	loc, _ := time.LoadLocation("Europe/Madrid")
	*now = time.Date(dl.today.Year, dl.today.Month, dl.today.Day, 10, 0, 0, 0, loc)
	var u conversation.User
	if dl.canary {
		u.TimeZone = "Atlantic/Canary"
	}
	var out []turnResult
	for i, tr := range dl.turns {
		d := eng.Handle(&u, conversation.Input{Text: tr.text})
		if d.Forget {
			u = conversation.User{}
		}
		var texts []string
		for _, r := range d.Replies {
			texts = append(texts, r.Text)
		}
		reply := strings.Join(texts, "\n\n")
		folded := foldAccents(reply)
		res := turnResult{d: dl, turn: tr, kind: replyKind(d), reply: reply}
		switch {
		case tr.oos && res.kind != "oos":
			res.failed = append(res.failed, "want the out-of-scope reply, got "+res.kind)
		case !tr.oos && res.kind == "oos":
			res.failed = append(res.failed, "refused as out of scope")
		case res.kind == "clarify" && !tr.clarifyOK:
			res.failed = append(res.failed, "asked \"did you mean\"")
		}
		for j, re := range tr.must {
			if !re.MatchString(folded) {
				res.failed = append(res.failed, "missing "+tr.mustSrc[j])
			}
		}
		for j, re := range tr.not {
			if re.MatchString(folded) {
				res.failed = append(res.failed, "has "+tr.notSrc[j])
			}
		}
		_ = i
		out = append(out, res)
		*now = now.Add(time.Minute)
	}
	return out
}

// rates sums up one slice of the evaluation.
type rates struct {
	turns, turnsPassed, convs, convsPassed int
	inScope, clarify, oosWrong, wrong      int
}

func (r *rates) add(results []turnResult) {
	r.convs++
	ok := true
	for _, res := range results {
		r.turns++
		if len(res.failed) == 0 {
			r.turnsPassed++
		} else {
			ok = false
		}
		if !res.turn.oos {
			r.inScope++
			switch {
			case res.kind == "clarify":
				r.clarify++
			case res.kind == "oos":
				r.oosWrong++
			case len(res.failed) > 0:
				r.wrong++
			}
		}
	}
	if ok {
		r.convsPassed++
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%5.1f%%", 100*float64(a)/float64(b))
}

func (r *rates) row(name string) string {
	return fmt.Sprintf("| %-22s | %s (%d/%d) | %s (%d/%d) | %s | %s | %s |", name,
		pct(r.turnsPassed, r.turns), r.turnsPassed, r.turns,
		pct(r.convsPassed, r.convs), r.convsPassed, r.convs,
		pct(r.clarify, r.inScope), pct(r.oosWrong, r.inScope), pct(r.wrong, r.inScope))
}

// TestDialogues plays the dialogue evaluation set through the engine and
// grades every reply. It fails when held-out turns pass under 90% or
// "did you mean" answers more than 5% of in-scope held-out turns.
func TestDialogues(t *testing.T) {
	cat := mustCatalog(t)
	dialogues := loadDialogues(t)
	var now time.Time
	eng := conversation.NewEngine(cat, conversation.WithClock(func() time.Time { return now }))
	slices := map[string]*rates{}
	get := func(k string) *rates {
		if slices[k] == nil {
			slices[k] = &rates{}
		}
		return slices[k]
	}
	var failures []string
	for _, dl := range dialogues {
		results := play(eng, &now, dl)
		for _, k := range []string{
			dl.split, dl.split + "/" + dl.set, dl.split + "/" + dl.set + "/" + dl.lang, dl.split + "/" + dl.lang,
		} {
			get(k).add(results)
		}
		if dl.split == "heldout" && !*showHeldout {
			continue
		}
		for _, res := range results {
			if len(res.failed) > 0 {
				failures = append(failures, fmt.Sprintf("%s:%d [%s] %q -> %s\n    %s\n    reply: %s",
					dl.file, res.turn.line, dl.id, res.turn.text, res.kind, strings.Join(res.failed, "; "),
					strings.ReplaceAll(truncate(res.reply, 400), "\n", " ⏎ ")))
			}
		}
	}
	keys := make([]string, 0, len(slices))
	for k := range slices {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("| slice | turns passed | conversations passed | did you mean | refused in scope | wrong answer |")
	t.Logf("|---|---|---|---|---|---|")
	for _, k := range keys {
		t.Log(slices[k].row(k))
	}
	if testing.Verbose() {
		for _, f := range failures {
			t.Log("FAIL " + f)
		}
	}
	h := get("heldout")
	if h.turns == 0 {
		t.Fatal("no held-out dialogues")
	}
	if got := float64(h.turnsPassed) / float64(h.turns); got < 0.90 {
		t.Errorf("held-out turns passed: %.3f, want at least 0.90", got)
	}
	if got := float64(h.clarify) / float64(h.inScope); got > 0.05 {
		t.Errorf("held-out \"did you mean\" rate: %.3f of in-scope turns, want at most 0.05", got)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// BenchmarkDialogueTurn measures one interpretation plus decision, without
// disk, over every user turn of the dev dialogues, played in order as
// conversations; p99 is over all turns.
func BenchmarkDialogueTurn(b *testing.B) {
	t := &testing.T{}
	cat := mustCatalog(b)
	var dialogues []*dialogue
	for _, dl := range loadDialogues(t) {
		if strings.HasPrefix(dl.split, "dev") {
			dialogues = append(dialogues, dl)
		}
	}
	var now time.Time
	e := conversation.NewEngine(cat, conversation.WithClock(func() time.Time { return now }))
	lat := make([]time.Duration, 0, b.N)
	var u conversation.User
	di, ti := 0, 0
	for b.Loop() {
		dl := dialogues[di]
		if ti == 0 {
			u = conversation.User{}
			now = time.Date(dl.today.Year, dl.today.Month, dl.today.Day, 10, 0, 0, 0, time.UTC)
		}
		t0 := time.Now()
		e.Handle(&u, conversation.Input{Text: dl.turns[ti].text})
		lat = append(lat, time.Since(t0))
		if ti++; ti == len(dl.turns) {
			ti, di = 0, (di+1)%len(dialogues)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
}
