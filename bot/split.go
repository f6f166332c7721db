package bot

import (
	"strings"
	"unicode/utf8"
)

// SplitText cuts s into parts of at most limit, in the unit size gives a
// character (size gets the rune and its width in bytes; an invalid byte
// comes as utf8.RuneError of width 1). It cuts at a paragraph break if it
// can, else at a line break, else at a space, and never inside a
// character. Every platform limits a message's length, each in its own
// unit: UTF-16 code units on Telegram, bytes on Matrix.
func SplitText(s string, limit int, size func(r rune, width int) int) []string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	var parts []string
	for s != "" {
		end, n := 0, 0
		for i, r := range s {
			w := utf8.RuneLen(r)
			if r == utf8.RuneError {
				_, w = utf8.DecodeRuneInString(s[i:])
			}
			n += size(r, w)
			if n > limit && end > 0 {
				break
			}
			end = i + w
		}
		if end == len(s) {
			parts = append(parts, s)
			break
		}
		head := s[:end]
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > len(head)/2 {
				end = i
				break
			}
		}
		if part := strings.TrimSpace(s[:end]); part != "" {
			parts = append(parts, part)
		}
		s = strings.TrimSpace(s[end:])
	}
	return parts
}
