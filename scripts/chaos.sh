#!/usr/bin/env bash
# npm run chaos [-- --seconds 120 --rate 20 --kills 10 --seed N | --short]: demo traffic through
# the five services while each is SIGKILLed at random moments, two replicas of routing and
# escalation run part of the time, and the local broker and FerretDB are each killed and
# restarted once; then checks that nothing was lost or doubled (tools/bench/src/chaos.ts).
# Starts the local stack unless KAFKA_BROKERS / MONGODB_URI are set (then no infrastructure is
# restarted: it is not ours). npm test runs --short (each service killed once).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"
if [[ -z "${KAFKA_BROKERS:-}" && -z "${MONGODB_URI:-}" ]]; then export HITL_CHAOS_LOCAL_STACK=1; fi
ready_to_run
exec node dist/tools/bench/src/chaos.js "$@"
