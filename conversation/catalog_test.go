package conversation_test

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation"
)

// TestContentValid fails when an entry lacks a language, a button points
// nowhere, a link is not https on an official domain, or a sentence key is
// missing in one language.
func TestContentValid(t *testing.T) {
	if _, err := conversation.ParseCatalog(os.DirFS("content")); err != nil {
		t.Fatal(err)
	}
	if _, err := conversation.LoadCatalog(); err != nil {
		t.Fatal(err)
	}
}

// TestContentLinksAreListed fails when the content links to an address that
// is not one of the official addresses collected in testdata.
func TestContentLinksAreListed(t *testing.T) {
	cat, err := conversation.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/official_links.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			listed[line] = true
		}
	}
	for _, topic := range cat.Topics() {
		for _, l := range topic.Links {
			if !listed[l.URL] {
				t.Errorf("topic %s links to %s, which is not in testdata/official_links.txt", topic.ID, l.URL)
			}
		}
	}
}

// TestBundleUpToDate fails when content.json, the compiled content that
// the binary embeds, no longer matches the sources in content/. After
// editing the content, run: go test ./conversation -run TestBundleUpToDate -update
func TestBundleUpToDate(t *testing.T) {
	got, err := conversation.Compile(os.DirFS("content"))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("content.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("content.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("content.json is out of date: run go test ./conversation -run TestBundleUpToDate -update")
	}
}
