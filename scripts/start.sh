#!/usr/bin/env bash
# The README's start command (npm start): installs what is missing, starts Kafka and FerretDB
# (unless KAFKA_BROKERS / MONGODB_URI point elsewhere), creates the topics, starts the five
# services in the background and waits until every /health/ready answers. Stop: npm stop.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"
T0=$(now_ms)
export NX_DAEMON=false NX_NO_CLOUD=true

bash "$ROOT/scripts/setup.sh"
hitl_use_node || die "Node 22 is not available after setup"
npm run --silent build

set -a
eval "$(bash "$ROOT/scripts/stack.sh" start)"
set +a
node dist/tools/cli/src/topics.js | tail -n 1

# The trace store, so a newcomer sees a case end to end (HITL_TRACES=0 skips it; the first start
# builds it: ~1 GB of Go modules and a few minutes, once). Without it the platform runs all the
# same; only the /traces page has nothing to draw.
TRACES_LINE=""
if [[ "${HITL_TRACES:-1}" != 0 && -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]]; then
  if bash "$ROOT/scripts/traces.sh" start; then
    export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
    TRACES_LINE="  Traces       http://127.0.0.1:3000/traces/<case id>   (every span of a case, all services; Jaeger's API at http://127.0.0.1:16686/api/traces)"
  else
    warn "the trace store did not start (see above): the platform starts without traces (HITL_TRACES=0 skips this step)"
  fi
fi

# Each service owns its database (DESIGN.md): hitl_<service> on the same server.
service_db_uri() {
  local uri=$MONGODB_URI query="" rest
  if [[ "$uri" == *\?* ]]; then query="?${uri#*\?}"; uri="${uri%%\?*}"; fi
  rest="${uri#*://}"
  printf '%s://%s/hitl_%s%s\n' "${uri%%://*}" "${rest%%/*}" "$1" "$query"
}

# name:port — the review app is the reviewers' door, so it gets the round number.
SERVICES=(review:3000 scoring:3001 routing:3002 escalation:3003 feedback:3004)
LOG_DIR="$HITL_LOCAL/logs"
mkdir -p "$LOG_DIR" "$HITL_RUN_DIR"
for entry in "${SERVICES[@]}"; do
  name=${entry%%:*} port=${entry##*:}
  pidfile="$HITL_RUN_DIR/$name.pid"
  if [[ -s "$pidfile" ]] && kill -0 "$(<"$pidfile")" 2>/dev/null; then
    log "$name already running (pid $(<"$pidfile"))"
    continue
  fi
  MONGODB_URI="$(service_db_uri "$name")" HTTP_PORT="$port" HTTP_HOST=127.0.0.1 \
    setsid nohup node "dist/apps/$name/src/main.js" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
done

for entry in "${SERVICES[@]}"; do
  name=${entry%%:*} port=${entry##*:}
  deadline=$(( $(now_ms) + 60000 ))
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    kill -0 "$(<"$HITL_RUN_DIR/$name.pid")" 2>/dev/null || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "$name exited; log: $LOG_DIR/$name.log"; }
    (( $(now_ms) < deadline )) || die "$name not ready after 60 s; log: $LOG_DIR/$name.log"
    sleep 0.2
  done
done

cat <<TXT

HITL decision platform is up ($(elapsed_s "$T0") s)
  Kafka        $KAFKA_BROKERS
  Database     $(service_db_uri '<service>')
  Reviewer UI  http://127.0.0.1:3000/   (log in as sam, dana, morgan…; password review-demo)
  Review API   http://127.0.0.1:3000/docs
  review       http://127.0.0.1:3000/health/ready
  scoring      http://127.0.0.1:3001/health/ready
  routing      http://127.0.0.1:3002/health/ready
  escalation   http://127.0.0.1:3003/health/ready
  feedback     http://127.0.0.1:3004/health/ready
  logs         $LOG_DIR/<service>.log
${TRACES_LINE:+$TRACES_LINE
}
  The guide's examples: npm run demo -- --guide   (prints the link to each case's trace)
  Publish demo traffic:  npm run demo -- --count 100
  Watch any topic:       npm run tail -- decision.finalized --dlq
  Stop everything:       npm stop
TXT
