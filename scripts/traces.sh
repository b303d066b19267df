#!/usr/bin/env bash
# The local trace viewer: Jaeger v1.76 (its all-in-one binary: OTLP receivers on 4317/4318,
# in-memory storage, UI on 16686), built from the Go module proxy as a Go tool of
# tools/jaeger/go.mod (`go get -tool github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0`).
#   bash scripts/traces.sh install   build .local/bin/jaeger if missing (cold: ~1 GB of modules, minutes)
#   bash scripts/traces.sh start     install, start in the background, wait for the UI
#   bash scripts/traces.sh stop
# npm start runs it (HITL_TRACES=0 skips it) and points the services at it (unless OTEL_EXPORTER_OTLP_ENDPOINT
# already names a collector). Jaeger's UI assets are not in its Go module (the release build adds
# them from jaeger-ui, which no registry here serves): port 16686 answers its query API
# (/api/traces, /api/services) and a placeholder page.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"

JAEGER_BIN="$HITL_BIN_DIR/jaeger"
JAEGER_VERSION=v1.76.0
JAEGER_UI_PORT=${HITL_JAEGER_UI_PORT:-16686}
JAEGER_OTLP_HTTP_PORT=4318
PIDFILE="$HITL_RUN_DIR/jaeger.pid"
LOG="$HITL_LOCAL/logs/jaeger.log"

jaeger_ok() { [[ -x "$JAEGER_BIN" && "$(cat "$JAEGER_BIN.version" 2>/dev/null)" == "$JAEGER_VERSION" ]]; }

install() {
  jaeger_ok && return
  command -v go >/dev/null 2>&1 || die "go is needed to build the trace viewer (Jaeger); set HITL_TRACES=0 to start without it"
  local t
  t=$(now_ms)
  log "building Jaeger $JAEGER_VERSION into .local/bin (go; cold: ~1 GB of modules and a few minutes, once)"
  mkdir -p "$HITL_BIN_DIR"
  # The version is the one tools/jaeger/go.mod pins (its go.sum checks every module).
  (cd "$ROOT/tools/jaeger" && GOFLAGS='-mod=mod' go build -buildvcs=false -o "$JAEGER_BIN.tmp" github.com/jaegertracing/jaeger/cmd/jaeger) ||
    die "go build of Jaeger failed; set HITL_TRACES=0 to start without the trace viewer"
  mv -f "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  printf '%s\n' "$JAEGER_VERSION" >"$JAEGER_BIN.version"
  log "Jaeger built in $(elapsed_s "$t") s"
}

start() {
  if [[ -s "$PIDFILE" ]] && kill -0 "$(<"$PIDFILE")" 2>/dev/null; then
    log "jaeger already running (pid $(<"$PIDFILE"))"
    return
  fi
  port_open 127.0.0.1 "$JAEGER_UI_PORT" && die "port $JAEGER_UI_PORT is taken (not our Jaeger); stop it or set HITL_TRACES=0"
  install
  mkdir -p "$HITL_RUN_DIR" "$(dirname "$LOG")"
  setsid nohup "$JAEGER_BIN" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local rc=0
  wait_for_port 127.0.0.1 "$JAEGER_UI_PORT" 60 "$(<"$PIDFILE")" || rc=$?
  (( rc == 0 )) || { tail -n 20 "$LOG" >&2; die "jaeger did not open its UI on $JAEGER_UI_PORT; log: $LOG"; }
  wait_for_port 127.0.0.1 "$JAEGER_OTLP_HTTP_PORT" 30 "$(<"$PIDFILE")" || die "jaeger did not open OTLP/HTTP on $JAEGER_OTLP_HTTP_PORT; log: $LOG"
  log "jaeger up: UI http://127.0.0.1:$JAEGER_UI_PORT/, OTLP/HTTP http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT"
}

stop() {
  [[ -s "$PIDFILE" ]] || return 0
  local pid
  pid="$(<"$PIDFILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    log "jaeger stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) die "usage: bash scripts/traces.sh install|start|stop" ;;
esac
