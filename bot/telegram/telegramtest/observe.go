package telegramtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func cloneRevision(r Revision) Revision {
	r.Entities = slices.Clone(r.Entities)
	if r.Buttons != nil {
		rows := make([][]Button, len(r.Buttons))
		for i, row := range r.Buttons {
			rows[i] = slices.Clone(row)
		}
		r.Buttons = rows
	}
	return r
}

func (s *Server) sentLocked(chatID int64) []SentMessage {
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]SentMessage, 0, len(c.sent))
	for _, m := range c.sent {
		sm := SentMessage{MessageID: m.id, ChatID: chatID, Revision: cloneRevision(m.cur), ReplyTo: m.replyTo, Edited: m.edited, Document: m.doc}
		for _, h := range m.history {
			sm.History = append(sm.History, cloneRevision(h))
		}
		out = append(out, sm)
	}
	return out
}

// Sent returns the messages the bot sent to chatID, in the order the
// server accepted them, each in its current state with its edit history.
func (s *Server) Sent(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentLocked(chatID)
}

// WaitSent waits until chatID has received at least n messages and returns
// them all; on timeout it fails the test with what did arrive. Call it
// from the test goroutine (it may call tb.Fatalf).
func (s *Server) WaitSent(tb testing.TB, chatID int64, n int, timeout time.Duration) []SentMessage {
	tb.Helper()
	var got []SentMessage
	ok := s.wait(timeout, func() bool {
		got = s.sentLocked(chatID)
		return len(got) >= n
	})
	if !ok {
		tb.Fatalf("telegramtest: chat %d got %d of %d expected messages within %v:%s", chatID, len(got), n, timeout, describe(got))
	}
	return got
}

// WaitUntil polls cond on every server state change until it is true, or
// fails the test after timeout, naming what. cond runs without the
// server's lock, so it may call the Server's methods.
func (s *Server) WaitUntil(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			if cond() {
				return
			}
			tb.Fatalf("telegramtest: timed out after %v waiting for %s", timeout, what)
			return
		}
	}
}

// wait evaluates cond under the lock on every change until it holds or
// timeout passes.
func (s *Server) wait(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.mu.Lock()
			defer s.mu.Unlock()
			return cond()
		}
	}
}

func describe(msgs []SentMessage) string {
	if len(msgs) == 0 {
		return " (none)"
	}
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n  #%d %q", m.MessageID, m.Text)
		if len(m.Buttons) > 0 {
			fmt.Fprintf(&b, " buttons=%v", m.Buttons)
		}
	}
	return b.String()
}

// CallbackAnswered reports whether the bot answered the callback query id.
func (s *Server) CallbackAnswered(id string) bool {
	_, ok := s.CallbackAnswer(id)
	return ok
}

// CallbackAnswer returns the bot's answer to callback query id, if any.
func (s *Server) CallbackAnswer(id string) (CallbackAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[id]
	if cb == nil || !cb.answered {
		return CallbackAnswer{}, false
	}
	return cb.answer, true
}

// ChatActions returns the sendChatAction actions chatID received, in order.
func (s *Server) ChatActions(chatID int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return slices.Clone(c.actions)
	}
	return nil
}

// Deleted returns the ids of the messages in chatID that the bot deleted
// with deleteMessage, in id order.
func (s *Server) Deleted(chatID int64) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var ids []int
	for id, m := range c.msgs {
		if m.deleted {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
