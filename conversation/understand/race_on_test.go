//go:build race

package understand

// raceEnabled reports a -race build, whose instrumentation allocates.
const raceEnabled = true
