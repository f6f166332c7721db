//go:build goolm

package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"maunium.net/go/mautrix"
)

// rateLimited retries requests the homeserver refused with 429
// M_LIMIT_EXCEEDED, after the wait it asked for. mautrix retries 429s only
// when DefaultHTTPRetries is set, and then reads only the Retry-After
// header, which Dendrite and Synapse leave out in favour of retry_after_ms
// in the body: it would wait its own 4, 8, 16... seconds. Retrying here,
// inside the call, keeps the caller blocked, so sends to a room stay in
// order, and a send's transaction ID stays the same, so a retry can never
// post a message twice.
type rateLimited struct {
	next     http.RoundTripper
	log      *slog.Logger
	maxTries int           // attempts per request before the 429 goes to the caller
	maxWait  time.Duration // longest single wait honoured
}

// bestEffortKey marks a request that is not worth waiting for: a typing
// notice refused for now is simply not shown, and retrying it would spend
// the quota the replies need.
type bestEffortKey struct{}

func bestEffort(ctx context.Context) context.Context {
	return mautrix.WithMaxRetries(context.WithValue(ctx, bestEffortKey{}, true), 0)
}

func (t *rateLimited) RoundTrip(req *http.Request) (*http.Response, error) {
	giveUp := req.Context().Value(bestEffortKey{}) != nil
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || giveUp || attempt >= t.maxTries {
			return resp, err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		wait := retryAfter(resp.Header, body)
		if wait > t.maxWait || (req.Body != nil && req.GetBody == nil) {
			resp.Body = io.NopCloser(bytes.NewReader(body))
			return resp, nil
		}
		t.log.Debug("matrix: rate limited, waiting", "path", req.URL.Path, "wait", wait, "attempt", attempt)
		timer := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
		if req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = b
		}
	}
}

// retryAfter is how long the homeserver asked to wait: retry_after_ms in
// the body, else the Retry-After header, else a second.
func retryAfter(h http.Header, body []byte) time.Duration {
	var e struct {
		RetryAfterMS int64 `json:"retry_after_ms"`
	}
	if json.Unmarshal(body, &e) == nil && e.RetryAfterMS > 0 {
		return time.Duration(e.RetryAfterMS) * time.Millisecond
	}
	v := h.Get("Retry-After")
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(at))
	}
	return time.Second
}
