// Package dendritetest runs a real Dendrite homeserver for tests: installed
// into a cache folder on first use, started on 127.0.0.1 with a free port,
// stopped at the end of the test.
//
// A real server catches what a fake cannot: the exact JSON of /sync, error
// codes, room state rules. Each Start gets its own config, signing key and
// SQLite databases in tb.TempDir(), so tests are independent and may run
// in parallel. The first use on a machine builds Dendrite with `go install`
// (about 3 minutes); later starts take well under a second.
package dendritetest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	// startTimeout bounds how long Start waits for /versions; Dendrite
	// needs well under a second, slow CI machines get plenty of slack.
	startTimeout = 60 * time.Second
	// stopGrace is how long Dendrite may take to exit after SIGTERM
	// before it is killed.
	stopGrace = 5 * time.Second
	// portAttempts bounds retries when another process grabbed the free
	// port between our probe and Dendrite's bind.
	portAttempts = 3
)

// Server is a running Dendrite homeserver owned by one test.
type Server struct {
	url     string
	secret  string // registration_shared_secret
	logPath string
	logFile *os.File
	proc    *proc
	client  *http.Client
}

// proc is one Dendrite process. done is closed once it has exited and
// been reaped; err is cmd.Wait's result.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

type options struct {
	rateLimit bool
	threshold int
	cooloffMS int
}

// Option configures Start.
type Option func(*options)

// WithRateLimit enables Dendrite's client rate limiting, which Start
// otherwise turns off because tests send bursts of requests. Dendrite lets
// each caller (user+device when authenticated, else the remote address)
// have threshold requests in flight per cooloffMS window on rate-limited
// endpoints and answers further ones with 429 M_LIMIT_EXCEEDED and
// retry_after_ms = cooloffMS. In v0.13.8 the limited endpoints include
// whoami, login, join, leave, invite, typing, receipts, read markers,
// profile updates, /messages and media upload, but not /send or /sync;
// client API, sync API and media API count separately, and admin
// accounts are exempt.
func WithRateLimit(threshold int, cooloffMS int) Option {
	return func(o *options) {
		o.rateLimit = true
		o.threshold = threshold
		o.cooloffMS = cooloffMS
	}
}

// Start installs Dendrite if needed (go install into Dir()), writes a
// fresh config in tb.TempDir() with federation disabled and a registration
// shared secret, starts it on a free port and waits until
// /_matrix/client/versions answers; tb.Cleanup stops it (SIGTERM, then
// kill after 5s). Dendrite's output goes to dendrite.log in the temp dir;
// its tail is logged if the test failed.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.rateLimit && (o.threshold <= 0 || o.cooloffMS <= 0) {
		// Dendrite would refuse to start with a config error.
		tb.Fatalf("dendritetest: WithRateLimit(%d, %d): threshold and cooloff must be positive", o.threshold, o.cooloffMS)
	}

	dir, err := Dir()
	if err != nil {
		tb.Fatal(err)
	}
	installing := !installed(dir)
	if installing {
		// Say why this test is slow before it goes quiet for minutes.
		tb.Logf("dendritetest: installing Dendrite %s into %s (first use on this machine, takes a few minutes)", version, dir)
	}
	t0 := time.Now()
	bin, err := Install()
	if err != nil {
		tb.Fatal(err)
	}
	if installing {
		tb.Logf("dendritetest: install took %v", time.Since(t0).Round(time.Millisecond))
	}

	// TempDir before registering our cleanup: cleanups run last-in
	// first-out, so Dendrite is stopped before its folder is removed.
	work := tb.TempDir()
	s := &Server{
		secret:  rand.Text(),
		logPath: filepath.Join(work, "dendrite.log"),
		client:  &http.Client{Timeout: 30 * time.Second},
	}
	cfgPath, err := writeConfig(bin, work, s.secret, o)
	if err != nil {
		tb.Fatalf("dendritetest: writing config: %v", err)
	}
	s.logFile, err = os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		tb.Fatalf("dendritetest: %v", err)
	}
	tb.Cleanup(func() { s.close(tb) })

	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			tb.Fatalf("dendritetest: %v", err)
		}
		err = s.launch(bin, work, cfgPath, port)
		if err == nil {
			return s
		}
		if errors.Is(err, errPortTaken) && attempt < portAttempts {
			s.proc.stop()
			fmt.Fprintf(s.logFile, "\n--- dendritetest: port %d was taken, retrying with another port ---\n\n", port)
			continue
		}
		// The cleanup logs the tail of dendrite.log, since the test failed.
		tb.Fatalf("dendritetest: starting Dendrite: %v", err)
	}
}

// URL is the homeserver's base URL, http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// ServerName is the homeserver's name, "localhost": user IDs are
// @localpart:localhost.
func (s *Server) ServerName() string { return serverName }

// Register creates a user through /_synapse/admin/v1/register with the
// shared-secret HMAC and returns its user ID, access token and device ID.
// The user is not an admin, so rate limiting applies to it. Dendrite
// lowercases the localpart and requires passwords of at least 8 bytes.
// Like any function calling tb.Fatal, call it from the test goroutine.
func (s *Server) Register(tb testing.TB, localpart, password string) (userID, accessToken, deviceID string) {
	tb.Helper()
	status, body, err := s.sharedSecretRegister(localpart, password)
	if err != nil {
		tb.Fatalf("dendritetest: registering %q: %v", localpart, err)
	}
	if status != http.StatusOK {
		tb.Fatalf("dendritetest: registering %q: HTTP %d: %s", localpart, status, body)
	}
	var r struct {
		UserID      string `json:"user_id"`
		AccessToken string `json:"access_token"`
		DeviceID    string `json:"device_id"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.UserID == "" || r.AccessToken == "" {
		tb.Fatalf("dendritetest: registering %q: unexpected response %s (%v)", localpart, body, err)
	}
	return r.UserID, r.AccessToken, r.DeviceID
}

// sharedSecretRegister runs Synapse's shared-secret registration protocol,
// which Dendrite implements: fetch a nonce, then post the user with
// HMAC-SHA1(secret, nonce NUL user NUL password NUL "notadmin").
func (s *Server) sharedSecretRegister(localpart, password string) (status int, body []byte, err error) {
	endpoint := s.url + "/_synapse/admin/v1/register"
	resp, err := s.client.Get(endpoint)
	if err != nil {
		return 0, nil, err
	}
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, nil, err
	}
	var n struct {
		Nonce string `json:"nonce"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &n) != nil || n.Nonce == "" {
		return 0, nil, fmt.Errorf("getting nonce: HTTP %d: %s", resp.StatusCode, body)
	}

	mac := hmac.New(sha1.New, []byte(s.secret))
	mac.Write([]byte(strings.Join([]string{n.Nonce, localpart, password, "notadmin"}, "\x00")))
	req, _ := json.Marshal(map[string]any{
		"nonce":    n.Nonce,
		"username": localpart,
		"password": password,
		"admin":    false,
		"mac":      hex.EncodeToString(mac.Sum(nil)),
	})
	resp, err = s.client.Post(endpoint, "application/json", bytes.NewReader(req))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// errPortTaken means another process got the port Start picked.
var errPortTaken = errors.New("port taken by another process")

// launch starts Dendrite on port and waits until it serves requests.
func (s *Server) launch(bin, work, cfgPath string, port int) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(binPath(bin, "dendrite"), "-config", cfgPath, "-http-bind-address", addr)
	// Anything Dendrite resolves relative to its working directory stays
	// inside the test's temp dir.
	cmd.Dir = work
	cmd.Stdout = s.logFile
	cmd.Stderr = s.logFile
	// PPROFLISTEN would make Dendrite open a second, fixed port.
	cmd.Env = withoutEnv(os.Environ(), "PPROFLISTEN")
	cmd.SysProcAttr = sysProcAttr()

	p := &proc{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// Start and Wait on one locked OS thread, which therefore lives
		// exactly as long as Dendrite: Linux's Pdeathsig (see
		// proc_linux.go) fires when the thread that forked the child exits,
		// and Go may otherwise retire that thread while Dendrite runs.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(p.done)
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return err
	}
	s.proc = p
	s.url = "http://" + addr
	return s.waitReady(p)
}

// waitReady polls /_matrix/client/versions until it answers 200, then
// makes sure the answer came from this server and not from another
// process that took the port first.
func (s *Server) waitReady(p *proc) error {
	deadline := time.Now().Add(startTimeout)
	poll := &http.Client{Timeout: 2 * time.Second}
wait:
	for {
		select {
		case <-p.done:
			if s.logContains("address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("dendrite exited during startup (%v)", p.err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/_matrix/client/versions did not answer within %v", s.url, startTimeout)
		}
		if resp, err := poll.Get(s.url + "/_matrix/client/versions"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break wait
			}
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Only our server knows our shared secret: with a valid MAC it rejects
	// this (invalid, underscore-prefixed) username with 400
	// M_INVALID_USERNAME without creating anything, while any other
	// Dendrite answers 403 "bad mac".
	status, body, err := s.sharedSecretRegister("_dendritetest_probe", "probe-password")
	if err != nil {
		return fmt.Errorf("probing shared-secret registration: %w", err)
	}
	if status == http.StatusBadRequest && bytes.Contains(body, []byte("M_INVALID_USERNAME")) {
		return nil
	}
	if status == http.StatusForbidden {
		return errPortTaken
	}
	return fmt.Errorf("probing shared-secret registration: HTTP %d: %s", status, body)
}

// stop ends the process: SIGTERM so Dendrite shuts down cleanly, then
// SIGKILL if it has not exited after stopGrace.
func (p *proc) stop() {
	if p == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	terminate(p.cmd.Process)
	select {
	case <-p.done:
		return
	case <-time.After(stopGrace):
	}
	kill(p.cmd.Process)
	<-p.done
}

// close is the test cleanup: stop Dendrite and, if the test failed, show
// the end of its log, which usually explains server-side errors.
func (s *Server) close(tb testing.TB) {
	s.proc.stop()
	s.logFile.Close()
	if tb.Failed() {
		tb.Logf("dendritetest: last lines of %s:\n%s", s.logPath, tailFile(s.logPath, 60))
	}
}

// logContains reports whether Dendrite's log contains substr.
func (s *Server) logContains(substr string) bool {
	b, err := os.ReadFile(s.logPath)
	return err == nil && bytes.Contains(b, []byte(substr))
}

// tailFile returns the last n lines of the file at path.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// freePort asks the kernel for a free port on 127.0.0.1 and releases it
// for Dendrite. Another process may take it in between; Start detects
// that and retries.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// withoutEnv returns env without the variable named key.
func withoutEnv(env []string, key string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
