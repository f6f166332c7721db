package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/clavebot/clavebot/metrics"
	"github.com/clavebot/clavebot/store"
)

// maxSilence is how long a front end may go without hearing from its
// server before /healthz calls it unwell. Telegram's heartbeat asks every
// minute and Matrix syncs at least every 30 seconds.
const maxSilence = 3 * time.Minute

// serveOps serves /healthz, /metrics and /backup on listen. The listen
// address should be private: /backup answers loopback clients only.
func (m *Main) serveOps(listen string, met *metrics.Metrics, nets []network, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("CLAVEBOT_LISTEN %s: %w", listen, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", met.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		problems := m.checkHealth(nets)
		if len(problems) > 0 {
			http.Error(w, strings.Join(problems, "\n"), http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /backup", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := m.db.WriteBackup(w); err != nil {
			log.Error("backup over HTTP failed", "err", err)
		}
	})))
	// Profiles, like backups, are for this machine only: they show the
	// program's memory.
	mux.Handle("/debug/pprof/", loopbackOnly(http.HandlerFunc(pprof.Index)))
	mux.Handle("/debug/pprof/profile", loopbackOnly(http.HandlerFunc(pprof.Profile)))
	mux.Handle("/debug/pprof/trace", loopbackOnly(http.HandlerFunc(pprof.Trace)))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Info("health, metrics and backups", "listen", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// checkHealth lists what is wrong: a store that cannot be written, or a
// front end that has not heard from its server lately.
func (m *Main) checkHealth(nets []network) []string {
	var problems []string
	if err := m.db.Ping(); err != nil {
		problems = append(problems, "store: "+err.Error())
	}
	for _, n := range nets {
		if c, ok := n.fe.(interface{ LastContact() time.Time }); ok {
			if since := time.Since(c.LastContact()); since > maxSilence {
				problems = append(problems, fmt.Sprintf("%s: no answer from the server for %s", n.name, since.Round(time.Second)))
			}
		}
	}
	return problems
}

// backup writes a consistent copy of the database to --to: through the
// running bot when CLAVEBOT_LISTEN reaches it, else from the file itself.
func (m *Main) backup(ctx context.Context, args []string) error {
	fs := m.flags("backup")
	to := fs.String("to", "", "file to write the backup to")
	if err := fs.Parse(args); err != nil || *to == "" {
		fmt.Fprintln(m.stderr, "usage: clavebot backup --to FILE")
		return errUsage
	}
	if listen := m.cfg.Listen; listen != "" {
		n, err := fetchBackup(ctx, loopbackURL(listen, "/backup"), *to)
		if err == nil {
			fmt.Fprintf(m.stdout, "backup of the running bot written to %s (%d bytes)\n", *to, n)
			return nil
		}
		if !errors.Is(err, errNotRunning) {
			return err
		}
	}
	db, err := store.Open(m.cfg.DB)
	if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("the bot is running and holds the database: set CLAVEBOT_LISTEN to its listen address to back it up live")
	}
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	n, err := db.BackupTo(*to)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "backup written to %s (%d bytes)\n", *to, n)
	return nil
}

// loopbackOnly serves next to clients on this machine only.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			http.Error(w, "served to this machine only", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// errNotRunning: nothing answers on the listen address.
var errNotRunning = errors.New("no running bot answers")

func fetchBackup(ctx context.Context, url, to string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errNotRunning, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, fmt.Errorf("backup refused by the running bot: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return store.WriteBackupFile(to, func(w io.Writer) (int64, error) { return io.Copy(w, resp.Body) })
}

// health exits 0 when the running bot's /healthz answers 200: the
// container image has no shell or curl for a health check.
func (m *Main) health(ctx context.Context, _ []string) error {
	listen := m.cfg.Listen
	if listen == "" {
		return errors.New("CLAVEBOT_LISTEN is not set: the bot serves /healthz there")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loopbackURL(listen, "/healthz"), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy (%s): %s", resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprint(m.stdout, string(body))
	return nil
}
