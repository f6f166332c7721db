package metrics_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/metrics"
	"github.com/clavebot/clavebot/reminders"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	m := metrics.New()
	m.Handled(bot.Handled{FrontEnd: "tg", Duration: 3 * time.Millisecond, Replies: 2, Topic: "csv_code"})
	m.Handled(bot.Handled{FrontEnd: "tg", Duration: time.Millisecond, Replies: 1, NotUnderstood: true})
	m.Handled(bot.Handled{FrontEnd: "mx", Err: errors.New("disk full")})
	m.Swept(reminders.Stats{Due: 3, Sent: 2, Failed: 1}, 40*time.Millisecond)
	m.Retried("tg")("429")
	body := scrape(t, m)
	for _, want := range []string{
		`clavebot_messages_received_total{frontend="tg"} 2`,
		`clavebot_messages_received_total{frontend="mx"} 1`,
		`clavebot_messages_sent_total{frontend="tg"} 3`,
		`clavebot_messages_failed_total{frontend="mx"} 1`,
		`clavebot_reply_seconds_count{frontend="tg"} 2`,
		`clavebot_answers_total{topic="csv_code"} 1`,
		`clavebot_not_understood_total 1`,
		`clavebot_reminders_due_total 3`,
		`clavebot_reminders_sent_total 2`,
		`clavebot_reminders_failed_total 1`,
		`clavebot_reminder_sweep_seconds_count 1`,
		`clavebot_send_retries_total{frontend="tg",reason="429"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "tg:") || strings.Contains(body, "mx:@") {
		t.Error("a user key reached the metrics")
	}
}
