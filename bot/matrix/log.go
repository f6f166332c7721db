//go:build goolm

package matrix

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/rs/zerolog"
)

// zerologToSlog carries mautrix's zerolog output into the bot's slog
// logger. Debug output is dropped at the source: it carries request
// bodies (message contents, keys). Secrets are cut out of whatever is
// left, in case a library error ever quotes one.
type zerologToSlog struct {
	log     *slog.Logger
	secrets func() []string
}

func newZerolog(log *slog.Logger, secrets func() []string) zerolog.Logger {
	return zerolog.New(zerologToSlog{log: log, secrets: secrets}).Level(zerolog.InfoLevel)
}

func (z zerologToSlog) Write(p []byte) (int, error) {
	line := string(p)
	for _, s := range z.secrets() {
		if len(s) >= 4 {
			line = strings.ReplaceAll(line, s, "<redacted>")
		}
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(line), &fields); err != nil {
		z.log.Info("matrix: " + strings.TrimSpace(line))
		return len(p), nil
	}
	level := slog.LevelInfo
	switch fields[zerolog.LevelFieldName] {
	case "warn":
		level = slog.LevelWarn
	case "error", "fatal", "panic":
		level = slog.LevelError
	case "debug", "trace":
		level = slog.LevelDebug
	}
	msg, _ := fields[zerolog.MessageFieldName].(string)
	var attrs []slog.Attr
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		switch k {
		case zerolog.LevelFieldName, zerolog.MessageFieldName, "req_body":
			continue
		}
		attrs = append(attrs, slog.Any(k, fields[k]))
	}
	z.log.LogAttrs(context.Background(), level, "mautrix: "+msg, attrs...)
	return len(p), nil
}
