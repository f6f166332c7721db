package content_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
)

// sourceFiles are where the two sources live next to the repository, by
// the names the fact table uses for them.
var sourceFiles = map[string]string{
	"seed":     "seed/000_34329eaabbc50823.txt",
	"facts.md": "facts.md",
}

// sourcesDir finds the directory that holds the sources: $CLAVEBOT_SOURCES,
// or the shared folder next to the repository.
func sourcesDir() string {
	if d := os.Getenv("CLAVEBOT_SOURCES"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

// TestFactTable fails when the fact table is malformed (see LoadFacts),
// when a line of the sources is neither stated by a fact nor listed as no
// fact, or, where the sources can be read, when they changed since the
// table was written (their line numbers would no longer hold).
func TestFactTable(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	ft, err := content.LoadFacts(cat)
	if err != nil {
		t.Fatal(err)
	}
	if len(ft.Facts) == 0 {
		t.Fatal("the fact table is empty")
	}
	for name := range sourceFiles {
		if len(ft.Sources[name].Lines) == 0 {
			t.Errorf("the table records no lines of %s", name)
		}
	}
	for _, ref := range ft.Uncovered() {
		t.Errorf("%s states no fact of the table and is not listed under no_fact", ref)
	}
	for name, rel := range sourceFiles {
		b, err := os.ReadFile(filepath.Join(sourcesDir(), rel))
		if err != nil {
			t.Logf("%s not found (%v): its lines are checked as recorded only", name, err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != ft.Sources[name].SHA256 {
			t.Errorf("%s changed since the fact table was written (sha256 %s): map its lines again", name, got)
			continue
		}
		var lines []int
		for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, i+1)
			}
		}
		if !slices.Equal(lines, ft.Sources[name].Lines) {
			t.Errorf("%s: the recorded lines are not the file's non-empty lines", name)
		}
	}
}
