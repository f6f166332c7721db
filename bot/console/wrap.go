package console

import (
	"strings"
	"unicode/utf8"
)

// Wrap breaks each line of text at spaces so that no line is wider than
// width characters, the way a terminal would otherwise cut words in two.
// A word longer than width (an address) gets a line of its own, whole. A
// bullet's continuation lines are indented under its text. width <= 0
// leaves text as it is, for output read by scripts.
func Wrap(text string, width int) string {
	if width <= 0 {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		lines[i] = wrapLine(line, width)
	}
	return strings.Join(lines, "\n")
}

func wrapLine(line string, width int) string {
	if utf8.RuneCountInString(line) <= width {
		return line
	}
	indent := ""
	for _, bullet := range []string{"• ", "- ", "→ "} {
		if strings.HasPrefix(strings.TrimLeft(line, " "), bullet) {
			indent = strings.Repeat(" ", len(line)-len(strings.TrimLeft(line, " "))+utf8.RuneCountInString(bullet))
			break
		}
	}
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(line) {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
			lead := line[:len(line)-len(strings.TrimLeft(line, " "))]
			b.WriteString(lead)
			col = len(lead)
		case col+1+n > width:
			b.WriteString("\n" + indent)
			col = len(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
	}
	return b.String()
}
