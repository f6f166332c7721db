// Package reminders sends the reminders before an invitation letter's CSV
// code runs out.
//
// The schedule itself is part of each user's record (conversation.User's
// Reminders), and the store keeps a due index in step with it in the same
// transaction that changes the record. A Sweeper walks that index up to
// "now", renders each due reminder in the user's language through the
// conversation engine, hands it to the front end that owns the user, and
// only after the platform accepted it commits the removal. Downtime loses
// nothing: the first sweep after a start sends what fell due meanwhile,
// only the most recent reminder per user, or the "your code has expired"
// message when it is too late.
//
// Delivery is one message at a time, each followed by its commit, so a
// crash between the platform's acceptance and the commit can repeat at
// most one message. A temporary failure leaves the reminder due for the
// next sweep; a user who blocked the bot loses their reminders.
//
// Run schedules sweeps with github.com/robfig/cron/v3.
package reminders
