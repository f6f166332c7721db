// Package conversation decides what clavebot says.
//
// It holds the knowledge base about Cl@ve, the question matcher and the
// guided flows (route chooser, readiness checklist, letter tracking,
// troubleshooting). It is pure on purpose: it does no network or disk I/O
// and reads time only from the clock it is given, so every decision can be
// replayed in a test. Front ends translate its Reply values into their own
// messages; the store persists its User values.
//
// Every sentence a user can read lives in the embedded content catalogue
// (content/), in English and in Spanish.
package conversation
