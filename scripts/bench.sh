#!/usr/bin/env bash
# npm run bench [-- --quick] [--out DIR]: every benchmark in one run beside the broker's own tools
# (tools/bench/src/bench-all.ts); prints one table and writes results.json, results.md and
# latency.svg under bench-results/<time>/. ~10 minutes on 2 cores (--quick: ~2).
# Starts the local stack unless KAFKA_BROKERS / MONGODB_URI are set.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"
ready_to_run
exec node dist/tools/bench/src/bench-all.js "$@"
