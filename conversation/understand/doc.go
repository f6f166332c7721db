// Package understand reads one user message, in its context, into one
// Interpretation: the language; the dialogue acts (a question, a yes or a
// no, the outcome of a troubleshooting step, a correction, small talk);
// statements of progress ("my letter came", "I registered yesterday") and
// facts of the user's case (the document they hold, whether they can go
// to an office); requests ("remind me 3 days before", "in Spanish
// please"); the knowledge-base topics it may be about, with calibrated
// scores; and entities: dates, absolute and relative, in English and
// Spanish, a number of days, masked phone digits, the Canary Islands.
//
// A message is read once: folded (lower case, no accents), split into
// words and clauses, and every analysis works from that reading. Personal
// data (CSV codes, NIE/DNI and support numbers, phone numbers) is found
// first and left out of everything else: an Interpretation holds kinds and
// dates, never a value the user typed.
//
// The package is pure, like its caller: no I/O, and the day relative dates
// count from comes in the Context.
package understand
