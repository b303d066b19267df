#!/usr/bin/env bash
# kill -9 the local stack, start it again: what was written before must still be there.
# Run by scripts/test.sh when it started the local stack itself (never against a stack it does
# not own, nor an external broker or database). Needs `npm run build` first.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"
# Only ever the local stack: addresses exported by the caller would make stack.sh treat it as external.
unset KAFKA_BROKERS MONGODB_URI
id="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
node dist/tools/cli/src/persistence-check.js write "$id"
bash scripts/stack.sh kill
T0=$(now_ms)
set -a
eval "$(bash scripts/stack.sh start)"
set +a
log "stack back after kill -9 in $(elapsed_s "$T0") s"
node dist/tools/cli/src/persistence-check.js verify "$id"
