package content_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
)

// TestGenerated fails when content.json, the compiled content that the
// binary embeds, no longer matches the YAML sources. After editing them,
// run: go generate ./conversation/content
func TestGenerated(t *testing.T) {
	got, err := content.Compile(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("content.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("content.json is out of date: run go generate ./conversation/content")
	}
}

// TestValid fails when an entry lacks a language, a button points
// nowhere, a link is not https on an official domain, or a sentence key is
// missing in one language.
func TestValid(t *testing.T) {
	if _, err := content.Parse(os.DirFS(".")); err != nil {
		t.Fatal(err)
	}
	if _, err := content.Load(); err != nil {
		t.Fatal(err)
	}
}

// TestMissingKeyIsCaught checks that Validate notices a sentence that
// exists in one language only.
func TestMissingKeyIsCaught(t *testing.T) {
	fsys := os.DirFS(".")
	dir := t.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(dir+"/ui/en.yaml", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\nonly.in.english: \"Hello\"\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = content.Parse(os.DirFS(dir))
	if err == nil || !strings.Contains(err.Error(), "only.in.english") {
		t.Fatalf("Parse = %v, want an error naming the key missing in Spanish", err)
	}
}
