/*
Package store keeps clavebot's memory of its users in a single bbolt file.

# What is stored, and what never is

One record per user, keyed by front end and id ("tg:123456",
"mx:@ana:example.org", "cli:local"). The record is a conversation.User: the
language, the time zone, where the user is in a guided flow, the ticked
checklist items, the recommended route, the dates of the invitation letter and
of registration. These are choices, dates and ticks only. A CSV code, a NIE or
DNI, a support number or a phone number is a credential or an identifier of a
person; the conversation package never puts one in a User, and this package
has no other place to put one.

Nothing here logs. Errors carry enough context to find the failing step (the
operation, the schema version, the size of a bad record) but never the
contents of a record and never a user key, because errors end up in logs and
both identify a person.

# Layout

	meta                 bucket
	  "schema"           big-endian uint32: the schema version of the file
	users                bucket
	  <user key>         {"v":<schema version>,"user":<conversation.User as JSON>}
	inbox                bucket: updates a chat network handed over, not yet handled
	  <big-endian seq>   sealed {"s":<network>,"i":<update id>,"d":<update as sent>}
	outbox               bucket: replies not yet accepted by the network
	  <chat> 0x00 <seq>  sealed <reply>
	seen                 bucket: ids of updates received in the last SeenFor
	  <network> 0x00 <id> big-endian Unix seconds

Keys are the user key's bytes, so a cursor walks users in key order and one
front end's users form a contiguous range that ForEachPrefix reaches with a
single Seek, the prefix scan the bbolt documentation recommends. A key must be
1 to MaxKeyLen bytes long (ErrBadKey).

Records are JSON because a person asking /mydata, or an operator with the bbolt
command-line tool, can read them as they are; the record is small and is
written once per message, so JSON's cost is negligible next to the fsync.

Later buckets (the reminders due-index) go beside users. A bucket that
holds anything about one user must also be cleared by forgetUser (tx.go), so
that forgetting a user keeps meaning every trace. The transaction-level
helpers there (loadUser, updateUser, putUser, forgetUser) take the caller's
*bbolt.Tx so such a feature can change a user and its own bucket in one
commit.

# Schema versions and migrations

The file's schema version is the number of migrations applied to it. Open runs
the missing ones, in order, in the same read-write transaction that then
stores the new version: a crash or an error part-way leaves the file exactly
as it was. A file with no meta bucket is at schema 0 (a new file, or one
written before the store kept a version). A file at a version newer than this
code knows was written by a newer clavebot whose records this one could
misread and then overwrite; Open refuses it with ErrSchemaTooNew rather than
guess.

Each record also carries the version it was written at, so a change in the
record's shape can be migrated lazily, record by record, when it is next read
(upgradeRecord in schema.go), instead of rewriting every user inside Open.

# Transactions

Update runs load, decide and save for one user in one read-write transaction,
committed through bbolt's DB.Batch: while one message's transaction waits for
its fsync, the messages of other users that arrive meanwhile join the next
one, so a busy bot pays one fsync for many messages instead of one each. The
price is that Batch may call a transaction function more than once (when
another function in the same batch fails, the batch is retried without it), so
the function passed to Update must depend only on its arguments and have no
other effects. A lone Update waits up to MaxBatchDelay (set to 1ms here,
bbolt's default is 10ms) for company before it commits.

# Inbox and outbox

Receive writes a batch of updates to the inbox in one transaction; a network
may be told they arrived only after it returned. Answer handles one of them:
the user's change, the removal of the inbox entry and the replies it queues in
the outbox commit together. Sent removes a reply once the network accepted it.
A crash therefore leaves each update either in the inbox (not handled) or
answered in the outbox (not all sent), never neither. The seen bucket makes a
repeated delivery of an update that was already handled a no-op.

What waits in the boxes is what people typed and the answers to it, so it is
sealed with AES-256-GCM under a key in a file beside the database
(KeyFileSuffix). Open deletes the key file whenever both boxes are empty, and
the next mail gets a new key: what was
written under the old key, including the bytes bbolt leaves on free pages,
cannot be read any more. Mail under a key file that is gone is dropped and
counted by Lost.

User, Users and ForEachPrefix use read-only transactions, which bbolt runs
concurrently with each other and with the writer.

Only one process may have the file open: bbolt holds an exclusive flock on it.
A second process does not wait forever but gets ErrInUse after a timeout (see
WithTimeout).

Forgetting a user deletes the keys; like any bbolt write it leaves the old bytes in pages
that are now free until bbolt reuses them or the file is compacted.
*/
package store
