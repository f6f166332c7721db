package content_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
)

func TestLinkIn(t *testing.T) {
	const sede = "https://sede.agenciatributaria.gob.es/Sede/"
	const clave = "https://clave.gob.es/"
	const ss = "https://www.seg-social.es/wps/portal/wss/internet/HerramientasWeb/x/clavepin1"
	tests := []struct {
		url  string
		lang content.Lang
		only content.Lang
		want string
		in   content.Lang
	}{
		{sede + "ca_es/ayuda/a.html", content.Spanish, "", sede + "ayuda/a.html", content.Spanish},
		{sede + "ca_es/ayuda/a.html", content.English, "", sede + "en_gb/ayuda/a.html", content.English},
		{sede + "en_gb/ayuda/a.html", content.Spanish, "", sede + "ayuda/a.html", content.Spanish},
		{sede + "ayuda/a.html", content.English, "", sede + "en_gb/ayuda/a.html", content.English},
		{"https://sede.agenciatributaria.gob.es./Sede/en_gb/ayuda/b.html", content.Spanish, "",
			"https://sede.agenciatributaria.gob.es./Sede/ayuda/b.html", content.Spanish},
		{"https://www.agenciatributaria.es/AEAT.internet/va_es/Inicio/Ayuda/c.shtml", content.English, "",
			"https://www.agenciatributaria.es/AEAT.internet/en_gb/Inicio/Ayuda/c.shtml", content.English},
		{"https://www.agenciatributaria.es/AEAT.internet/en_gb/Inicio/Ayuda/c.shtml", content.Spanish, "",
			"https://www.agenciatributaria.es/AEAT.internet/Inicio/Ayuda/c.shtml", content.Spanish},
		{clave + "clave_Home/en/PIN24H/Cuando-caduca.html", content.Spanish, "", clave + "clave_Home/PIN24H/Cuando-caduca.html", content.Spanish},
		{clave + "clave_Home/registro/Como.html", content.English, "", clave + "clave_Home/en/registro/Como.html", content.English},
		{clave + "en/clave-movil/que-es", content.Spanish, "", clave + "clave-movil/que-es", content.Spanish},
		{clave + "clave-movil/que-es", content.English, "", clave + "en/clave-movil/que-es", content.English},
		{ss + "/?changeLanguage=en", content.Spanish, "", ss + "/", content.Spanish},
		{ss, content.English, "", ss + "?changeLanguage=en", content.English},
		{sede + "ayuda/only-es.html", content.English, content.Spanish, sede + "ayuda/only-es.html", content.Spanish},
	}
	for _, tt := range tests {
		got, in := content.LinkIn(tt.url, tt.lang, tt.only)
		if got != tt.want || in != tt.in {
			t.Errorf("LinkIn(%s, %s, %q) = %s, %s; want %s, %s", tt.url, tt.lang, tt.only, got, in, tt.want, tt.in)
		}
		if l := content.LinkLang(got); l != tt.in {
			t.Errorf("LinkLang(%s) = %q, want %q", got, l, tt.in)
		}
	}
}

// listedPages reads the official addresses of the fact sheet, each
// reduced to its Spanish variant so that any variant of a listed page
// counts as listed.
func listedPages(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("testdata/official_links.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			page, _ := content.LinkIn(line, content.Spanish, "")
			listed[page] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return listed
}

// TestLinksInUserLanguage fails when a link is not one of the official
// pages listed in testdata (in any of its language variants), when a
// reader would get a Catalan, Galician, Basque or Valencian page, or when
// they would get the other language's page although one exists in theirs.
func TestLinksInUserLanguage(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	listed := listedPages(t)
	for _, topic := range cat.Topics() {
		for _, l := range topic.Links {
			if page, _ := content.LinkIn(l.URL, content.Spanish, ""); !listed[page] {
				t.Errorf("topic %s links to %s, which is not a page of testdata/official_links.txt", topic.ID, l.URL)
			}
			for _, lang := range content.Langs {
				addr, in := l.In(lang)
				if content.LinkLang(addr) != in || in == "" {
					t.Errorf("topic %s, %s: %s is in %q, not a language the bot speaks", topic.ID, lang, addr, content.LinkLang(addr))
				}
				if l.Only == "" && in != lang {
					t.Errorf("topic %s, %s: %s is the %s page although the page exists in %s", topic.ID, lang, addr, in, lang)
				}
				for _, marker := range []string{"in English", "in Spanish", "en inglés", "en español", "catal", "valencia", "gallego", "euskera"} {
					if strings.Contains(l.Title.In(lang), marker) {
						t.Errorf("topic %s: link title %q names a language; the reply adds that when the page is in another one", topic.ID, l.Title.In(lang))
					}
				}
			}
		}
	}
}
