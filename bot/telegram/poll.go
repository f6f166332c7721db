package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/clavebot/clavebot/bot"
)

// source names Telegram in the inbox.
const source = "tg"

// pollTimeout is how long one getUpdates waits for an update; Telegram
// holds the request open that long when there is nothing to deliver.
const pollTimeout = 50 * time.Second

// maxPollBackoff caps the wait after failed polls.
const maxPollBackoff = 5 * time.Second

// receivedKey carries the inbox number of the update being handled
// through the library's handler, which only passes a context on.
type receivedKey struct{}

func received(ctx context.Context) uint64 {
	seq, _ := ctx.Value(receivedKey{}).(uint64)
	return seq
}

// poll receives updates by long polling. The library's poller confirms a
// batch as soon as it has handed it to the handlers, so a crash then loses
// it; here a batch is confirmed (by the offset of the next getUpdates)
// only once it is in the inbox.
func (f *FrontEnd) poll(ctx context.Context) error {
	var offset int64
	var backoff time.Duration
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
		}
		raw, err := f.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var retry *tooManyRequests
			switch {
			case errors.As(err, &retry):
				backoff = retry.after
			case errors.Is(err, ErrBadToken):
				return err
			default:
				backoff = min(max(2*backoff, 100*time.Millisecond), maxPollBackoff)
			}
			f.onPollError(err)
			continue
		}
		f.touch()
		updates := make([]bot.Received, 0, len(raw))
		decoded := make(map[string]*models.Update, len(raw))
		next := offset
		for _, r := range raw {
			u := new(models.Update)
			if err := json.Unmarshal(r, u); err != nil {
				// Confirmed all the same, or Telegram would send it forever.
				var head struct {
					ID int64 `json:"update_id"`
				}
				_ = json.Unmarshal(r, &head)
				next = max(next, head.ID+1)
				f.log.Warn("telegram: an update that could not be read was skipped", "err", err)
				continue
			}
			next = max(next, u.ID+1)
			id := strconv.FormatInt(u.ID, 10)
			decoded[id] = u
			updates = append(updates, bot.Received{Source: source, ID: id, Data: r})
		}
		fresh, err := f.svc.Receive(updates)
		if err != nil {
			// Not confirmed: Telegram sends the same batch again.
			f.log.Error("telegram: updates not stored; asking again", "err", err)
			backoff = min(max(2*backoff, 100*time.Millisecond), maxPollBackoff)
			continue
		}
		backoff = 0
		offset = next
		for _, r := range fresh {
			f.process(r.Seq, decoded[r.ID])
		}
	}
	return nil
}

// dispatch hands received updates to the library's handlers, which queue
// each behind its sender's earlier messages.
func (f *FrontEnd) dispatch(updates []bot.Received) {
	for _, r := range updates {
		var u models.Update
		if err := json.Unmarshal(r.Data, &u); err != nil {
			f.log.Warn("telegram: an update could not be read and was dropped", "err", err)
			f.drop(r.Seq)
			continue
		}
		f.process(r.Seq, &u)
	}
}

// process hands one update to the library's handlers, with its inbox
// number for onUpdate.
func (f *FrontEnd) process(seq uint64, u *models.Update) {
	f.api.ProcessUpdate(context.WithValue(f.work, receivedKey{}, seq), u)
}

// drop takes an update that needs no answer out of the inbox.
func (f *FrontEnd) drop(seq uint64) {
	if seq == 0 {
		return
	}
	if _, err := f.svc.Post(seq); err != nil {
		f.log.Error("telegram: take an update out of the inbox", "err", err)
	}
}

// resume sends the replies a crash left in the outbox, then handles the
// updates left in the inbox, before anything new is received.
func (f *FrontEnd) resume() error {
	n, err := bot.Resend(f.svc.Outbox, source, f.sending, f.deliver)
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	if n > 0 {
		f.log.Info("telegram: sent the replies queued before a restart", "replies", n)
	}
	left, err := f.svc.Inbox(source)
	if err != nil {
		return fmt.Errorf("telegram: read the inbox: %w", err)
	}
	if len(left) > 0 {
		f.log.Info("telegram: handling updates received before a restart", "updates", len(left))
	}
	f.dispatch(left)
	return nil
}

// getUpdates asks for the updates after offset, confirming those before.
func (f *FrontEnd) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "timeout": int(pollTimeout / time.Second),
		"allowed_updates": []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery},
	})
	ctx, cancel := context.WithTimeout(ctx, pollTimeout+15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.methodURL("getUpdates"), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", f.redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", f.redact(err))
	}
	defer resp.Body.Close()
	var answer struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&answer); err != nil {
		return nil, fmt.Errorf("getUpdates: HTTP %d, unreadable answer: %w", resp.StatusCode, err)
	}
	switch {
	case answer.OK:
		return answer.Result, nil
	case answer.ErrorCode == http.StatusUnauthorized:
		return nil, ErrBadToken
	case answer.ErrorCode == http.StatusConflict:
		return nil, fmt.Errorf("getUpdates: %s: %w", answer.Description, errConflict)
	case answer.ErrorCode == http.StatusTooManyRequests:
		return nil, &tooManyRequests{after: time.Duration(max(answer.Parameters.RetryAfter, 1)) * time.Second}
	}
	return nil, fmt.Errorf("getUpdates: %d %s", answer.ErrorCode, answer.Description)
}

func (f *FrontEnd) methodURL(method string) string {
	base := f.cfg.APIURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	return strings.TrimSuffix(base, "/") + "/bot" + f.cfg.Token + "/" + method
}

// errConflict is a 409: another process receives this bot's updates.
var errConflict = errors.New("conflict")

type tooManyRequests struct{ after time.Duration }

func (e *tooManyRequests) Error() string {
	return fmt.Sprintf("getUpdates: too many requests, retry after %v", e.after)
}

// maxWebhookBody bounds one webhook request; an update is far smaller.
const maxWebhookBody = 4 << 20

// onWebhook receives one update. Telegram counts it delivered on a 200,
// so the 200 comes only once the update is in the inbox: a crash before
// that makes Telegram send it again.
func (f *FrontEnd) onWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "cannot read the update", http.StatusBadRequest)
		return
	}
	var head struct {
		ID *int64 `json:"update_id"`
	}
	if err := json.Unmarshal(body, &head); err != nil || head.ID == nil {
		http.Error(w, "not an update", http.StatusBadRequest)
		return
	}
	f.touch()
	fresh, err := f.svc.Receive([]bot.Received{{Source: source, ID: strconv.FormatInt(*head.ID, 10), Data: body}})
	if err != nil {
		f.log.Error("telegram: update not stored; Telegram will send it again", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	f.dispatch(fresh)
}
