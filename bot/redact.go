package bot

import "strings"

// Redact returns err with every secret (a token, a password) replaced in
// its text by "<redacted>", for logs and error messages. It keeps err's
// chain: errors.Is and errors.As see through it to the cause. Secrets
// shorter than 4 bytes are ignored, as they would mangle ordinary text.
func Redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	changed := false
	for _, s := range secrets {
		if len(s) >= 4 && strings.Contains(text, s) {
			text, changed = strings.ReplaceAll(text, s, "<redacted>"), true
		}
	}
	if !changed {
		return err
	}
	return &redacted{err: err, text: text}
}

type redacted struct {
	err  error
	text string
}

func (r *redacted) Error() string { return r.text }
func (r *redacted) Unwrap() error { return r.err }
