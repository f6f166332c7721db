//go:build race

package conversation

// raceEnabled reports a -race build, whose instrumentation allocates.
const raceEnabled = true
