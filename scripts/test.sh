#!/usr/bin/env bash
# The README's test command (npm test): everything a change must pass, against the real stack.
#   1. setup      install whatever is missing (Node 22, npm deps, Kafka jars, FerretDB, chromium)
#   2. static     build, typecheck, lint (Nx module boundaries), AsyncAPI/JSON Schema freshness
#   3. unit       pure rules, no infrastructure
#   4. stack      start Kafka + FerretDB unless running or KAFKA_BROKERS / MONGODB_URI are set
#   5. infra      integration and end-to-end tests through the real broker and database
#   6. newcomer   the README's commands with the machine's own node first on PATH (npm start,
#                 demo -- --guide, topics, tail, report:weekly, backtest:record, npm stop)
#   7. crash      if this script started the stack: kill -9 it, restart, check nothing was lost
#   8. stack      stopped again if this script started it
# Usage: scripts/test.sh [--unit-only] [extra jest args for the infra tests...]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"

UNIT_ONLY=0
if [[ "${1:-}" == "--unit-only" ]]; then UNIT_ONLY=1; shift; fi
T0=$(now_ms)
REPORTS="$ROOT/tmp/test-reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

step() { log "── $* ──"; }

step "setup"
bash "$ROOT/scripts/setup.sh"
hitl_use_node || die "Node 22 is not available after setup"

step "build, typecheck, lint, contract documents"
npm run --silent build
npm run --silent typecheck
npm run --silent lint
npm run --silent contracts:check

step "unit tests"
npx jest --selectProjects unit --json --outputFile="$REPORTS/unit.json"

STARTED_STACK=0
stop_stack() {
  if (( STARTED_STACK )); then
    step "stopping the stack this run started"
    bash "$ROOT/scripts/stack.sh" stop || true
  fi
}
CONTAINERS=0
case "${HITL_TESTCONTAINERS:-0}" in
  1|true) CONTAINERS=1 ;;
  auto) docker info >/dev/null 2>&1 && CONTAINERS=1 ;;
esac
if (( ! UNIT_ONLY && CONTAINERS )); then
  step "integration and end-to-end tests (Kafka and MongoDB in testcontainers)"
  HITL_TESTCONTAINERS=1 npx jest --selectProjects integration e2e --runInBand --json --outputFile="$REPORTS/infra.json" "$@"
elif (( ! UNIT_ONLY )); then
  if [[ -z "${KAFKA_BROKERS:-}" || -z "${MONGODB_URI:-}" ]]; then
    if ! bash "$ROOT/scripts/stack.sh" status >/dev/null 2>&1; then STARTED_STACK=1; fi
  fi
  trap stop_stack EXIT
  step "stack"
  set -a
  eval "$(bash "$ROOT/scripts/stack.sh" start)"
  set +a
  log "KAFKA_BROKERS=$KAFKA_BROKERS MONGODB_URI=$MONGODB_URI"

  step "integration and end-to-end tests (real Kafka, real FerretDB)"
  # In band: two cores and one broker; each file uses fresh topics, groups and databases.
  npx jest --selectProjects integration e2e --runInBand --json --outputFile="$REPORTS/infra.json" "$@"

  if (( $# == 0 )); then
    # The messaging lib runs on either Kafka client (KAFKA_CLIENT). The tests of the data path
    # run again on the one that is not the default: the lib itself, the two transactional hops,
    # the services end to end and the short chaos run.
    other=kafkajs
    [[ "${KAFKA_CLIENT:-platformatic}" == kafkajs ]] && other=platformatic
    step "the data path again on the other Kafka client (KAFKA_CLIENT=$other)"
    KAFKA_CLIENT=$other npx jest --selectProjects integration e2e --runInBand --json --outputFile="$REPORTS/other-client.json" \
      --testPathPatterns 'libs/messaging/src/|apps/scoring/src/|apps/routing/src/routing/|e2e/services|e2e/chaos'
  fi

  if (( $# == 0 )); then
    step "the README's commands as a newcomer runs them (the machine's node first on PATH)"
    bash "$ROOT/scripts/newcomer.sh"
  fi

  if (( STARTED_STACK )); then
    step "kill -9 the stack and start it again: data must survive"
    bash "$ROOT/scripts/check-persistence.sh"
  fi
fi

# One closing line over every tier, in the plain form CI reads.
# shellcheck disable=SC2016 # ${...} in the quoted JavaScript is not for bash
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$REPORTS"
log "all green in $(elapsed_s "$T0") s"
