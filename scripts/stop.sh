#!/usr/bin/env bash
# npm stop: SIGTERM the services (they drain their consumers), then stop Kafka and FerretDB
# (HITL_KEEP_STACK=1: the services only).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
pids=()
for name in review scoring routing escalation feedback; do
  pidfile="$HITL_RUN_DIR/$name.pid"
  [[ -s "$pidfile" ]] || continue
  pid="$(<"$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" && pids+=("$pid") && log "stopping $name (pid $pid)"; fi
  rm -f "$pidfile"
done
for pid in "${pids[@]}"; do
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { warn "pid $pid still running after 30 s: SIGKILL"; kill -KILL "$pid"; }
done
bash "$ROOT/scripts/traces.sh" stop
[[ "${HITL_KEEP_STACK:-0}" == 1 ]] || bash "$ROOT/scripts/stack.sh" stop
