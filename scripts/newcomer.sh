#!/usr/bin/env bash
# The README's commands as a newcomer runs them: the machine's own node first on PATH (whatever
# version it is), `npm start`, the guide's examples, then the other everyday commands, and
# `npm stop`. Run by scripts/test.sh after the infrastructure tests; exits non-zero if one fails.
# Uses the running stack (KAFKA_BROKERS / MONGODB_URI) and leaves it running (HITL_KEEP_STACK).
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
OUT="$ROOT/tmp/newcomer"
rm -rf "$OUT" && mkdir -p "$OUT"
# What a user's shell has: the machine's directories first, so `node` is the machine's.
export PATH="/usr/local/bin:/usr/bin:/bin:$PATH"
say() { printf '[%s newcomer] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
say "node first on PATH: $(command -v node || echo none) $(node -v 2>/dev/null || true)"

cleanup() { HITL_KEEP_STACK=1 npm stop >"$OUT/stop.log" 2>&1 || say "npm stop failed (see $OUT/stop.log)"; }
trap cleanup EXIT
HITL_TRACES=0 npm start >"$OUT/start.log" 2>&1 || { tail -n 30 "$OUT/start.log" >&2; fail "npm start"; }
say "npm start: $(grep -c 'http://' "$OUT/start.log") addresses printed"

npm run --silent demo -- --guide >"$OUT/demo.log" 2>&1 || { tail -n 30 "$OUT/demo.log" >&2; fail "npm run demo -- --guide"; }
grep -q 'guide examples: \([0-9]*\) of \1 land' "$OUT/demo.log" || { tail -n 30 "$OUT/demo.log" >&2; fail "demo --guide: not every example landed"; }
say "$(grep 'guide examples:' "$OUT/demo.log")"

npm run --silent topics >"$OUT/topics.log" 2>&1 || { cat "$OUT/topics.log" >&2; fail "npm run topics"; }
say "topics: $(tail -n 1 "$OUT/topics.log")"

# tail follows for ever: it must print the decisions the demo made, then it is stopped.
timeout 20 npm run --silent tail -- decision.finalized --from-beginning >"$OUT/tail.log" 2>&1 || [[ $? == 124 ]] || { cat "$OUT/tail.log" >&2; fail "npm run tail"; }
lines=$(grep -c 'decision.finalized' "$OUT/tail.log" || true)
(( lines > 0 )) || { cat "$OUT/tail.log" >&2; fail "npm run tail printed no decision.finalized"; }
say "tail: $lines decision.finalized lines"

npm run --silent report:weekly >"$OUT/report.log" 2>&1 || { cat "$OUT/report.log" >&2; fail "npm run report:weekly"; }
say "report:weekly: $(wc -l <"$OUT/report.log") lines"

npm run --silent backtest:record -- --out "$OUT/cases.jsonl" >"$OUT/backtest-record.log" 2>&1 || { cat "$OUT/backtest-record.log" >&2; fail "npm run backtest:record"; }
say "backtest:record: $(wc -l <"$OUT/cases.jsonl") cases recorded"
