#!/usr/bin/env bash
# npm run fuzz [-- --events N]: every consumer of the platform fed N adversarial records per topic
# (default 10,000; npm test runs the same test with 1,000) among valid predictions sent twice each,
# against the real stack (started here unless running or KAFKA_BROKERS / MONGODB_URI are set).
# Prints the figures and writes them to tmp/fuzz/fuzz-N.json. Exits non-zero if any check fails.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"
EVENTS=10000
while (( $# )); do
  case "$1" in
    --events) EVENTS="${2:?--events needs a number}"; shift 2 ;;
    *) die "unknown argument: $1 (usage: npm run fuzz -- [--events N])" ;;
  esac
done
[[ "$EVENTS" =~ ^[1-9][0-9]*$ ]] || die "--events must be a positive whole number, got $EVENTS"
ready_to_run
FUZZ_EVENTS="$EVENTS" npx jest --selectProjects e2e --testPathPatterns e2e/fuzz.e2e-spec.ts --runInBand
cat "$ROOT/tmp/fuzz/fuzz-$EVENTS.json"
