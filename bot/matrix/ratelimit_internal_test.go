//go:build goolm

package matrix

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	h := http.Header{}
	if d := retryAfter(h, []byte(`{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":1500}`)); d != 1500*time.Millisecond {
		t.Errorf("body: %v", d)
	}
	h.Set("Retry-After", "3")
	if d := retryAfter(h, []byte(`{"errcode":"M_LIMIT_EXCEEDED"}`)); d != 3*time.Second {
		t.Errorf("header: %v", d)
	}
	if d := retryAfter(http.Header{}, nil); d != time.Second {
		t.Errorf("default: %v", d)
	}
}

// TestRateLimitedTransport checks the retry against a server that refuses
// twice: the body is sent again whole, the waits are the ones asked for,
// and a best-effort request is not retried.
func TestRateLimitedTransport(t *testing.T) {
	var calls atomic.Int32
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":50}`)
			return
		}
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	client := &http.Client{Transport: &rateLimited{next: http.DefaultTransport, log: slog.New(slog.DiscardHandler), maxTries: 5, maxWait: time.Second}}

	start := time.Now()
	resp, err := client.Post(srv.URL, "application/json", strings.NewReader(`{"body":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || calls.Load() != 3 {
		t.Errorf("status %d after %d calls", resp.StatusCode, calls.Load())
	}
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Errorf("retried after %v, before retry_after_ms", el)
	}
	mu.Lock()
	for _, b := range bodies {
		if b != `{"body":"hi"}` {
			t.Errorf("retry sent body %q", b)
		}
	}
	mu.Unlock()

	calls.Store(0)
	req, _ := http.NewRequestWithContext(bestEffort(context.Background()), http.MethodPut, srv.URL, strings.NewReader("{}"))
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || calls.Load() != 1 {
		t.Errorf("best effort: status %d after %d calls", resp.StatusCode, calls.Load())
	}
}
