package bot

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/clavebot/clavebot/conversation"
	"github.com/clavebot/clavebot/store"
)

// Received is an update a network handed over, as the inbox keeps it.
type Received = store.Received

// Mailbox is the optional capability of a Store that makes delivery
// durable (store.DB has it): updates wait in an inbox until handled, and
// replies in an outbox until the network accepted them, so a crash loses
// neither. Without it the Service works the same, in memory.
type Mailbox interface {
	Receive(updates []store.Received, now time.Time) ([]store.Received, error)
	Inbox(source string) ([]store.Received, error)
	Answer(key string, received uint64, fn func(u *conversation.User, exists bool) (forget bool, out []store.Letter, err error)) ([]store.Letter, error)
	Post(received uint64, letters []store.Letter) ([]store.Letter, error)
	Sent(letters ...store.Letter) error
	Outbox(prefix string) ([]store.Letter, error)
}

// Mail is what a front end needs of the Service to receive, answer and
// send durably; each front end's own Service interface embeds it.
type Mail interface {
	Receive(updates []Received) ([]Received, error)
	Inbox(source string) ([]Received, error)
	Answer(ctx context.Context, m Message) ([]Outgoing, error)
	Post(received uint64, out ...Outgoing) ([]Outgoing, error)
	Sent(o Outgoing) error
	Outbox(prefix string) ([]Outgoing, error)
	Apology(langHint string) Reply
}

// Address says where the replies to a message go.
type Address struct {
	// Chat is the front end's name for the chat, unique across front
	// ends ("tg:123", "mx:!room:example.org"); replies to one chat go
	// out in order.
	Chat string
	// About is the network's id of the message answered: the front end
	// deletes it first when the reply says it held a secret, and may
	// quote it.
	About string
	// Group marks a chat with several people.
	Group bool
}

// Outgoing is one reply on its way: in the outbox until Sent.
type Outgoing struct {
	// ID is the outbox's number; 0 when the store keeps no outbox.
	ID    uint64  `json:"-"`
	To    Address `json:"to"`
	Reply Reply   `json:"reply"`
	// Txn is a random name for the sending, fixed when the reply is
	// queued, so a network that deduplicates by it (Matrix's transaction
	// ids) recognises a repeat after a crash.
	Txn string `json:"txn,omitempty"`
}

// Receive puts updates into the inbox and returns those not received
// before, numbered: an update may be confirmed to its network only after
// Receive returned it or left it out as a repeat.
func (s *Service) Receive(updates []Received) ([]Received, error) {
	mb, ok := s.store.(Mailbox)
	if !ok {
		for i := range updates {
			updates[i].Seq = s.memSeq.Add(1)
		}
		return updates, nil
	}
	return mb.Receive(updates, time.Now())
}

// Inbox returns what source left unhandled, in the order received.
func (s *Service) Inbox(source string) ([]Received, error) {
	if mb, ok := s.store.(Mailbox); ok {
		return mb.Inbox(source)
	}
	return nil, nil
}

// Answer handles message m, received as inbox entry m.Received (0 when
// it never went through the inbox), and queues its replies to m.To:
// the user's new state, the inbox entry's removal and the replies commit
// together. On a storage failure nothing is committed; the apology to send
// comes back with the error, and the message stays in the inbox for the
// next start.
func (s *Service) Answer(ctx context.Context, m Message) ([]Outgoing, error) {
	if m.UserKey == "" {
		return nil, ErrNoUser
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mb, durable := s.store.(Mailbox)
	durable = durable && m.To.Chat != ""
	if s.admins[m.UserKey] && isCommand(m.Text, "stats") {
		replies, err := s.stats(m)
		if err != nil || !durable {
			return address(m.To, replies), err
		}
		return s.Post(m.Received, address(m.To, replies)...)
	}
	start := time.Now()
	in := conversation.Input{Text: m.Text, Action: m.Action, LangHint: m.LangHint}
	var d conversation.Decision
	var lang conversation.Lang
	var out []Outgoing
	// Batched transactions may run decide again: it depends only on the
	// freshly loaded user and the input.
	decide := func(u *conversation.User) {
		d = s.engine.Handle(u, in)
		lang = u.Lang
		out = address(m.To, d.Replies)
	}
	var queued []store.Letter
	var err error
	if durable {
		queued, err = mb.Answer(m.UserKey, m.Received, func(u *conversation.User, _ bool) (bool, []store.Letter, error) {
			decide(u)
			ls, err := letters(out)
			return d.Forget, ls, err
		})
	} else {
		err = s.store.Update(m.UserKey, func(u *conversation.User, _ bool) (bool, error) {
			decide(u)
			return d.Forget, nil
		})
	}
	if err != nil {
		s.observe(m, start, conversation.Decision{}, err)
		return address(m.To, []Reply{s.engine.Apology(lang, m.LangHint)}), fmt.Errorf("handle message for %s: %w", m.UserKey, err)
	}
	s.handled(m, start, d)
	if durable {
		return numbered(out, queued), nil
	}
	return out, nil
}

// RemoveSecrets deletes, once per message, each user message that a reply
// says held a secret, with remove (which reports whether the network
// did), and gives those replies the text that says it was removed. The
// replies of a front end that could not remove it keep the text asking
// the user to.
func RemoveSecrets(out []Outgoing, remove func(chat, about string) bool) {
	removed := map[string]bool{}
	for i, o := range out {
		if o.Reply.Removed == "" || o.To.About == "" {
			continue
		}
		ok, tried := removed[o.To.About]
		if !tried {
			ok = remove(o.To.Chat, o.To.About)
			removed[o.To.About] = ok
		}
		if ok {
			out[i].Reply.Text = o.Reply.Removed
		}
	}
}

// numbered gives the replies just queued the outbox's numbers, rather
// than decoding again what was just encoded.
func numbered(out []Outgoing, queued []store.Letter) []Outgoing {
	for i := range out {
		out[i].ID = queued[i].Seq
	}
	return out
}

// Post queues replies that change no user (a notice to a group, an
// unreadable message), taking inbox entry received out with them; with no
// replies it only takes the entry out.
func (s *Service) Post(received uint64, out ...Outgoing) ([]Outgoing, error) {
	mb, ok := s.store.(Mailbox)
	if !ok || (received == 0 && !slices.ContainsFunc(out, func(o Outgoing) bool { return o.To.Chat != "" })) {
		// Nothing to take out of an inbox, and nowhere to queue: the
		// terminal, whose replies are printed at once.
		return out, nil
	}
	ls, err := letters(out)
	if err != nil {
		return out, err
	}
	queued, err := mb.Post(received, ls)
	if err != nil {
		return out, fmt.Errorf("queue replies: %w", err)
	}
	return numbered(out, queued), nil
}

// Sent takes a reply out of the outbox once the network accepted it, or
// refused it for good.
func (s *Service) Sent(o Outgoing) error {
	mb, ok := s.store.(Mailbox)
	if !ok || o.ID == 0 {
		return nil
	}
	return mb.Sent(store.Letter{Seq: o.ID, Chat: o.To.Chat})
}

// Outbox returns the replies not yet accepted to the chats whose names
// start with prefix ("tg:"), chat by chat and in order: a front end sends
// them first when it starts.
func (s *Service) Outbox(prefix string) ([]Outgoing, error) {
	mb, ok := s.store.(Mailbox)
	if !ok {
		return nil, nil
	}
	ls, err := mb.Outbox(prefix)
	if err != nil {
		return nil, err
	}
	return outgoing(ls)
}

func address(to Address, replies []Reply) []Outgoing {
	out := make([]Outgoing, len(replies))
	for i, r := range replies {
		out[i] = Outgoing{To: to, Reply: r}
	}
	return out
}

func letters(out []Outgoing) ([]store.Letter, error) {
	ls := make([]store.Letter, len(out))
	for i := range out {
		if out[i].Txn == "" {
			out[i].Txn = rand.Text()
		}
		o := out[i]
		data, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encode reply: %w", err)
		}
		ls[i] = store.Letter{Chat: o.To.Chat, Data: data}
	}
	return ls, nil
}

func outgoing(ls []store.Letter) ([]Outgoing, error) {
	out := make([]Outgoing, len(ls))
	for i, l := range ls {
		if err := json.Unmarshal(l.Data, &out[i]); err != nil {
			return nil, fmt.Errorf("decode reply %d: %w", l.Seq, store.ErrCorrupt)
		}
		out[i].ID = l.Seq
		out[i].To.Chat = l.Chat
	}
	return out, nil
}

// Resend sends the replies left in the outbox to the chats whose names
// start with prefix, through deliver: each chat's in order, the chats in
// parallel on serial. It returns, with their number, once all went out, so
// that nothing handled afterwards can overtake them.
func Resend(outbox func(prefix string) ([]Outgoing, error), prefix string, serial *Serializer, deliver func([]Outgoing)) (int, error) {
	pending, err := outbox(prefix)
	if err != nil {
		return 0, fmt.Errorf("read the outbox: %w", err)
	}
	n := len(pending)
	for len(pending) > 0 {
		k := 1
		for k < len(pending) && pending[k].To.Chat == pending[0].To.Chat {
			k++
		}
		chat := pending[:k]
		serial.Do(chat[0].To.Chat, func() { deliver(chat) })
		pending = pending[k:]
	}
	serial.Wait()
	return n, nil
}
