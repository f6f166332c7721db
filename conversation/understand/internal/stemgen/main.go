// Command stemgen writes stems.txt, the table of stems the matcher embeds,
// for the current content. It is run by `go generate` in
// conversation/understand.
package main

import (
	"fmt"
	"os"

	"github.com/clavebot/clavebot/conversation/content"
	"github.com/clavebot/clavebot/conversation/understand"
)

func main() {
	cat, err := content.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stemgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("stems.txt", []byte(understand.StemTable(cat.Topics())), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "stemgen:", err)
		os.Exit(1)
	}
}
