#!/bin/sh
# crash.sh runs the operator's crash test through the fake Telegram Bot API
# (../shared/tools/tgfake): 20 users ask at the same moment and the bot is
# killed with SIGKILL the moment its next getUpdates confirms those
# updates, five times; after each restart every user must get the answer.
#
#   bench/crash.sh [RUNS]        # default 3 runs of the 5-kill scenario
#   CLAVEBOT_BIN=/path/to/clavebot bench/crash.sh
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
tools=${CLAVEBOT_TOOLS:-../shared/tools}
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work: $work" || trap 'rm -rf "$work"' EXIT

(cd "$tools/tgfake" && go build -o "$work/tgfake" .)
bin=${CLAVEBOT_BIN:-}
if [ -z "$bin" ]; then
	CGO_ENABLED=0 go build -tags goolm -o "$work/clavebot" ./cmd/clavebot
	bin=$work/clavebot
fi
cat > "$work/clavebot.sh" <<SH
#!/bin/sh
export CLAVEBOT_DB="\$PWD/clavebot.db" CLAVEBOT_LOG_LEVEL=info
exec "$bin" run
SH
chmod +x "$work/clavebot.sh"

# Each round: every user asks, the bot dies on the confirmation, and each
# user must then see the answer to that round's question. A reply sent
# just before a kill may come twice (the promise allows one per chat and
# kill); TestQuestionsSurviveSIGKILLAtConfirmation counts those.
python3 - "$work/scenario.json" <<'PY'
import json, sys
users = {f"u{i}": {"id": 81001 + i, "first_name": f"User {i}", "language_code": "en"} for i in range(20)}
rounds = [
    ("what is cl@ve pin", "used within 10 minutes"),
    ("can i use a foreign phone number", "foreign mobile number is allowed"),
    ("what is cl@ve permanente", "username-and-password way"),
    ("do i need a nie to register", "need an NIE before you can register"),
    ("how do i change my phone number", "registered mobile is specially protected"),
]
steps = []
for u in users:
    steps.append({"send": "/start", "as": u})
for u in users:
    steps.append({"expect": "clavebot", "as": u, "within": 15})
for q, want in rounds:
    for u in users:
        steps.append({"send": q, "as": u})
    steps.append({"kill": True, "on_confirm": True})
    for u in users:
        steps.append({"expect": want, "as": u, "within": 20})
json.dump({"users": users, "steps": steps}, open(sys.argv[1], "w"), indent=1)
PY

fail=0
for r in $(seq "$runs"); do
	out=$("$work/tgfake" -scenario "$work/scenario.json" -dir "$(mktemp -d -p "$work")" -log "$work/bot-$r.log" -- "$work/clavebot.sh" 2>&1) || fail=1
	summary=$(echo "$out" | tail -1)
	kills=$(echo "$out" | grep -c 'PASS.*kill on confirm' || true)
	inbox=$(grep -o 'received before a restart" updates=[0-9]*' "$work/bot-$r.log" | sed 's/.*=//' | paste -sd+ - | bc 2>/dev/null || echo 0)
	echo "run $r: $summary; kills on confirm: $kills; updates found in the inbox at restarts: ${inbox:-0}"
	[ "$fail" = 0 ] || { echo "$out" | grep -E 'FAIL' | head -20; }
done
exit $fail
