package telegram

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"golang.org/x/time/rate"

	"github.com/clavebot/clavebot/bot"
)

// ErrBlocked means Telegram answered 403 for the chat: the user blocked the
// bot, deleted their account, or the bot was removed from the group. Nothing
// more should be sent there until the chat writes again. Errors returned by
// Outbox.Do wrap both ErrBlocked and the library's error.
var ErrBlocked = bot.ErrBlocked

// Outbox sends messages to Telegram under its rate limits, in order per chat.
//
// Three token buckets apply: one for the whole bot, one per chat, and a
// stricter one per group. Per-chat and group tokens are taken at the moment
// of sending rather than when a call starts waiting, so a message held up by
// the global bucket or a flood-control pause cannot let the next message to
// the same chat follow it too closely.
//
// A 429 from Telegram is about the bot as a whole, not about the one chat
// that received it, so it sets a cool-down that every send, to every chat,
// waits out before going to Telegram. The chat that got the 429 keeps its
// place at the head of its queue meanwhile, which is what keeps per-chat
// order intact across retries.
type Outbox struct {
	global      *rate.Limiter // nil: no global limit
	globalLimit limitSpec
	chatLimit   limitSpec
	groupLimit  limitSpec

	maxAttempts int
	baseBackoff time.Duration
	maxBackoff  time.Duration

	log     *slog.Logger
	errText func(error) string
	onRetry func(reason string)

	mu        sync.Mutex
	chats     map[int64]*chatState
	coolUntil time.Time

	// onEnqueue, when set by tests, runs under mu right after a call joins
	// its chat's queue, so tests can learn the real call order.
	onEnqueue func(ctx context.Context, chatID int64)
}

// limitSpec describes a token bucket; a zero limit disables it.
type limitSpec struct {
	limit rate.Limit
	burst int
}

func (s limitSpec) enabled() bool { return s.limit > 0 && s.limit != rate.Inf }

func (s limitSpec) newLimiter() *rate.Limiter {
	if !s.enabled() {
		return nil
	}
	return rate.NewLimiter(s.limit, s.burst)
}

// chatState is the FIFO of Do calls for one chat and that chat's buckets.
// All fields are guarded by Outbox.mu; the limiters themselves are used
// outside it, by the call at the head of the queue only.
type chatState struct {
	queue list.List // of chan struct{}, closed when that call becomes head
	chat  *rate.Limiter
	group *rate.Limiter
	idle  *time.Timer // pending removal of this state once its buckets refill
}

// OutboxOption configures an Outbox.
type OutboxOption func(*Outbox)

// WithGlobalRate limits all sends of the bot together. Telegram documents
// about 30 messages a second. perSecond <= 0 removes the limit.
func WithGlobalRate(perSecond float64, burst int) OutboxOption {
	return func(o *Outbox) { o.globalLimit = spec(rate.Limit(perSecond), burst) }
}

// WithChatRate limits sends to any one chat to one per every, allowing
// bursts of burst. Telegram asks for about one a second per chat.
// every <= 0 removes the limit.
func WithChatRate(every time.Duration, burst int) OutboxOption {
	return func(o *Outbox) { o.chatLimit = spec(every2limit(every), burst) }
}

// WithGroupRate adds a limit for chats that Do is told are groups, on top
// of the chat limit. Telegram allows about 20 messages a minute per group.
// every <= 0 removes the limit.
func WithGroupRate(every time.Duration, burst int) OutboxOption {
	return func(o *Outbox) { o.groupLimit = spec(every2limit(every), burst) }
}

// WithRetries sets how often a send failing with a 5xx or a network error is
// tried in total (maxAttempts, at least 1), and the backoff between tries: base,
// doubling up to maxBackoff, each randomly shortened by up to half so that
// chats failing together do not retry together. 429s do not count against
// max: Telegram says exactly when to come back.
func WithRetries(maxAttempts int, base, maxBackoff time.Duration) OutboxOption {
	return func(o *Outbox) {
		o.maxAttempts = max(maxAttempts, 1)
		o.baseBackoff = base
		o.maxBackoff = maxBackoff
	}
}

// WithOutboxLogger sets where failures are logged; the default is
// slog.Default().
func WithOutboxLogger(l *slog.Logger) OutboxOption {
	return func(o *Outbox) {
		if l != nil {
			o.log = l
		}
	}
}

// WithErrorText sets how errors are rendered in logs. Errors from the
// library can carry request URLs, which embed the bot token, and Telegram's
// descriptions; the front end passes a redacting function. The Outbox
// itself never sees the token. The default is err.Error().
func WithErrorText(f func(error) string) OutboxOption {
	return func(o *Outbox) {
		if f != nil {
			o.errText = f
		}
	}
}

// Unlimited removes all rate limits, to measure the bot's own capacity
// against a fake server. Per-chat order, retries and the 429 cool-down
// still apply: they are about correctness, not pacing.
func Unlimited() OutboxOption {
	return func(o *Outbox) {
		o.globalLimit = limitSpec{}
		o.chatLimit = limitSpec{}
		o.groupLimit = limitSpec{}
	}
}

func spec(l rate.Limit, burst int) limitSpec {
	if l <= 0 {
		return limitSpec{}
	}
	return limitSpec{limit: l, burst: max(burst, 1)}
}

func every2limit(every time.Duration) rate.Limit {
	if every <= 0 {
		return 0
	}
	return rate.Every(every)
}

// NewOutbox returns an Outbox with Telegram's documented limits, adjusted by
// opts.
func NewOutbox(opts ...OutboxOption) *Outbox {
	o := &Outbox{
		globalLimit: spec(30, 30),
		chatLimit:   spec(rate.Every(time.Second), 3),
		// 20 a minute, never more in any window: the bot only ever sends
		// one short notice to a group, so a burst buys nothing there.
		groupLimit:  spec(rate.Every(3*time.Second), 1),
		maxAttempts: 6,
		baseBackoff: 500 * time.Millisecond,
		maxBackoff:  30 * time.Second,
		log:         slog.Default(),
		errText:     func(err error) string { return err.Error() },
		chats:       make(map[int64]*chatState),
	}
	for _, opt := range opts {
		opt(o)
	}
	o.global = o.globalLimit.newLimiter()
	return o
}

// Do calls send for chatID once the limits allow, retrying until Telegram
// accepts it:
//   - on 429 it waits retry_after (at least 1s) and retries, and holds every
//     other send of the Outbox until then too;
//   - on 5xx, undecodable answers and network errors it retries with backoff,
//     up to the retry limit, then returns the last error;
//   - on 403 it returns an error wrapping ErrBlocked and the cause;
//   - on other 4xx (400, 401, 404, 409, and 400 with migrate_to_chat_id) it
//     returns the error at once: repeating the request cannot help.
//
// Calls for the same chat are served strictly in the order Do was called,
// also while one of them waits out a 429 or a backoff; different chats
// proceed in parallel. group applies the group limit on top of the chat
// limit; it is the caller's to say, because chatID < 0 also covers channels.
//
// ctx bounds the whole call: waiting for earlier messages to the chat, the
// limits, and retries. On cancellation Do returns an error wrapping
// ctx.Err() and, if there was one, the last send error.
//
// send must perform one request and honour its context; it may run again
// after an error, so it must not have consumed anything the retry needs.
func (o *Outbox) Do(ctx context.Context, chatID int64, group bool, send func(context.Context) error) error {
	cs, turn, err := o.enqueue(ctx, chatID, group)
	if err != nil {
		return err
	}
	defer o.dequeue(chatID, cs, turn)
	return o.deliver(ctx, chatID, cs, send)
}

// enqueue appends the call to its chat's queue and waits until it is at the
// head.
func (o *Outbox) enqueue(ctx context.Context, chatID int64, group bool) (*chatState, *list.Element, error) {
	o.mu.Lock()
	cs := o.chats[chatID]
	if cs == nil {
		cs = &chatState{chat: o.chatLimit.newLimiter()}
		o.chats[chatID] = cs
	}
	if cs.idle != nil {
		cs.idle.Stop()
		cs.idle = nil
	}
	if group && cs.group == nil {
		cs.group = o.groupLimit.newLimiter()
	}
	ready := make(chan struct{})
	turn := cs.queue.PushBack(ready)
	head := cs.queue.Front() == turn
	if o.onEnqueue != nil {
		o.onEnqueue(ctx, chatID)
	}
	o.mu.Unlock()

	if head {
		return cs, turn, nil
	}
	select {
	case <-ready:
		return cs, turn, nil
	case <-ctx.Done():
		// dequeue hands the turn on if it reached us meanwhile.
		o.dequeue(chatID, cs, turn)
		return nil, nil, ctx.Err()
	}
}

// dequeue removes a call from its chat's queue, wakes the next one if the
// call was at the head, and schedules dropping the chat's state when the
// queue is empty.
func (o *Outbox) dequeue(chatID int64, cs *chatState, turn *list.Element) {
	o.mu.Lock()
	defer o.mu.Unlock()
	wasHead := cs.queue.Front() == turn
	cs.queue.Remove(turn)
	if next := cs.queue.Front(); next != nil {
		if wasHead {
			close(next.Value.(chan struct{}))
		}
		return
	}
	o.dropWhenFullLocked(chatID, cs)
}

// dropWhenFullLocked forgets an idle chat once its buckets are full again:
// a fresh state then behaves exactly like the old one, so memory follows the
// number of recently active chats, not all chats ever served.
func (o *Outbox) dropWhenFullLocked(chatID int64, cs *chatState) {
	if o.chats[chatID] != cs || cs.queue.Len() > 0 {
		return
	}
	now := time.Now()
	var wait time.Duration
	for _, lim := range []*rate.Limiter{cs.chat, cs.group} {
		if lim != nil {
			wait = max(wait, timeToTokens(lim, now, float64(lim.Burst())))
		}
	}
	if wait <= 0 {
		delete(o.chats, chatID)
		return
	}
	var t *time.Timer
	t = time.AfterFunc(wait, func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		if cs.idle != t {
			return // superseded: a call came in after the timer fired
		}
		cs.idle = nil
		o.dropWhenFullLocked(chatID, cs)
	})
	cs.idle = t
}

// timeToTokens is how long until lim holds n tokens, with nobody else
// taking any.
func timeToTokens(lim *rate.Limiter, now time.Time, n float64) time.Duration {
	missing := n - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	// Round up so that one sleep normally suffices.
	return time.Duration(math.Ceil(missing / float64(lim.Limit()) * float64(time.Second)))
}

// deliver runs send for the call at the head of its chat's queue until it
// succeeds or fails for good.
func (o *Outbox) deliver(ctx context.Context, chatID int64, cs *chatState, send func(context.Context) error) error {
	o.mu.Lock()
	chatLim, groupLim := cs.chat, cs.group
	o.mu.Unlock()

	failures := 0
	var lastErr error
	for {
		if err := o.awaitLimits(ctx, chatLim, groupLim); err != nil {
			return ctxErr(err, lastErr)
		}
		err := send(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctxErr(ctx.Err(), err)
		}
		lastErr = err

		var flood *tgbot.TooManyRequestsError
		switch {
		case errors.As(err, &flood):
			o.retried("429")
			wait := max(time.Duration(flood.RetryAfter)*time.Second, time.Second)
			o.coolDown(wait)
			o.log.Warn("telegram: flood control, pausing all sends",
				"chat_id", chatID, "retry_after", wait, "err", o.errText(err))
			continue
		case errors.Is(err, tgbot.ErrorForbidden):
			// Expected whenever a user blocks the bot, hence not a warning.
			o.log.Info("telegram: chat blocked the bot", "chat_id", chatID, "err", o.errText(err))
			return fmt.Errorf("%w: %w", ErrBlocked, err)
		case permanent(err):
			o.log.Warn("telegram: send rejected", "chat_id", chatID, "err", o.errText(err))
			return err
		}

		failures++
		if failures >= o.maxAttempts {
			o.log.Warn("telegram: send failed, giving up",
				"chat_id", chatID, "attempts", failures, "err", o.errText(err))
			return fmt.Errorf("telegram: giving up after %d attempts: %w", failures, err)
		}
		o.retried("error")
		wait := o.backoff(failures)
		o.log.Warn("telegram: send failed, will retry",
			"chat_id", chatID, "attempt", failures, "backoff", wait, "err", o.errText(err))
		if err := sleep(ctx, wait); err != nil {
			return ctxErr(err, lastErr)
		}
	}
}

// WithOnRetry calls fn each time a send is retried: reason "429" after
// flood control, "error" after a server or network error. For metrics.
func WithOnRetry(fn func(reason string)) OutboxOption { return func(o *Outbox) { o.onRetry = fn } }

func (o *Outbox) retried(reason string) {
	if o.onRetry != nil {
		o.onRetry(reason)
	}
}

// permanent reports the 4xx errors of go-telegram/bot other than 403 and
// 429. Everything not recognised is treated as transient, because the
// library reports 5xx, proxy error pages and transport failures as plain
// errors with no common type.
func permanent(err error) bool {
	var migrate *tgbot.MigrateError
	return errors.Is(err, tgbot.ErrorBadRequest) ||
		errors.Is(err, tgbot.ErrorUnauthorized) ||
		errors.Is(err, tgbot.ErrorNotFound) ||
		errors.Is(err, tgbot.ErrorConflict) ||
		errors.As(err, &migrate)
}

// awaitLimits returns when a send may go out now.
func (o *Outbox) awaitLimits(ctx context.Context, chatLim, groupLim *rate.Limiter) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Only the head of a chat's queue uses its buckets, so once a token is
	// there it stays there; it is taken below, after the global wait, so
	// that the per-chat spacing holds for the moments messages really leave.
	for _, lim := range []*rate.Limiter{chatLim, groupLim} {
		if lim == nil {
			continue
		}
		for {
			wait := timeToTokens(lim, time.Now(), 1)
			if wait <= 0 {
				break
			}
			if err := sleep(ctx, wait); err != nil {
				return err
			}
		}
	}
	for {
		if err := sleep(ctx, time.Until(o.coolDownEnd())); err != nil {
			return err
		}
		if o.global != nil {
			r := o.global.Reserve()
			if err := sleep(ctx, r.Delay()); err != nil {
				r.Cancel()
				return err
			}
		}
		// A 429 that arrived while we queued for a global token pauses us
		// too; the token is then spent for nothing, erring on the safe side.
		if !time.Now().Before(o.coolDownEnd()) {
			break
		}
	}
	for _, lim := range []*rate.Limiter{chatLim, groupLim} {
		if lim != nil {
			lim.Allow()
		}
	}
	return nil
}

func (o *Outbox) coolDown(d time.Duration) {
	until := time.Now().Add(d)
	o.mu.Lock()
	if until.After(o.coolUntil) {
		o.coolUntil = until
	}
	o.mu.Unlock()
}

func (o *Outbox) coolDownEnd() time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.coolUntil
}

// backoff is the pause after the n-th consecutive failure.
func (o *Outbox) backoff(n int) time.Duration {
	d := o.baseBackoff
	for i := 1; i < n && d < o.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.maxBackoff)
	if d <= 1 {
		return max(d, 0)
	}
	return d - rand.N(d/2)
}

// chatCount is the number of chats whose state is kept; for tests.
func (o *Outbox) chatCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.chats)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func ctxErr(err, last error) error {
	if last == nil {
		return err
	}
	return fmt.Errorf("%w (last send error: %w)", err, last)
}
