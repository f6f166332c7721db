#!/bin/sh
# peer.sh runs clavebot and the python-telegram-bot peer through the same fake
# Telegram Bot API (../shared/tools/tgfake) in one run, without and with a
# 50 ms delay on every API call, and prints updates/s, latency and the ratios.
#
#   bench/peer.sh [ROUNDS]                  # default 3 rounds, interleaved
#   CLAVEBOT_BIN=/path/to/clavebot bench/peer.sh   # measure another build
#
# Without the delay each run is LOAD_N updates (default 10000: at thousands a
# second a shorter run is mostly ramp-up and tail); with it LOAD_N_DELAY
# (default 2000, which the peer needs 100 s for). Both bots get the same N.
#
# Needs Go, and the peer's interpreter: apt-get install -y python3-python-telegram-bot.
# Every reply must be the real answer (-expect-re), not a "did you mean".
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-3}
tools=${CLAVEBOT_TOOLS:-../shared/tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$tools/tgfake" && go build -o "$work/tgfake" .)
bin=${CLAVEBOT_BIN:-}
if [ -z "$bin" ]; then
	CGO_ENABLED=0 go build -tags goolm -o "$work/clavebot" ./cmd/clavebot
	bin=$work/clavebot
fi
cat > "$work/clavebot.sh" <<SH
#!/bin/sh
export TELEGRAM_RATE_LIMIT=off CLAVEBOT_DB="\$PWD/clavebot.db" CLAVEBOT_LOG_LEVEL=warn
exec "$bin" run
SH
chmod +x "$work/clavebot.sh"
peer=$(cd "$tools/peers/ptb" && pwd)/faqbot.py

# One load run: prints "updates/s p50 p99" (ms), or fails loudly.
load() { # BOT DELAY USERS
	n=${LOAD_N:-10000}
	[ "$2" = 0s ] || n=${LOAD_N_DELAY:-2000}
	out=$("$work/tgfake" -load "$n" -users "$3" -api-delay "$2" -reply-timeout 30s \
		-expect-re 'PIN.*(valid for|within) 10 minutes|10 minutes' -dir "$(mktemp -d -p "$work")" -- "$1" 2>&1) || {
		echo "$out" | grep -v "^tgfake:" | tail -12 >&2
		echo "load run failed: $1 delay $2" >&2
		exit 1
	}
	echo "$out" | sed -n 's/^load: \([0-9.]*\) updates\/s, p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2 \3/p'
}

for delay in 0s 50ms; do
	for r in $(seq "$rounds"); do
		c=$(load "$work/clavebot.sh" "$delay" 50)
		p=$(load "$peer" "$delay" 50)
		echo "$delay round $r clavebot $c peer $p" | awk '{printf "delay %-5s round %s  clavebot %8.1f/s p50 %6.1f ms p99 %6.1f ms   peer %8.1f/s p50 %6.1f ms p99 %6.1f ms   ratio %5.1fx\n", $1, $3, $5, $6, $7, $9, $10, $11, $5/$9}'
	done
done
