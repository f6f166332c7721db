package understand

import (
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Errors returned by ParseDate. They are never wrapped, so callers may
// compare with == as well as errors.Is.
var (
	// ErrNoDate means the text holds nothing that looks like a date.
	ErrNoDate = errors.New("no date found")
	// ErrImpossibleDate means the text holds something shaped like a date
	// that does not exist on the calendar, such as 31/02/2026, 32/01 or
	// 20/13. Reported only when no real date was found as well, so that a
	// user who corrects themselves ("31/02, sorry, 28/02") is understood.
	ErrImpossibleDate = errors.New("no such date")
)

// maxDateInput bounds the work done on hostile input. A date is typed in a
// short message; Telegram itself caps messages at 4096 characters.
const maxDateInput = 8 << 10

// monthNames maps every accepted month name and abbreviation, lowercased
// and without accents, in English and in Spanish.
var monthNames = map[string]time.Month{
	"january": time.January, "jan": time.January, "enero": time.January, "ene": time.January,
	"february": time.February, "feb": time.February, "febrero": time.February,
	"march": time.March, "mar": time.March, "marzo": time.March,
	"april": time.April, "apr": time.April, "abril": time.April, "abr": time.April,
	"may": time.May, "mayo": time.May,
	"june": time.June, "jun": time.June, "junio": time.June,
	"july": time.July, "jul": time.July, "julio": time.July,
	"august": time.August, "aug": time.August, "agosto": time.August, "ago": time.August,
	"september": time.September, "sep": time.September, "sept": time.September,
	"septiembre": time.September, "setiembre": time.September, "set": time.September,
	"october": time.October, "oct": time.October, "octubre": time.October,
	"november": time.November, "nov": time.November, "noviembre": time.November,
	"december": time.December, "dec": time.December, "diciembre": time.December, "dic": time.December,
}

// monthAlternation returns a regexp alternation of the month names, longest
// first so that "mayo" is not read as "may" followed by junk. Names in
// skip are left out.
func monthAlternation(skip ...string) string {
	names := make([]string, 0, len(monthNames))
outer:
	for name := range monthNames {
		for _, s := range skip {
			if name == s {
				continue outer
			}
		}
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	return strings.Join(names, "|")
}

// The patterns run on text folded by foldForDates: ASCII, lowercase, no
// accents. Go's \b is ASCII-only, which is why the folding comes first.
var (
	isoDateRE = regexp.MustCompile(`\b(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})\b`)

	numericDateRE = regexp.MustCompile(`\b(\d{1,2})([-/.])(\d{1,2})(?:([-/.])(\d{4}|\d{2}))?\b`)

	// "20 nov", "20th of November 2026", "20 de noviembre de 2026",
	// "20-nov-26".
	dayMonthRE = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:of|de|del))?(?:\s+|[-/.]\s*)(?:the\s+)?(` +
		monthAlternation() + `)\b\.?(?:(?:,?\s+(?:(?:de|del|of)\s+)?|[-/.]\s*)(\d{4})\b|[-/.](\d{2})\b)?`)

	// "nov 20", "November 20th, 2026". "set" and "ago" are Spanish
	// abbreviations that are also English words ("I set 5 alarms", "ago 3
	// times"), and Spanish puts the day first anyway, so they are only
	// read before a month position.
	monthDayRE = regexp.MustCompile(`\b(` + monthAlternation("set", "ago") +
		`)\b\.?(?:\s+|[-/]\s*)(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?:(?:de|del|of)\s+)?(\d{4})\b)?`)

	relativeDateRE = regexp.MustCompile(`\b(?:((?:the\s+)?day\s+before\s+yesterday|anteayer|antier|antes\s+de\s+ayer|ante\s+ayer)|(yesterday|ayer)|(today|hoy))\b`)
)

// verdict is what a pattern match turned out to be.
type verdict uint8

const (
	notDate verdict = iota
	impossibleDate
	realDate
	realNoYear // a real date the user gave without its year
)

// datePatterns are tried in order; the first real date wins. Numeric forms
// come before month names and relative words because they are the most
// deliberate: in "I got it today, it's dated 20/11" the letter's date is
// 20/11.
var datePatterns = []struct {
	re *regexp.Regexp
	// mayMatch is a cheap test that spares most messages the regexp,
	// which is slow next to it.
	mayMatch func(s string) bool
	extract  func(s string, m []int, today Date) (Date, verdict)
}{
	{isoDateRE, hasDigit, extractISO},
	{numericDateRE, hasDigit, extractNumeric},
	{dayMonthRE, hasDigit, extractDayMonth},
	{monthDayRE, hasDigit, extractMonthDay},
	{relativeDateRE, hasRelativeWord, extractRelative},
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// hasRelativeWord is true for every text relativeDateRE matches: "ayer"
// covers "anteayer" and "antes de ayer", "yesterday" the day before it.
func hasRelativeWord(s string) bool {
	return strings.Contains(s, "hoy") || strings.Contains(s, "ayer") ||
		strings.Contains(s, "today") || strings.Contains(s, "yesterday") || strings.Contains(s, "antier")
}

// ParseDate reads the date a user typed, such as the date printed on their
// invitation letter, relative to the day today.
//
// Dates are day-first, as in Spain: 20/11/2026, 20-11-26, 20.11, ISO
// 2026-11-20, "20 de noviembre de 2026", "20th Nov", "November 20, 2026",
// the words today/hoy, yesterday/ayer and day before
// yesterday/anteayer/antes de ayer, weekdays ("last tuesday", "el lunes
// pasado") and spans back from today ("two weeks ago", "hace 3 días").
// Case and accents do not matter, and the date may sit inside a sentence. A
// date without a year is its most recent occurrence on or before today.
// Whether the date is plausible (not in the future, not too old) is for the
// caller to judge. When a text holds several dates, the first one not
// negated ("not 22/10") wins.
//
// The error is ErrNoDate or ErrImpossibleDate.
func ParseDate(text string, today Date) (Date, error) {
	if len(text) > maxDateInput {
		text = text[:maxDateInput]
	}
	return firstDate(findDates(read(text).folded, today))
}

// firstDate picks the date a list of mentions gives, as ParseDate does:
// the date said to be printed on a letter, else the first written out
// (in "I got it today, it's dated 20/11" the letter's date is 20/11), else
// the first counted from today; a date the user rules out comes last.
func firstDate(ms []DateMention) (Date, error) {
	best := -1
	rank := func(m DateMention) int {
		switch {
		case m.Negated:
			return 0
		case m.Role == RolePrinted:
			return 3
		case !m.Relative:
			return 2
		}
		return 1
	}
	impossible := false
	for i, m := range ms {
		if m.Impossible {
			impossible = true
			continue
		}
		if best < 0 || rank(m) > rank(ms[best]) {
			best = i
		}
	}
	switch {
	case best >= 0:
		return ms[best].Date, nil
	case impossible:
		return Date{}, ErrImpossibleDate
	}
	return Date{}, ErrNoDate
}

func extractISO(s string, m []int, _ Date) (Date, verdict) {
	if !isolated(s, m[0], m[1]) || s[m[4]:m[5]] != s[m[8]:m[9]] {
		return Date{}, notDate
	}
	return exactDate(atoi(s, m[2], m[3]), atoi(s, m[6], m[7]), atoi(s, m[10], m[11]))
}

func extractNumeric(s string, m []int, today Date) (Date, verdict) {
	if !isolated(s, m[0], m[1]) {
		return Date{}, notDate
	}
	day, month := atoi(s, m[2], m[3]), atoi(s, m[6], m[7])
	if m[8] < 0 {
		return yearlessDate(month, day, today)
	}
	if s[m[4]:m[5]] != s[m[8]:m[9]] {
		// "20/11-21/11" is a range or a slip, not a date to trust.
		return Date{}, notDate
	}
	year := atoi(s, m[10], m[11])
	if m[11]-m[10] == 2 {
		year = expandYear(year, today)
	}
	return exactDate(year, month, day)
}

func extractDayMonth(s string, m []int, today Date) (Date, verdict) {
	day, month := atoi(s, m[2], m[3]), int(monthNames[s[m[4]:m[5]]])
	switch {
	case m[6] >= 0:
		return exactDate(atoi(s, m[6], m[7]), month, day)
	case m[8] >= 0:
		return exactDate(expandYear(atoi(s, m[8], m[9]), today), month, day)
	}
	return yearlessDate(month, day, today)
}

func extractMonthDay(s string, m []int, today Date) (Date, verdict) {
	month, day := int(monthNames[s[m[2]:m[3]]]), atoi(s, m[4], m[5])
	if m[6] >= 0 {
		return exactDate(atoi(s, m[6], m[7]), month, day)
	}
	return yearlessDate(month, day, today)
}

func extractRelative(_ string, m []int, today Date) (Date, verdict) {
	switch {
	case m[2] >= 0:
		return today.AddDays(-2), realDate
	case m[4] >= 0:
		return today.AddDays(-1), realDate
	}
	return today, realDate
}

// isolated reports whether the number-only date s[start:end] stands alone.
// Without this check the tail of a phone number such as 91.234.56.78 or of
// a version such as 1.2.3 would read as a date.
func isolated(s string, start, end int) bool {
	if start >= 2 && isDateSep(s[start-1]) && isAlnum(s[start-2]) {
		return false
	}
	if end+1 < len(s) && isDateSep(s[end]) && isAlnum(s[end+1]) {
		return false
	}
	return true
}

func isDateSep(c byte) bool { return c == '-' || c == '/' || c == '.' }

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// atoi reads the digits s[i:j]; the patterns guarantee at most four.
func atoi(s string, i, j int) int {
	n, _ := strconv.Atoi(s[i:j])
	return n
}

// expandYear reads a two-digit year as the one within 50 years of today,
// so that 26 is 2026 and 99 is 1999.
func expandYear(yy int, today Date) int {
	y := today.Year - today.Year%100 + yy
	if y > today.Year+50 {
		y -= 100
	}
	return y
}

func exactDate(year, month, day int) (Date, verdict) {
	if year < 1 || year > 9999 || !validDay(year, month, day) {
		return Date{}, impossibleDate
	}
	return Date{year, time.Month(month), day}, realDate
}

// yearlessDate returns the latest day/month on or before today. It looks
// back up to eight years because 29/02 skips non-leap years.
func yearlessDate(month, day int, today Date) (Date, verdict) {
	if !validDay(2000, month, day) { // 2000 is a leap year: allows 29/02
		return Date{}, impossibleDate
	}
	for y := today.Year; y >= today.Year-8; y-- {
		d := Date{y, time.Month(month), day}
		if validDay(y, month, day) && !laterDay(d, today) {
			return d, realNoYear
		}
	}
	// Only reachable with a nonsensical today.
	return Date{}, notDate
}

func laterDay(a, b Date) bool {
	if a.Year != b.Year {
		return a.Year > b.Year
	}
	if a.Month != b.Month {
		return a.Month > b.Month
	}
	return a.Day > b.Day
}

func validDay(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	return day <= daysIn(year, time.Month(month))
}

func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
