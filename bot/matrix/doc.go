//go:build goolm

// Package matrix is clavebot's Matrix front end, built on
// maunium.net/go/mautrix with end-to-end encryption.
//
// It joins the rooms it is invited to and answers in direct chats; in a
// room with more than one other person it speaks only when mentioned. Each
// reply is an m.notice with a plain body and the same in HTML, every
// piece of text escaped; options are a numbered list, and the user answers
// with the number or the words. It leaves a room when nobody else is left.
//
// Encryption uses mautrix's cryptohelper with the pure-Go Olm
// implementation and a SQLite crypto store on the pure-Go modernc driver:
// build with -tags goolm (CGO_ENABLED=0 works). A password login reuses
// the same device on every start, because a new device per restart would
// leave users' clients encrypting for devices that no longer read.
//
// Next to the bbolt file the front end keeps a small JSON state file
// (device ID, sync token, filter ID, each user's direct chat for
// reminders), the crypto store and, unless Config.PickleKey is set, the
// key that encrypts the crypto store. The sync token makes a restart
// resume where it stopped: nothing is answered twice, and what arrived
// while the bot was down is answered then. The timeline of the very first
// sync, and whatever a room held before the bot's invitation, are history
// and are not answered.
//
// The sync loop only sorts events; each user's messages are handled in
// order on a per-user queue while users proceed in parallel, and a panic
// costs one message, not the process. Homeserver rate limits
// (M_LIMIT_EXCEEDED) are waited out for as long as retry_after_ms asks,
// inside the request, so sends to a room keep their order and their
// transaction IDs.
package matrix
