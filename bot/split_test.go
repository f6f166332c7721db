package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clavebot/clavebot/bot"
)

func bytesOf(_ rune, width int) int { return width }

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"fits", "hello world", 20, []string{"hello world"}},
		{"empty", " \n ", 10, nil},
		{"paragraph break first", "aaaa bbbb\n\ncccc dddd", 16, []string{"aaaa bbbb", "cccc dddd"}},
		{"then a line break", "aaaa bbbb\ncccc dddd", 16, []string{"aaaa bbbb", "cccc dddd"}},
		{"then a space", "aaaa bbbb cccc dddd", 16, []string{"aaaa bbbb cccc", "dddd"}},
		{"hard cut without spaces", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"never inside a character", "ññññ", 3, []string{"ñ", "ñ", "ñ", "ñ"}},
		{"a character wider than the limit still goes out", "€€", 2, []string{"€", "€"}},
		{"invalid bytes count one each", strings.Repeat("\x80", 10), 4, []string{"\x80\x80\x80\x80", "\x80\x80\x80\x80", "\x80\x80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.SplitText(tt.text, tt.limit, bytesOf)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzSplitTextShared(f *testing.F) {
	for _, s := range []string{"", "a b", strings.Repeat("ñ\n", 300), strings.Repeat("\xff", 500)} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 4 || limit > 1000 {
			return
		}
		for _, p := range bot.SplitText(s, limit, bytesOf) {
			if len(p) > limit {
				t.Fatalf("part of %d bytes over %d", len(p), limit)
			}
			if strings.TrimSpace(p) == "" {
				t.Fatal("empty part")
			}
			if utf8.ValidString(s) && !utf8.ValidString(p) {
				t.Fatal("cut inside a character")
			}
		}
	})
}
