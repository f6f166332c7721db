// Package metrics exposes clavebot's Prometheus metrics.
//
// Nothing here identifies a user: messages are counted by front end,
// answers by knowledge-base topic, reminders by outcome.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/clavebot/clavebot/bot"
	"github.com/clavebot/clavebot/reminders"
)

// Metrics holds the collectors, registered on their own registry.
type Metrics struct {
	reg *prometheus.Registry

	messagesIn    *prometheus.CounterVec
	messagesOut   *prometheus.CounterVec
	failures      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	answers       *prometheus.CounterVec
	notUnderstood prometheus.Counter

	remindersDue     prometheus.Counter
	remindersSent    prometheus.Counter
	remindersFailed  prometheus.Counter
	remindersDropped prometheus.Counter
	sweepDuration    prometheus.Histogram

	retries *prometheus.CounterVec
}

// New registers the collectors, plus the Go runtime's and the process's.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		messagesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clavebot_messages_received_total", Help: "Messages and button presses handled, by front end.",
		}, []string{"frontend"}),
		messagesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clavebot_messages_sent_total", Help: "Replies produced, by front end (reminders are counted apart).",
		}, []string{"frontend"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clavebot_messages_failed_total", Help: "Messages that could not be handled (the user got an apology), by front end.",
		}, []string{"frontend"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "clavebot_reply_seconds", Help: "Time to decide and store the reply to one message, by front end.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"frontend"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clavebot_answers_total", Help: "Knowledge-base answers given, by topic.",
		}, []string{"topic"}),
		notUnderstood: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clavebot_not_understood_total", Help: "Messages that matched no topic.",
		}),
		remindersDue: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clavebot_reminders_due_total", Help: "Users found with a reminder due, summed over sweeps.",
		}),
		remindersSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clavebot_reminders_sent_total", Help: "Reminders the platform accepted.",
		}),
		remindersFailed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clavebot_reminders_failed_total", Help: "Reminders not delivered this time; retried on the next sweep.",
		}),
		remindersDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clavebot_reminders_dropped_total", Help: "Reminders dropped: no longer applicable, or the user blocked the bot.",
		}),
		sweepDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "clavebot_reminder_sweep_seconds", Help: "Duration of reminder sweeps, delivery included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clavebot_send_retries_total", Help: "Sends retried, by front end and reason (429: rate limited by the platform).",
		}, []string{"frontend", "reason"}),
	}
	reg.MustRegister(m.messagesIn, m.messagesOut, m.failures, m.latency, m.answers, m.notUnderstood,
		m.remindersDue, m.remindersSent, m.remindersFailed, m.remindersDropped, m.sweepDuration, m.retries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Handled implements bot.Observer.
func (m *Metrics) Handled(h bot.Handled) {
	m.messagesIn.WithLabelValues(h.FrontEnd).Inc()
	if h.Err != nil {
		m.failures.WithLabelValues(h.FrontEnd).Inc()
		return
	}
	m.messagesOut.WithLabelValues(h.FrontEnd).Add(float64(h.Replies))
	m.latency.WithLabelValues(h.FrontEnd).Observe(h.Duration.Seconds())
	if h.Topic != "" {
		m.answers.WithLabelValues(h.Topic).Inc()
	}
	if h.NotUnderstood {
		m.notUnderstood.Inc()
	}
}

// Swept records one reminder sweep (reminders.WithObserver).
func (m *Metrics) Swept(st reminders.Stats, d time.Duration) {
	m.remindersDue.Add(float64(st.Due))
	m.remindersSent.Add(float64(st.Sent))
	m.remindersFailed.Add(float64(st.Failed))
	m.remindersDropped.Add(float64(st.Dropped))
	m.sweepDuration.Observe(d.Seconds())
}

// Retried returns the hook a front end calls when it retries a send.
func (m *Metrics) Retried(frontEnd string) func(reason string) {
	return func(reason string) { m.retries.WithLabelValues(frontEnd, reason).Inc() }
}
