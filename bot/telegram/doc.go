// Package telegram is clavebot's Telegram front end, built on
// github.com/go-telegram/bot.
//
// It translates updates into bot.Messages and bot.Replies into Telegram
// messages: HTML with every piece of text escaped, inline keyboards for
// buttons, long replies split at paragraph boundaries. Private chats are
// the product; in a group the bot answers only when addressed, and then
// only to point to a private chat.
//
// The library runs handlers with no ordering and no panic recovery, so
// the front end receives updates on a single worker and hands each to a
// per-user queue: one user's messages are handled strictly in order while
// different users proceed in parallel, and a panic costs one message, not
// the process. Everything it sends goes through an Outbox that keeps under
// Telegram's rate limits and retries 429s, 5xx and network errors without
// losing or reordering messages.
//
// Updates come by long polling, or by webhook when Config.WebhookURL is
// set; the webhook refuses any request without the configured secret.
package telegram
