package content

import (
	"net/url"
	"strings"
)

// The official sites publish a page in several languages and say which in
// its address. A link is written once, in any variant; In gives the
// variant of the reader's language. site describes one site's rule.
type site struct {
	hosts []string
	// prefix is the part of the path the language segment follows.
	prefix string
	// segment gives the path segment of each language ("" = none).
	segment map[Lang]string
	// others are the segments of the languages the bot does not speak.
	others []string
	// query is used instead of a path segment: the parameter English
	// adds (Social Security's ?changeLanguage=en).
	query [2]string
}

var coOfficial = []string{"ca_es", "gl_es", "eu_es", "va_es"}

var sites = []site{
	{hosts: []string{"sede.agenciatributaria.gob.es", "sede.agenciatributaria.gob.es."}, prefix: "/Sede/",
		segment: map[Lang]string{Spanish: "", English: "en_gb"}, others: coOfficial},
	{hosts: []string{"www.agenciatributaria.es"}, prefix: "/AEAT.internet/",
		segment: map[Lang]string{Spanish: "", English: "en_gb"}, others: coOfficial},
	{hosts: []string{"clave.gob.es"}, prefix: "/clave_Home/",
		segment: map[Lang]string{Spanish: "", English: "en"}},
	{hosts: []string{"clave.gob.es"}, prefix: "/",
		segment: map[Lang]string{Spanish: "", English: "en"}},
	{hosts: []string{"www.seg-social.es"}, query: [2]string{"changeLanguage", "en"}},
}

// LinkIn returns the address of the page at raw in language l, and the
// language that address is in: l itself, unless the link is marked as
// existing in one language only (only), or its site has no rule.
func LinkIn(raw string, l, only Lang) (string, Lang) {
	if only != "" {
		l = only
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw, LinkLang(raw)
	}
	for _, s := range sites {
		if !hostIn(u.Host, s.hosts) {
			continue
		}
		if s.query[0] != "" {
			q := u.Query()
			q.Del(s.query[0])
			if l == English {
				q.Set(s.query[0], s.query[1])
			}
			u.RawQuery = strings.ReplaceAll(q.Encode(), "%2F", "/")
			return u.String(), l
		}
		rest, ok := strings.CutPrefix(u.Path, s.prefix)
		if !ok {
			continue
		}
		if seg, after, found := strings.Cut(rest, "/"); found && s.isSegment(seg) {
			rest = after
		}
		if s.prefix == "/" && strings.HasPrefix(rest, "clave_Home/") {
			continue // the older pages have their own rule
		}
		path := s.prefix
		if seg := s.segment[l]; seg != "" {
			path += seg + "/"
		}
		u.Path = path + rest
		return u.String(), l
	}
	return raw, LinkLang(raw)
}

func (s site) isSegment(seg string) bool {
	for _, v := range s.segment {
		if v != "" && v == seg {
			return true
		}
	}
	for _, v := range s.others {
		if v == seg {
			return true
		}
	}
	return false
}

func hostIn(h string, hosts []string) bool {
	for _, x := range hosts {
		if h == x {
			return true
		}
	}
	return false
}

// LinkLang says which language the page at raw is in, from its address:
// English, Spanish, or "" for a co-official language or an unknown site.
func LinkLang(raw string) Lang {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	for _, s := range sites {
		if !hostIn(u.Host, s.hosts) {
			continue
		}
		if s.query[0] != "" {
			if u.Query().Get(s.query[0]) == s.query[1] {
				return English
			}
			return Spanish
		}
		rest, ok := strings.CutPrefix(u.Path, s.prefix)
		if !ok || s.prefix == "/" && strings.HasPrefix(rest, "clave_Home/") {
			continue
		}
		seg, _, _ := strings.Cut(rest, "/")
		for l, v := range s.segment {
			if v != "" && v == seg {
				return l
			}
		}
		for _, v := range s.others {
			if v == seg {
				return ""
			}
		}
		return Spanish
	}
	return ""
}
