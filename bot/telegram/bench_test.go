package telegram_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/telegram"
	"github.com/clavebot/clavebot/bot/telegram/telegramtest"
)

// BenchmarkUpdates measures the bot's own capacity end to end: updates
// injected into the fake Bot API, fetched by long polling, handled with
// the durable bbolt store, and answered through the outbox with
// Telegram's rate limits lifted. It reports updates per second and the
// latency from an update's injection to the acceptance of its reply:
// "burst" injects everything at once (throughput; latency is then mostly
// queueing), "paced" offers 500 updates a second (latency at a load well
// over Telegram's own send limit).
func BenchmarkUpdates(b *testing.B) {
	b.Run("burst", func(b *testing.B) { benchUpdates(b, 0) })
	b.Run("paced", func(b *testing.B) { benchUpdates(b, 2*time.Millisecond) })
}

func benchUpdates(b *testing.B, every time.Duration) {
	const users = 200
	var mu sync.Mutex
	injected := map[int64][]time.Time{}
	replied := map[int64][]time.Time{}
	srv := telegramtest.NewServer(b, token, telegramtest.WithBotUsername("clave_test_bot"),
		telegramtest.WithOnSend(func(chatID int64, _ string) {
			now := time.Now()
			mu.Lock()
			replied[chatID] = append(replied[chatID], now)
			mu.Unlock()
		}))
	h := start(b, setup{srv: srv, outbox: []telegram.OutboxOption{telegram.Unlimited()}})
	people := make([]telegramtest.User, users)
	for i := range people {
		people[i] = telegramtest.User{ID: int64(10000 + i), FirstName: "U", LanguageCode: "en"}
		// A first message creates each user, so the benchmark measures
		// returning users.
		srv.SendText(people[i].ID, people[i], "/menu")
	}
	for _, p := range people {
		srv.WaitSent(b, p.ID, 1, time.Minute)
	}
	mu.Lock()
	clear(replied)
	mu.Unlock()

	b.ResetTimer()
	begin := time.Now()
	tick := time.Now()
	for i := range b.N {
		if every > 0 {
			tick = tick.Add(every)
			time.Sleep(time.Until(tick))
		}
		p := people[i%users]
		mu.Lock()
		injected[p.ID] = append(injected[p.ID], time.Now())
		mu.Unlock()
		srv.SendText(p.ID, p, "/menu")
	}
	srv.WaitUntil(b, 5*time.Minute, "every reply", func() bool {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, r := range replied {
			n += len(r)
		}
		return n >= b.N
	})
	elapsed := time.Since(begin)
	b.StopTimer()

	var lat []time.Duration
	mu.Lock()
	for id, in := range injected {
		for i, t := range in {
			if i < len(replied[id]) {
				lat = append(lat, replied[id][i].Sub(t))
			}
		}
	}
	mu.Unlock()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1e3, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1e3, "p99-ms")
	}
	h.stop(b)
}
