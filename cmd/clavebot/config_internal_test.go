package main

import (
	"bytes"
	"strings"
	"testing"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigDefaults(t *testing.T) {
	c, err := LoadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "clavebot.db" || c.LogFormat != "text" || c.ReminderSpec != "@every 1m" || c.Reminders == nil || !c.KeepUnanswered {
		t.Errorf("defaults: %+v", c)
	}
	if opts := c.TelegramRate.outboxOptions(); len(opts) != 0 {
		t.Errorf("unset TELEGRAM_RATE_LIMIT gave %d options, want Telegram's limits (none added)", len(opts))
	}
}

// Every bad value is reported, each naming its variable and what it
// accepts.
func TestConfigErrorsNameTheVariable(t *testing.T) {
	for name, value := range map[string]string{
		"CLAVEBOT_LISTEN": "8080", "CLAVEBOT_LOG_LEVEL": "loud", "CLAVEBOT_LOG_FORMAT": "xml",
		"CLAVEBOT_TIME_SHIFT": "a month", "CLAVEBOT_KEEP_UNANSWERED": "maybe", "CLAVEBOT_ADMINS": "123",
		"CLAVEBOT_REMINDER_SPEC": "every now and then", "TELEGRAM_API_URL": "api.telegram.org",
		"TELEGRAM_WEBHOOK_LISTEN": "8443", "TELEGRAM_RATE_LIMIT": "fast", "MATRIX_HOMESERVER": "matrix.org",
	} {
		_, err := LoadConfig(envOf(map[string]string{name: value, "MATRIX_ACCESS_TOKEN": "x"}))
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "want") {
			t.Errorf("%s=%q: %v", name, value, err)
		}
	}
	_, err := LoadConfig(envOf(map[string]string{"CLAVEBOT_LOG_LEVEL": "loud", "TELEGRAM_RATE_LIMIT": "0"}))
	if err == nil || !strings.Contains(err.Error(), "CLAVEBOT_LOG_LEVEL") || !strings.Contains(err.Error(), "TELEGRAM_RATE_LIMIT") {
		t.Errorf("two bad values: %v, want both named", err)
	}
	if _, err := LoadConfig(envOf(map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg"})); err == nil ||
		!strings.Contains(err.Error(), "TELEGRAM_WEBHOOK_SECRET") {
		t.Errorf("webhook without secret: %v", err)
	}
	if _, err := LoadConfig(envOf(map[string]string{"MATRIX_HOMESERVER": "https://m.example.org", "MATRIX_USER_ID": "clavebot", "MATRIX_PASSWORD": "p"})); err == nil ||
		!strings.Contains(err.Error(), "MATRIX_USER_ID") {
		t.Errorf("bad user id: %v", err)
	}
}

func TestTelegramRateLimitSetting(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		opts int
		ok   bool
	}{{"", 0, true}, {"off", 1, true}, {"OFF", 1, true}, {"100", 1, true}, {"2.5", 1, true},
		{"0", 0, false}, {"-3", 0, false}, {"fast", 0, false}, {"NaN", 0, false}, {"Inf", 0, false}} {
		c, err := LoadConfig(envOf(map[string]string{"TELEGRAM_RATE_LIMIT": tt.raw}))
		if (err == nil) != tt.ok || (err == nil && len(c.TelegramRate.outboxOptions()) != tt.opts) {
			t.Errorf("TELEGRAM_RATE_LIMIT=%q: %+v, err %v", tt.raw, c.TelegramRate, err)
		}
		if err != nil && !strings.Contains(err.Error(), "TELEGRAM_RATE_LIMIT") {
			t.Errorf("the error does not name the variable: %v", err)
		}
	}
}

func TestConfigPrintMasksSecrets(t *testing.T) {
	secrets := map[string]string{
		"TELEGRAM_BOT_TOKEN": "123456:AAH-very-secret-token", "TELEGRAM_WEBHOOK_SECRET": "hook-secret-42",
		"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
		"MATRIX_HOMESERVER":    "https://m.example.org", "MATRIX_USER_ID": "@clavebot:example.org",
		"MATRIX_PASSWORD": "hunter2-matrix", "MATRIX_ACCESS_TOKEN": "syt_secret_token", "MATRIX_PICKLE_KEY": "pickle-secret",
	}
	c, err := LoadConfig(envOf(secrets))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := c.Print(&out); err != nil {
		t.Fatal(err)
	}
	for name, v := range secrets {
		if strings.Contains(name, "URL") || strings.Contains(name, "HOMESERVER") || strings.Contains(name, "USER_ID") {
			if !strings.Contains(out.String(), v) {
				t.Errorf("%s is not shown", name)
			}
			continue
		}
		if strings.Contains(out.String(), v) {
			t.Errorf("%s is printed in the clear:\n%s", name, out.String())
		}
	}
	if !strings.Contains(out.String(), "TELEGRAM_BOT_TOKEN        (set, 28 characters)") {
		t.Errorf("the token line says nothing useful:\n%s", out.String())
	}
}
