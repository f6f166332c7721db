package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clavebot/clavebot/bot"
)

func TestRedactKeepsTheChain(t *testing.T) {
	cause := fmt.Errorf("post https://api.telegram.org/bot123:SECRET/sendMessage: %w", context.DeadlineExceeded)
	err := fmt.Errorf("telegram: send: %w", bot.Redact(cause, "123:SECRET"))
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("the secret is in %q", err)
	}
	if !strings.Contains(err.Error(), "<redacted>") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%q lost its text or its cause", err)
	}
	if bot.Redact(nil, "x") != nil {
		t.Error("nil became an error")
	}
	if plain := errors.New("nothing secret"); bot.Redact(plain, "1234") != plain {
		t.Error("an error without secrets was wrapped")
	}
}
