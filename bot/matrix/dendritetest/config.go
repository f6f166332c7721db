package dendritetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// serverName is the homeserver's name, the part after the colon in user
// IDs. "localhost" is what `generate-config -ci` writes; it makes valid,
// predictable IDs like @alice:localhost, and it never needs to resolve
// because federation is disabled.
const serverName = "localhost"

// edit replaces one exact, unique piece of generate-config's output.
type edit struct{ old, new string }

// writeConfig generates a CI config with `generate-config -ci`, applies
// the edits below and writes it, with a fresh signing key, to work. It
// returns the config path. All state (SQLite files, media, JetStream,
// search index) goes to work/data, so every Start is a fresh server.
//
// The package stays standard-library only, so it cannot parse YAML; the
// edits match the exact lines generate-config v0.13.8 prints and fail
// loudly if one is missing, e.g. after a Dendrite upgrade.
func writeConfig(bin, work, secret string, o options) (string, error) {
	data := filepath.Join(work, "data")
	// generate-config only writes paths; Dendrite fails to open the
	// SQLite files ("out of memory (14)") if the folder does not exist.
	if err := os.MkdirAll(data, 0o755); err != nil {
		return "", err
	}
	var stderr bytes.Buffer
	cmd := exec.Command(binPath(bin, "generate-config"), "-ci", "-dir", data)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("generate-config: %w\n%s", err, stderr.Bytes())
	}

	key := filepath.Join(work, "matrix_key.pem")
	if out, err := exec.Command(binPath(bin, "generate-keys"), "--private-key", key).CombinedOutput(); err != nil {
		return "", fmt.Errorf("generate-keys: %w\n%s", err, out)
	}

	rateLimit := "  rate_limiting:\n    enabled: false\n    threshold: 5\n    cooloff_ms: 500\n"
	if o.rateLimit {
		rateLimit = fmt.Sprintf("  rate_limiting:\n    enabled: true\n    threshold: %d\n    cooloff_ms: %d\n", o.threshold, o.cooloffMS)
	}
	cfg, err := applyEdits(string(out), []edit{
		// Not an edit: ServerName() promises this value.
		{"\n  server_name: " + serverName + "\n", "\n  server_name: " + serverName + "\n"},
		// The CI config names the key relative to the working directory;
		// make it absolute so nothing depends on where Dendrite runs.
		{"\n  private_key: matrix_key.pem\n", "\n  private_key: " + yamlString(key) + "\n"},
		// Tests must never talk to other homeservers (no network access,
		// no key fetches from matrix.org), and this also drops the
		// federation and key routes from the listener.
		{"\n  disable_federation: false\n", "\n  disable_federation: true\n"},
		// The CI config enables open registration, which Dendrite refuses
		// to start with unless passed -really-enable-open-registration.
		// Tests create users through the shared-secret admin endpoint,
		// which works with registration disabled.
		{"\n  registration_disabled: false\n", "\n  registration_disabled: true\n"},
		// A per-server random secret instead of the well-known "complement",
		// which also lets Start verify it reached its own server.
		{"\n  registration_shared_secret: complement\n", "\n  registration_shared_secret: " + yamlString(secret) + "\n"},
		// Written explicitly either way, so the default (off: tests make
		// bursts of requests) does not depend on generate-config's choice.
		{"\n  rate_limiting:\n    enabled: false\n    threshold: 5\n    cooloff_ms: 500\n", "\n" + rateLimit},
	})
	if err != nil {
		return "", err
	}
	path := filepath.Join(work, "dendrite.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// applyEdits applies each edit to cfg, requiring its old text to occur
// exactly once so an edit can neither silently miss nor hit the wrong
// section (several sections have an "enabled:" key).
func applyEdits(cfg string, edits []edit) (string, error) {
	for _, e := range edits {
		if n := strings.Count(cfg, e.old); n != 1 {
			return "", fmt.Errorf("generate-config output has %d occurrences of %q, want 1 (Dendrite changed? see config.go)", n, strings.TrimSpace(e.old))
		}
		cfg = strings.Replace(cfg, e.old, e.new, 1)
	}
	return cfg, nil
}

// yamlString quotes s for YAML. A JSON string is a valid YAML
// double-quoted scalar, and quoting keeps paths and secrets from being
// read as numbers or other YAML types.
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
