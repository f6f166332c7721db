package main

import (
	"strings"
	"testing"
)

func TestTelegramRateLimitSetting(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		opts int
		ok   bool
	}{{"", 0, true}, {"off", 1, true}, {"OFF", 1, true}, {"100", 1, true}, {"2.5", 1, true},
		{"0", 0, false}, {"-3", 0, false}, {"fast", 0, false}, {"NaN", 0, false}, {"Inf", 0, false}} {
		opts, err := telegramRateLimit(tt.raw)
		if (err == nil) != tt.ok || len(opts) != tt.opts {
			t.Errorf("TELEGRAM_RATE_LIMIT=%q: %d options, err %v", tt.raw, len(opts), err)
		}
		if err != nil && !strings.Contains(err.Error(), "TELEGRAM_RATE_LIMIT") {
			t.Errorf("the error does not name the variable: %v", err)
		}
	}
}
