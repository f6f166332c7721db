package dendritetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
)

// whoami calls /_matrix/client/v3/account/whoami with token and returns
// the HTTP status and the decoded body.
func whoami(t *testing.T, srv *dendritetest.Server, token string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/_matrix/client/v3/account/whoami", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("whoami: HTTP %d, body %s: %v", resp.StatusCode, body, err)
	}
	return resp.StatusCode, m
}

func TestStartAndRegister(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping Dendrite test in -short mode")
	}
	// Install separately so the start time below measures the server, not
	// a first-use build.
	t0 := time.Now()
	if _, err := dendritetest.Install(); err != nil {
		t.Fatal(err)
	}
	t.Logf("install check took %v", time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	srv := dendritetest.Start(t)
	t.Logf("Dendrite started at %s in %v", srv.URL(), time.Since(t0).Round(time.Millisecond))

	for _, localpart := range []string{"alice", "bob"} {
		userID, token, deviceID := srv.Register(t, localpart, localpart+"-password")
		if want := "@" + localpart + ":" + srv.ServerName(); userID != want {
			t.Errorf("Register(%q) user ID = %q, want %q", localpart, userID, want)
		}
		if deviceID == "" {
			t.Errorf("Register(%q) returned no device ID", localpart)
		}
		status, m := whoami(t, srv, token)
		if status != http.StatusOK || m["user_id"] != userID || m["device_id"] != deviceID {
			t.Errorf("whoami with %s's token: HTTP %d %v, want user_id %q device_id %q", localpart, status, m, userID, deviceID)
		}
	}
}

// TestWithRateLimit checks that the option really reaches Dendrite's
// config: clavebot's M_LIMIT_EXCEEDED handling is tested against it.
func TestWithRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping Dendrite test in -short mode")
	}
	const threshold, cooloffMS = 2, 60000
	srv := dendritetest.Start(t, dendritetest.WithRateLimit(threshold, cooloffMS))
	_, token, _ := srv.Register(t, "carol", "carol-password")

	// whoami is rate limited; with a one-minute cooloff the first
	// threshold requests succeed and the next one must be refused.
	for i := 0; i < threshold; i++ {
		if status, m := whoami(t, srv, token); status != http.StatusOK {
			t.Fatalf("whoami #%d: HTTP %d %v, want 200", i+1, status, m)
		}
	}
	status, m := whoami(t, srv, token)
	if status != http.StatusTooManyRequests || m["errcode"] != "M_LIMIT_EXCEEDED" {
		t.Fatalf("whoami #%d: HTTP %d %v, want 429 M_LIMIT_EXCEEDED", threshold+1, status, m)
	}
	if m["retry_after_ms"] != float64(cooloffMS) {
		t.Errorf("retry_after_ms = %v, want %d", m["retry_after_ms"], cooloffMS)
	}
}
