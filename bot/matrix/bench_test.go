//go:build goolm

package matrix_test

import (
	"slices"
	"testing"
	"time"

	"github.com/clavebot/clavebot/bot/matrix/dendritetest"
)

// BenchmarkRoundTrip measures what a user waits for: from the human's
// message leaving its client to the bot's answer arriving there (and
// being decrypted, in "encrypted"), one message at a time, against a local
// Dendrite, with the real service on bbolt. It reports the p50 and p99
// latency over 200 messages per iteration.
func BenchmarkRoundTrip(b *testing.B) {
	needServer(b)
	b.Run("plain", func(b *testing.B) { benchRoundTrip(b, false) })
	b.Run("encrypted", func(b *testing.B) { benchRoundTrip(b, true) })
}

func benchRoundTrip(b *testing.B, encrypted bool) {
	const messages = 200
	srv := dendritetest.Start(b)
	acct := newAccount(b, srv)
	acct.start(b)
	ana := newHuman(b, srv, "ana", acct.userID, encrypted)
	room := ana.dm(b, encrypted)
	// The first answer creates the user and, encrypted, the sessions; the
	// benchmark measures a returning user. /menu is answered with one
	// message.
	if n := len(ana.answerTo(b, room, "/menu")); n != 1 {
		b.Fatalf("/menu is answered with %d messages, the benchmark counts on 1", n)
	}

	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		for range messages {
			n := ana.count()
			t0 := time.Now()
			ana.say(b, room, "/menu")
			ana.waitFor(b, n+1)
			lat = append(lat, time.Since(t0))
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}
