package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/clavebot/clavebot/bot/telegram"
	"github.com/clavebot/clavebot/reminders"
)

// Config is everything the environment configures, read and checked once.
// Library packages get their part as values and options; no other file
// reads the environment.
type Config struct {
	DB             string        // CLAVEBOT_DB
	Listen         string        // CLAVEBOT_LISTEN: health, metrics and live backup; "" for none
	LogLevel       slog.Level    // CLAVEBOT_LOG_LEVEL
	LogFormat      string        // CLAVEBOT_LOG_FORMAT: text or json
	TimeShift      time.Duration // CLAVEBOT_TIME_SHIFT: rehearsal only
	KeepUnanswered bool          // CLAVEBOT_KEEP_UNANSWERED
	Admins         []string      // CLAVEBOT_ADMINS: user keys allowed /stats
	ReminderSpec   string        // CLAVEBOT_REMINDER_SPEC
	Reminders      cron.Schedule // ReminderSpec, parsed

	Telegram     telegram.Config // TELEGRAM_*
	TelegramRate RateLimit       // TELEGRAM_RATE_LIMIT

	Matrix MatrixConfig // MATRIX_*

	// GOGCSet says the Go runtime's own GOGC is set: run then leaves the
	// garbage collector as the operator asked.
	GOGCSet bool
}

// RateLimit is the bot's own Telegram send limit.
type RateLimit struct {
	Off       bool    // none of the bot's own (a local test server)
	PerSecond float64 // overall sends a second; 0 = Telegram's documented limits
}

// MatrixConfig is the Matrix account; empty Homeserver means no Matrix.
type MatrixConfig struct {
	Homeserver, UserID, Password, AccessToken, PickleKey string
}

const defaultDB = "clavebot.db"

// LoadConfig reads the environment through getenv. An error names the
// variable and the forms it accepts; all of them are reported at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	c := Config{
		DB: get("CLAVEBOT_DB"), Listen: get("CLAVEBOT_LISTEN"), LogFormat: get("CLAVEBOT_LOG_FORMAT"),
		ReminderSpec: get("CLAVEBOT_REMINDER_SPEC"), KeepUnanswered: true,
		Telegram: telegram.Config{
			Token: get("TELEGRAM_BOT_TOKEN"), APIURL: get("TELEGRAM_API_URL"),
			WebhookURL: get("TELEGRAM_WEBHOOK_URL"), WebhookSecret: get("TELEGRAM_WEBHOOK_SECRET"),
			WebhookListen: get("TELEGRAM_WEBHOOK_LISTEN"),
		},
		Matrix: MatrixConfig{
			Homeserver: get("MATRIX_HOMESERVER"), UserID: get("MATRIX_USER_ID"),
			Password: getenv("MATRIX_PASSWORD"), AccessToken: get("MATRIX_ACCESS_TOKEN"), PickleKey: getenv("MATRIX_PICKLE_KEY"),
		},
	}
	c.GOGCSet = getenv("GOGC") != ""
	var errs []error
	bad := func(name, value, want string) {
		errs = append(errs, fmt.Errorf("%s %q: %s", name, value, want))
	}
	if c.DB == "" {
		c.DB = defaultDB
	}
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			bad("CLAVEBOT_LISTEN", c.Listen, "want host:port, such as 127.0.0.1:8080 or :8080")
		}
	}
	if raw := get("CLAVEBOT_LOG_LEVEL"); raw != "" {
		if err := c.LogLevel.UnmarshalText([]byte(raw)); err != nil {
			bad("CLAVEBOT_LOG_LEVEL", raw, "want debug, info, warn or error")
		}
	}
	switch c.LogFormat {
	case "":
		c.LogFormat = "text"
	case "text", "json":
	default:
		bad("CLAVEBOT_LOG_FORMAT", c.LogFormat, "want text or json")
	}
	if raw := get("CLAVEBOT_TIME_SHIFT"); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil {
			bad("CLAVEBOT_TIME_SHIFT", raw, "want a duration such as 720h or -36h")
		}
		c.TimeShift = d
	}
	switch raw := get("CLAVEBOT_KEEP_UNANSWERED"); strings.ToLower(raw) {
	case "", "on":
	case "off":
		c.KeepUnanswered = false
	default:
		bad("CLAVEBOT_KEEP_UNANSWERED", raw, "want on or off")
	}
	for _, k := range strings.Split(get("CLAVEBOT_ADMINS"), ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if !strings.HasPrefix(k, telegram.KeyPrefix) && !strings.HasPrefix(k, "mx:@") {
			bad("CLAVEBOT_ADMINS", k, "want user keys such as tg:123456 or mx:@ana:example.org, separated by commas")
			continue
		}
		c.Admins = append(c.Admins, k)
	}
	if c.ReminderSpec == "" {
		c.ReminderSpec = reminders.DefaultSpec
	}
	sched, err := cron.ParseStandard(c.ReminderSpec)
	if err != nil {
		bad("CLAVEBOT_REMINDER_SPEC", c.ReminderSpec, "want a cron schedule such as @every 1m or */5 * * * * ("+err.Error()+")")
	}
	c.Reminders = sched

	t := c.Telegram
	for name, v := range map[string]string{"TELEGRAM_API_URL": t.APIURL, "TELEGRAM_WEBHOOK_URL": t.WebhookURL, "MATRIX_HOMESERVER": c.Matrix.Homeserver} {
		if v != "" && !isHTTPURL(v) {
			bad(name, v, "want an http:// or https:// address")
		}
	}
	if t.WebhookURL != "" && t.WebhookSecret == "" {
		errs = append(errs, errors.New("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET, or anyone could post fake updates"))
	}
	if t.WebhookListen != "" {
		if _, _, err := net.SplitHostPort(t.WebhookListen); err != nil {
			bad("TELEGRAM_WEBHOOK_LISTEN", t.WebhookListen, "want host:port, such as :8443")
		}
	}
	if raw := get("TELEGRAM_RATE_LIMIT"); raw != "" {
		if strings.EqualFold(raw, "off") {
			c.TelegramRate.Off = true
		} else if n, err := strconv.ParseFloat(raw, 64); err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
			bad("TELEGRAM_RATE_LIMIT", raw, "want a number of messages a second (such as 30) or off")
		} else {
			c.TelegramRate.PerSecond = n
		}
	}
	if mx := c.Matrix; mx.Homeserver != "" {
		switch {
		case mx.AccessToken != "":
			// The homeserver says whose token it is.
		case mx.UserID == "" || mx.Password == "":
			errs = append(errs, errors.New("MATRIX_HOMESERVER needs MATRIX_ACCESS_TOKEN, or MATRIX_USER_ID and MATRIX_PASSWORD"))
		case !strings.HasPrefix(mx.UserID, "@") || !strings.Contains(mx.UserID, ":"):
			bad("MATRIX_USER_ID", mx.UserID, "want a full user ID such as @clavebot:example.org")
		}
	}
	return c, errors.Join(errs...)
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// outboxOptions turns the rate setting into the send queue's options.
func (r RateLimit) outboxOptions() []telegram.OutboxOption {
	switch {
	case r.Off:
		return []telegram.OutboxOption{telegram.Unlimited()}
	case r.PerSecond > 0:
		return []telegram.OutboxOption{telegram.WithGlobalRate(r.PerSecond, int(math.Ceil(r.PerSecond)))}
	}
	return nil
}

// Print writes the effective configuration, one variable a line, with the
// secrets masked: enough for an operator to check a deployment.
func (c Config) Print(w io.Writer) error {
	secret := func(s string) string {
		if s == "" {
			return "(not set)"
		}
		return fmt.Sprintf("(set, %d characters)", len(s))
	}
	plain := func(s, unset string) string {
		if s == "" {
			return unset
		}
		return s
	}
	rate := "Telegram's limits (30/s overall, 1/s a chat, 20/min a group)"
	switch {
	case c.TelegramRate.Off:
		rate = "off (no limits of the bot's own)"
	case c.TelegramRate.PerSecond > 0:
		rate = fmt.Sprintf("%g/s overall (per chat and group as Telegram's)", c.TelegramRate.PerSecond)
	}
	admins := strings.Join(c.Admins, ",")
	shift := "(none)"
	if c.TimeShift != 0 {
		shift = c.TimeShift.String() + " (rehearsal only)"
	}
	keep := "on"
	if !c.KeepUnanswered {
		keep = "off"
	}
	pickle := "(not set: generated once and kept next to the database)"
	if c.Matrix.PickleKey != "" {
		pickle = secret(c.Matrix.PickleKey)
	}
	lines := [][2]string{
		{"CLAVEBOT_DB", c.DB},
		{"CLAVEBOT_LISTEN", plain(c.Listen, "(none: no health, metrics or live backup)")},
		{"CLAVEBOT_LOG_LEVEL", strings.ToLower(c.LogLevel.String())},
		{"CLAVEBOT_LOG_FORMAT", c.LogFormat},
		{"CLAVEBOT_REMINDER_SPEC", c.ReminderSpec},
		{"CLAVEBOT_KEEP_UNANSWERED", keep},
		{"CLAVEBOT_ADMINS", plain(admins, "(none)")},
		{"CLAVEBOT_TIME_SHIFT", shift},
		{"TELEGRAM_BOT_TOKEN", secret(c.Telegram.Token)},
		{"TELEGRAM_API_URL", plain(c.Telegram.APIURL, "https://api.telegram.org")},
		{"TELEGRAM_WEBHOOK_URL", plain(c.Telegram.WebhookURL, "(none: long polling)")},
		{"TELEGRAM_WEBHOOK_SECRET", secret(c.Telegram.WebhookSecret)},
		{"TELEGRAM_WEBHOOK_LISTEN", plain(c.Telegram.WebhookListen, telegram.DefaultWebhookListen)},
		{"TELEGRAM_RATE_LIMIT", rate},
		{"MATRIX_HOMESERVER", plain(c.Matrix.Homeserver, "(none: no Matrix)")},
		{"MATRIX_USER_ID", plain(c.Matrix.UserID, "(not set)")},
		{"MATRIX_PASSWORD", secret(c.Matrix.Password)},
		{"MATRIX_ACCESS_TOKEN", secret(c.Matrix.AccessToken)},
		{"MATRIX_PICKLE_KEY", pickle},
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "%-25s %s\n", l[0], l[1]); err != nil {
			return err
		}
	}
	return nil
}
