package understand

import (
	"testing"

	"github.com/clavebot/clavebot/conversation/content"
)

// TestStemsCurrent fails when stems.txt no longer matches the content, so
// that a start-up does not quietly stem what the table should hold. After
// editing the content, run: go generate ./conversation/...
func TestStemsCurrent(t *testing.T) {
	cat, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	if StemTable(cat.Topics()) != stemsTable {
		t.Fatal("stems.txt is out of date: run go generate ./conversation/...")
	}
}
