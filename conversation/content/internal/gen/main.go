// Command gen compiles the content sources of the current directory into
// content.json. It is run by `go generate` in conversation/content.
package main

import (
	"fmt"
	"os"

	"github.com/clavebot/clavebot/conversation/content"
)

func main() {
	out, err := content.Compile(os.DirFS("."))
	if err != nil {
		fmt.Fprintln(os.Stderr, "content:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("content.json", out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "content:", err)
		os.Exit(1)
	}
}
