// Package conversation decides what clavebot says.
//
// One turn goes: the message is read once by package understand into an
// Interpretation, in the context of the step the user is on, the topic of
// the last answer and the user's record; the dialogue (dialogue.go) then
// decides from that interpretation alone, most specific first: requests,
// the answer to the step the user is on, news about their letter or
// registration, facts of their case, then the knowledge base.
//
// Guided flows (route chooser, readiness checklist, letter tracking,
// troubleshooting guides, the one-step ones such as /mydata) are small
// types behind the flow interface, each in its own file, registered by
// name: adding one touches that file and the catalogue's sentences.
//
// The package is pure on purpose: it does no network or disk I/O and
// reads time only from the clock it is given, so every decision can be
// replayed in a test. Front ends translate its Reply values into their own
// messages; the store persists its User values. Every sentence a user can
// read lives in the content catalogue (package content), in English and in
// Spanish.
package conversation
