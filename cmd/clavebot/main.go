// Command clavebot is a chat assistant for people in Spain who need Cl@ve.
//
//	clavebot chat [--db PATH] [--lang en|es]   talk to the bot in the terminal
//	clavebot ask [--lang en|es] QUESTION...    print one answer and exit
//	clavebot run                               serve the configured chat networks
//
// See README.md for the environment variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the reminder zones must resolve on minimal images too
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain(os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	err := m.Run(ctx, os.Args[1:])
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "clavebot:", err)
		}
		os.Exit(exitCode(err))
	}
}
