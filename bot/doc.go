// Package bot holds what every front end shares: the incoming Message, the
// Reply it gets, and the Service that handles one message end to end (load
// the user, let the conversation decide, save, return the replies).
//
// Front ends (bot/console, and the chat networks) translate their own
// updates into Messages and Replies into their own messages. They never see
// the store: the Service owns the one transaction per message in which the
// user's state changes.
package bot
