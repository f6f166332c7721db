package understand

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DateMention is one date a message mentions.
type DateMention struct {
	Date Date
	// Impossible is set for something shaped like a date that is not on
	// the calendar, such as 31/02; Date is then zero.
	Impossible bool
	// Relative is set for a date counted from today ("two weeks ago",
	// "last tuesday"), Approximate for a vague one ("last week").
	Relative, Approximate bool
	// NoYear is set for a date written without its year: it was read as
	// the most recent such day.
	NoYear bool
	// Role is what the words around it say it is the date of.
	Role DateRole
	// Negated is set for a date the user rules out: "17/10, not 22/10".
	Negated bool

	start, end  int  // byte offsets in the folded text
	bareWeekday bool // a weekday without "last" or "pasado"
}

// DateRole is what a date is the date of.
type DateRole uint8

// The roles a date can have.
const (
	RoleUnsaid  DateRole = iota
	RolePrinted          // the date printed on the letter: "dated 22/10", "pone 3/11"
	RoleArrival          // when the letter arrived: "it came yesterday"
	RoleRequest          // when the letter was asked for: "I asked for it on the 2nd"
)

var (
	numberWord = `a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|` +
		`a couple of|couple of|a few|few|` +
		`un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|veinte|treinta|un par de|unos|unas|\d{1,3}`

	agoRE = regexp.MustCompile(`\b(` + numberWord + `)\s+(days?|weeks?|fortnights?|months?)\s+ago\b`)

	haceRE = regexp.MustCompile(`\bhace\s+(?:(?:ya|como|justo|justamente|exactamente|mas o menos|unas?|unos)\s+)*(` + numberWord + `)\s+(dias?|semanas?|quincenas?|mes|meses)\b`)

	weekdayRE = regexp.MustCompile(`\b(?:(last|past|this|on|el|este|next)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|` +
		`lunes|martes|miercoles|jueves|viernes|sabado|domingo)(?:\s+(pasado|last|que viene|proximo))?\b`)

	// "the 3rd", "the 22nd", "el día 15": a day of the month alone.
	dayOnlyRE = regexp.MustCompile(`\b(?:(?:the|on the)\s+(\d{1,2})(?:st|nd|rd|th)|(?:el|del)\s+dia\s+(\d{1,2}))\b`)

	vagueRE = regexp.MustCompile(`\b(last week|the week before|la semana pasada|the other day|el otro dia|last month|el mes pasado)\b`)
)

var weekdays = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
	"lunes": time.Monday, "martes": time.Tuesday, "miercoles": time.Wednesday, "jueves": time.Thursday,
	"viernes": time.Friday, "sabado": time.Saturday, "domingo": time.Sunday,
}

// numberValue reads a number written in digits or in words; vague ones
// ("a few") count as 3.
func numberValue(s string) (n int, vague bool) {
	switch s {
	case "a", "an", "one", "un", "una", "uno":
		return 1, false
	case "two", "a couple of", "couple of", "dos", "un par de":
		return 2, false
	case "three", "tres":
		return 3, false
	case "four", "cuatro":
		return 4, false
	case "five", "cinco":
		return 5, false
	case "six", "seis":
		return 6, false
	case "seven", "siete":
		return 7, false
	case "eight", "ocho":
		return 8, false
	case "nine", "nueve":
		return 9, false
	case "ten", "diez":
		return 10, false
	case "eleven", "once":
		return 11, false
	case "twelve", "doce":
		return 12, false
	case "thirteen", "trece":
		return 13, false
	case "fourteen", "catorce":
		return 14, false
	case "fifteen", "quince":
		return 15, false
	case "twenty", "veinte":
		return 20, false
	case "thirty", "treinta":
		return 30, false
	case "a few", "few", "unos", "unas":
		return 3, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, true
	}
	return n, false
}

// unitDays is the length in days of a unit of time; a month counts as a
// calendar month elsewhere, here as 30 days for offsets.
func unitDays(unit string) int {
	switch {
	case strings.HasPrefix(unit, "week"), strings.HasPrefix(unit, "semana"):
		return 7
	case strings.HasPrefix(unit, "fortnight"), strings.HasPrefix(unit, "quincena"):
		return 14
	case strings.HasPrefix(unit, "month"), strings.HasPrefix(unit, "mes"):
		return 30
	}
	return 1
}

// findDates lists the dates in folded text, in order of position. Where
// two readings overlap, the more deliberate one (numeric first) wins.
func findDates(s string, today Date) []DateMention {
	if len(s) > maxDateInput {
		s = s[:maxDateInput]
	}
	s = fixMonthTypos(s)
	var out []DateMention
	taken := func(a, b int) bool {
		for _, m := range out {
			if a < m.end && m.start < b {
				return true
			}
		}
		return false
	}
	for _, p := range datePatterns {
		if !p.mayMatch(s) {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(s, -1) {
			if taken(m[0], m[1]) {
				continue
			}
			d, v := p.extract(s, m, today)
			switch v {
			case realDate, realNoYear:
				out = append(out, DateMention{Date: d, Relative: p.re == relativeDateRE, NoYear: v == realNoYear, start: m[0], end: m[1]})
			case impossibleDate:
				out = append(out, DateMention{Impossible: true, start: m[0], end: m[1]})
			}
		}
	}
	out = appendRelative(out, s, today, taken)
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	for i := range out {
		out[i].Role, out[i].Negated = dateRole(s, out[i].start)
		if role := roleAfter(s, out[i].end); role != RoleUnsaid {
			out[i].Role = role
		}
	}
	// "I can go on Friday" is a day to come: in a sentence, a weekday on
	// its own is a date of the past only when the words around it say so.
	if len(strings.Fields(s)) > 3 {
		out = slices.DeleteFunc(out, func(m DateMention) bool { return m.bareWeekday && m.Role == RoleUnsaid })
	}
	return out
}

// Words just after a date that say what it is the date of: "30/10 is when
// it arrived", "22 oct on it".
var (
	arrivalAfter = []string{"is when it arrived", "is when it came", "when it arrived", "when it came", "is the day it arrived",
		"is when i got it", "when i got it", "es cuando llego", "cuando llego", "es el dia que llego", "fue cuando llego", "llego"}
	printedAfter = []string{"on it", "on the letter", "printed", "is printed", "en la carta", "impreso", "impresa", "is the date on it"}
)

func roleAfter(s string, end int) DateRole {
	tail := s[end:min(len(s), end+40)]
	if i := strings.IndexAny(tail, ",;.!?:("); i >= 0 {
		tail = tail[:i]
	}
	tail = " " + strings.Join(strings.Fields(tail), " ") + " "
	for _, c := range arrivalAfter {
		if strings.HasPrefix(tail, " "+c+" ") {
			return RoleArrival
		}
	}
	for _, c := range printedAfter {
		if strings.HasPrefix(tail, " "+c+" ") {
			return RolePrinted
		}
	}
	return RoleUnsaid
}

func appendRelative(out []DateMention, s string, today Date, taken func(a, b int) bool) []DateMention {
	add := func(m []int, d Date, approx bool) {
		if !taken(m[0], m[1]) {
			out = append(out, DateMention{Date: d, Relative: true, Approximate: approx, start: m[0], end: m[1]})
		}
	}
	// Each pattern runs only when a word it needs is there: regular
	// expressions are most of the cost of reading a message.
	var spans []*regexp.Regexp
	if strings.Contains(s, "ago") {
		spans = append(spans, agoRE)
	}
	if strings.Contains(s, "hace") {
		spans = append(spans, haceRE)
	}
	for _, re := range spans {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			n, vague := numberValue(s[m[2]:m[3]])
			unit := s[m[4]:m[5]]
			if n <= 0 || n > 400 {
				continue
			}
			var d Date
			if u := unitDays(unit); u == 30 {
				d = DateOf(today.Time(time.UTC).AddDate(0, -n, 0))
			} else {
				d = today.AddDays(-n * u)
			}
			add(m, d, vague)
		}
	}
	for _, m := range findIf(weekdayRE, s, "day", "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo") {
		before, after := "", ""
		if m[2] >= 0 {
			before = s[m[2]:m[3]]
		}
		if m[6] >= 0 {
			after = s[m[6]:m[7]]
		}
		if before == "next" || after == "que viene" || after == "proximo" {
			continue // a day to come is no date of the past
		}
		wd := weekdays[s[m[4]:m[5]]]
		back := (int(today.Time(time.UTC).Weekday()) - int(wd) + 7) % 7
		if back == 0 {
			back = 7
		}
		add(m, today.AddDays(-back), false)
		if before != "last" && before != "past" && after != "pasado" && after != "last" && len(out) > 0 && out[len(out)-1].start == m[0] {
			out[len(out)-1].bareWeekday = true
		}
	}
	for _, m := range findIf(dayOnlyRE, s, "the ", "dia ") {
		g := 2
		if m[2] < 0 {
			g = 4
		}
		day, _ := strconv.Atoi(s[m[g]:m[g+1]])
		d := Date{Year: today.Year, Month: today.Month, Day: day}
		if day > today.Day {
			d = DateOf(time.Date(today.Year, today.Month-1, 1, 0, 0, 0, 0, time.UTC))
			d.Day = day
		}
		if validDay(d.Year, int(d.Month), d.Day) {
			add(m, d, false)
		}
	}
	for _, m := range findIf(vagueRE, s, "week", "semana", "other day", "otro dia", "month", "mes pasado") {
		days := 7
		switch s[m[2]:m[3]] {
		case "the other day", "el otro dia":
			days = 3
		case "last month", "el mes pasado":
			days = 30
		}
		add(m, today.AddDays(-days), true)
	}
	return out
}

// findIf runs re on s only when s contains one of the words re needs.
func findIf(re *regexp.Regexp, s string, needs ...string) [][]int {
	for _, n := range needs {
		if strings.Contains(s, n) {
			return re.FindAllStringSubmatchIndex(s, -1)
		}
	}
	return nil
}

// The words that, just before a date, say what it is the date of.
var (
	printedCues = []string{"dated", "date", "dates", "dated the", "fecha", "fechada", "fechado", "con fecha", "pone", "says", "said", "reads",
		"date is", "date on it is", "printed on it is", "on the letter is", "the date is", "fecha es", "la fecha es", "pone que",
		"printed", "issued", "emitida", "emitido", "from", "es del", "son del", "del", "it says", "written", "dice"}
	arrivalCues = []string{"came", "arrived", "brought it", "brought", "dropped it off", "trajo", "arrives", "got it", "got", "received", "delivered", "turned up", "showed up",
		"llego", "llegado", "ha llegado", "me llego", "recibi", "recibido", "recibida", "la recibi", "lo recibi"}
	requestCues = []string{"asked", "asked for it", "requested", "requested it", "ordered", "applied", "pedi", "pedido", "la pedi",
		"solicite", "solicitado", "la solicite"}
	negationCues = []string{"not", "no", "not the", "no el", "no es el", "instead of", "en vez de", "en lugar del", "en lugar de", "rather than"}
)

// dateRole reads the words before a date, in its clause, for what it is
// the date of: "it came yesterday" is an arrival, "came, 22 oct" is not.
func dateRole(s string, start int) (DateRole, bool) {
	from := max(0, start-40)
	prefix := s[from:start]
	if i := strings.LastIndexAny(prefix, ",;.!?:("); i >= 0 {
		prefix = prefix[i+1:]
	}
	words := strings.Fields(strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return ' '
	}, prefix))
	if from > 0 && len(words) > 0 && len(prefix) == start-from {
		words = words[1:] // a word cut in two
	}
	// cueWithin reports whether a cue ends at most gap words before the date.
	cueWithin := func(cues []string, gap int) bool {
		for end := len(words); end >= max(0, len(words)-gap); end-- {
			for _, c := range cues {
				cw := strings.Fields(c)
				if end-len(cw) >= 0 && strings.Join(words[end-len(cw):end], " ") == c {
					return true
				}
			}
		}
		return false
	}
	negated := cueWithin(negationCues, 0)
	switch {
	case cueWithin(printedCues, 2):
		return RolePrinted, negated
	case cueWithin(arrivalCues, 2):
		return RoleArrival, negated
	case cueWithin(requestCues, 3):
		return RoleRequest, negated
	}
	return RoleUnsaid, negated
}

// fullMonths are the month names typos are corrected to.
var fullMonths = []string{"january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
	"december", "enero", "febrero", "marzo", "abril", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}

// fixMonthTypos rewrites misspelt month names ("ocotber", "novienbre") as
// the month, so that the date patterns read them. Only words of five
// letters or more next to a number are tried, at one edit (two from eight
// letters), and only when one month is closest.
func fixMonthTypos(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	words := strings.Fields(s)
	changed := false
	for i, w := range words {
		if len(w) < 5 || monthNames[w] != 0 || !nearNumber(words, i) {
			continue
		}
		limit := 1
		if len(w) >= 8 {
			limit = 2
		}
		best, bestDist, ties := "", limit+1, 0
		for _, m := range fullMonths {
			d := osaDistance([]byte(w), m, limit)
			switch {
			case d < bestDist:
				best, bestDist, ties = m, d, 0
			case d == bestDist:
				ties++
			}
		}
		if best != "" && bestDist <= limit && ties == 0 {
			words[i], changed = best, true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

// nearNumber reports whether a number is at most two words away.
func nearNumber(words []string, i int) bool {
	for _, j := range []int{i - 2, i - 1, i + 1, i + 2} {
		if j >= 0 && j < len(words) && strings.ContainsAny(words[j][:1], "0123456789") {
			return true
		}
	}
	return false
}
