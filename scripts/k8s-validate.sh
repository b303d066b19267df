#!/usr/bin/env bash
# npm run k8s:validate: renders every kustomization root of deploy/k8s and validates each object
# strictly, offline (Kubernetes 1.37 schemas; KEDA and Strimzi CRDs from tools/k8s/crds), printing
# one line per object. npm test runs the same checks and more in tools/deploy/src/k8s.spec.ts.
# Usage: scripts/k8s-validate.sh [--k8s-version 1.37.0]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"
VENV="$HITL_LOCAL/k8s-venv/bin"
[[ -x "$VENV/kubectl" ]] || bash scripts/setup.sh >&2
status=0
for dir in deploy/k8s/overlays/*/ deploy/k8s/topics/*/; do
  printf '== %s\n' "${dir%/}"
  "$VENV/kubectl" kustomize "$dir" | "$VENV/python" tools/k8s/validate_k8s.py --crd tools/k8s/crds "$@" - || status=1
done
exit "$status"
