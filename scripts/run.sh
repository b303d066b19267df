#!/usr/bin/env bash
# run.sh COMMAND [ARGS...]: runs the command with the project's Node 22 (installed by
# scripts/setup.sh under .local/) first on PATH, whatever the user's PATH holds. Every
# package.json script that runs Node goes through it, so `node dist/…`, jest, tsc and eslint run
# on Node 22 even where the machine's own node is older and first on PATH.
# shellcheck source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
node_ok || die "Node 22 is not installed here yet: run \`npm start\` or \`bash scripts/setup.sh\` first (the machine's node is $(node -v 2>/dev/null || echo missing))"
exec "$@"
