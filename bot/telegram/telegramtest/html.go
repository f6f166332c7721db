package telegramtest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// htmlTags are the tags parse_mode=HTML accepts.
var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "code": true, "pre": true, "tg-spoiler": true,
	"span": true, "blockquote": true, "tg-emoji": true,
}

type entityError struct{ msg string }

func (e *entityError) Error() string { return e.msg }

func entityErrorf(format string, args ...any) *entityError {
	return &entityError{msg: fmt.Sprintf(format, args...)}
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// parseHTML turns parse_mode=HTML text into plain text and entities,
// following the parser Telegram uses (tdlib's parse_html), including its
// error messages and byte offsets. It is deliberately stricter in one
// place: a '&' in text must start &lt; &gt; &amp; &quot; or a numeric
// reference ending in ';', where Telegram would keep it literally. That
// makes a missing escape of user-provided text fail in tests instead of
// slipping through until the text happens to contain "<".
func parseHTML(text string) (string, []Entity, error) {
	type openTag struct {
		name       string
		arg        string
		u16        int
		outLen     int
		expandable bool
	}
	var (
		out   strings.Builder
		u16   int
		stack []openTag
		ents  []Entity
		n     = len(text)
	)
	for i := 0; i < n; {
		c := text[i]
		if c == '&' {
			r, next, err := decodeHTMLEntity(text, i)
			if err != nil {
				return "", nil, err
			}
			out.WriteRune(r)
			u16 += utf16Len(r)
			i = next
			continue
		}
		if c != '<' {
			out.WriteByte(c)
			if c&0xC0 != 0x80 { // first byte of a UTF-8 sequence
				u16++
				if c >= 0xF0 { // four-byte sequences are surrogate pairs
					u16++
				}
			}
			i++
			continue
		}

		begin := i
		i++
		if i >= n || text[i] != '/' {
			for i < n && !isHTMLSpace(text[i]) && text[i] != '>' {
				i++
			}
			if i >= n {
				return "", nil, entityErrorf("Unclosed start tag at byte offset %d", begin)
			}
			name := strings.ToLower(text[begin+1 : i])
			if !htmlTags[name] {
				return "", nil, entityErrorf("Unsupported start tag \"%s\" at byte offset %d", name, begin)
			}
			tag := openTag{name: name, u16: u16, outLen: out.Len()}
			for {
				for i < n && isHTMLSpace(text[i]) {
					i++
				}
				if i >= n {
					return "", nil, entityErrorf("Unclosed start tag \"%s\" at byte offset %d", name, begin)
				}
				if text[i] == '>' {
					break
				}
				attrBegin := i
				for i < n && !isHTMLSpace(text[i]) && text[i] != '=' && text[i] != '>' {
					i++
				}
				attr := strings.ToLower(text[attrBegin:i])
				if attr == "" {
					return "", nil, entityErrorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, attrBegin)
				}
				for i < n && isHTMLSpace(text[i]) {
					i++
				}
				if i >= n || text[i] != '=' {
					if name == "blockquote" && attr == "expandable" {
						tag.expandable = true
						continue
					}
					if i >= n {
						return "", nil, entityErrorf("Unclosed start tag \"%s\" at byte offset %d", name, begin)
					}
					return "", nil, entityErrorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, attrBegin)
				}
				i++
				for i < n && isHTMLSpace(text[i]) {
					i++
				}
				if i >= n {
					return "", nil, entityErrorf("Unclosed start tag \"%s\" at byte offset %d", name, begin)
				}
				var val string
				if q := text[i]; q != '"' && q != '\'' {
					tokBegin := i
					for i < n && (isAlnum(text[i]) || text[i] == '.' || text[i] == '-') {
						i++
					}
					val = strings.ToLower(text[tokBegin:i])
					if i < n && !isHTMLSpace(text[i]) && text[i] != '>' {
						return "", nil, entityErrorf("Unexpected end of name token at byte offset %d", tokBegin)
					}
				} else {
					i++
					var vb strings.Builder
					for i < n && text[i] != q {
						// Attribute values stay lenient, as in Telegram:
						// URLs with a raw '&' in the query are common.
						if text[i] == '&' {
							if r, next, err := decodeHTMLEntity(text, i); err == nil {
								vb.WriteRune(r)
								i = next
								continue
							}
						}
						vb.WriteByte(text[i])
						i++
					}
					if i < n {
						i++
					}
					val = vb.String()
				}
				if i >= n {
					return "", nil, entityErrorf("Unclosed start tag at byte offset %d", begin)
				}
				switch {
				case name == "a" && attr == "href":
					tag.arg = val
				case name == "code" && attr == "class" && strings.HasPrefix(val, "language-"):
					tag.arg = val[len("language-"):]
				case name == "span" && attr == "class" && strings.HasPrefix(val, "tg-"):
					tag.arg = val[len("tg-"):]
				case name == "tg-emoji" && attr == "emoji-id":
					tag.arg = val
				}
			}
			if name == "span" && tag.arg != "spoiler" {
				return "", nil, entityErrorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
			}
			stack = append(stack, tag)
		} else {
			if len(stack) == 0 {
				return "", nil, entityErrorf("Unexpected end tag at byte offset %d", begin)
			}
			i++ // '/'
			nameBegin := i
			for i < n && !isHTMLSpace(text[i]) && text[i] != '>' {
				i++
			}
			endName := strings.ToLower(text[nameBegin:i])
			for i < n && isHTMLSpace(text[i]) {
				i++
			}
			if i >= n || text[i] != '>' {
				return "", nil, entityErrorf("Unclosed end tag at byte offset %d", begin)
			}
			top := stack[len(stack)-1]
			// "</>" closes whatever is open.
			if endName != "" && endName != top.name {
				return "", nil, entityErrorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.name, endName)
			}
			stack = stack[:len(stack)-1]
			if length := u16 - top.u16; length > 0 {
				e := Entity{Offset: top.u16, Length: length}
				switch top.name {
				case "b", "strong":
					e.Type = "bold"
				case "i", "em":
					e.Type = "italic"
				case "u", "ins":
					e.Type = "underline"
				case "s", "strike", "del":
					e.Type = "strikethrough"
				case "tg-spoiler", "span":
					e.Type = "spoiler"
				case "tg-emoji":
					e.Type, e.CustomEmojiID = "custom_emoji", top.arg
				case "blockquote":
					e.Type = "blockquote"
					if top.expandable {
						e.Type = "expandable_blockquote"
					}
				case "a":
					href := top.arg
					if href == "" {
						href = out.String()[top.outLen:]
					}
					if idText, ok := strings.CutPrefix(href, "tg://user?id="); ok {
						id, _ := strconv.ParseInt(idText, 10, 64)
						e.Type, e.User = "text_mention", &User{ID: id}
					} else {
						e.Type, e.URL = "text_link", href
					}
				case "code":
					e.Type, e.Language = "code", top.arg
					// <pre><code class="language-x"> is one pre entity.
					if k := len(ents) - 1; top.arg != "" && k >= 0 && ents[k].Type == "pre" && ents[k].Offset == e.Offset && ents[k].Length == e.Length {
						ents = ents[:k]
						e.Type = "pre"
					}
				case "pre":
					e.Type = "pre"
					if k := len(ents) - 1; k >= 0 && ents[k].Type == "code" && ents[k].Language != "" && ents[k].Offset == e.Offset && ents[k].Length == e.Length {
						e.Language = ents[k].Language
						ents = ents[:k]
					}
				}
				ents = append(ents, e)
			}
		}
		i++ // '>'
	}
	if len(stack) > 0 {
		return "", nil, entityErrorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	// Telegram counts code entities without a language as plain code.
	for k := range ents {
		if ents[k].Type == "code" {
			ents[k].Language = ""
		}
	}
	return out.String(), ents, nil
}

// decodeHTMLEntity decodes the character reference at text[i] ('&').
func decodeHTMLEntity(text string, i int) (rune, int, error) {
	n := len(text)
	j := i + 1
	if j < n && text[j] == '#' {
		j++
		base := 10
		if j < n && text[j] == 'x' {
			base = 16
			j++
		}
		start := j
		for j < n && (isAlnum(text[j])) {
			j++
		}
		digits := text[start:j]
		v, err := strconv.ParseUint(digits, base, 32)
		if digits == "" || err != nil || j >= n || text[j] != ';' || v == 0 || v > unicode.MaxRune {
			return 0, 0, unescapedAmp(i)
		}
		if v >= 0xD800 && v <= 0xDFFF {
			return 0, 0, entityErrorf("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")
		}
		return rune(v), j + 1, nil
	}
	start := j
	for j < n && ((text[j] >= 'a' && text[j] <= 'z') || (text[j] >= 'A' && text[j] <= 'Z')) {
		j++
	}
	if j >= n || text[j] != ';' {
		return 0, 0, unescapedAmp(i)
	}
	switch text[start:j] {
	case "lt":
		return '<', j + 1, nil
	case "gt":
		return '>', j + 1, nil
	case "amp":
		return '&', j + 1, nil
	case "quot":
		return '"', j + 1, nil
	}
	return 0, 0, unescapedAmp(i)
}

func unescapedAmp(offset int) error {
	// Telegram itself would keep such a '&' as text; see parseHTML.
	return entityErrorf("Unsupported HTML entity at byte offset %d: escape '&' as &amp; (the only named entities are &lt; &gt; &amp; &quot;)", offset)
}

// trimSpace is the white space Telegram trims; a no-break space is text.
const trimSpace = " \t\r\n\v\f"

// trimText strips leading and trailing white space as Telegram does after
// parsing, shifting and clipping the entities to match.
func trimText(text string, ents []Entity) (string, []Entity) {
	trimmed := strings.TrimLeft(text, trimSpace)
	lead := utf16StringLen(text[:len(text)-len(trimmed)])
	trimmed = strings.TrimRight(trimmed, trimSpace)
	total := utf16StringLen(trimmed)
	var out []Entity
	for _, e := range ents {
		start := max(e.Offset-lead, 0)
		end := min(e.Offset-lead+e.Length, total)
		if end > start {
			e.Offset, e.Length = start, end-start
			out = append(out, e)
		}
	}
	sortEntities(out)
	return trimmed, out
}

func sortEntities(ents []Entity) {
	slices.SortStableFunc(ents, func(a, b Entity) int {
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return b.Length - a.Length
	})
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

func utf16StringLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

func isSpaceRune(r rune) bool { return unicode.IsSpace(r) }
