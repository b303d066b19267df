#!/usr/bin/env bash
# Refreshes the CRDs deploy/k8s is validated against (tools/k8s/crds), from registries only:
#   KEDA ScaledObject   copied from the Go module github.com/kedacore/keda/v2 (go mod download)
#   Strimzi KafkaTopic  generated from Maven Central jars (tools/k8s/strimzi/regenerate.sh; Java 21+)
# Bump KEDA_VERSION (or the Strimzi pins) and run this when the clusters' operators move.
set -euo pipefail
KEDA_VERSION="${KEDA_VERSION:-v2.21.0}"
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
out="$here/crds/keda.sh_scaledobjects.yaml"
zip="$(go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Zip"])')"
{
  printf '# The KEDA ScaledObject CRD, copied unchanged from the Go module github.com/kedacore/keda/v2@%s\n' "$KEDA_VERSION"
  printf '# (config/crd/bases/keda.sh_scaledobjects.yaml; Apache-2.0) by tools/k8s/update-crds.sh. Do not edit.\n'
  unzip -p "$zip" "github.com/kedacore/keda/v2@$KEDA_VERSION/config/crd/bases/keda.sh_scaledobjects.yaml"
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote ${out#"$PWD"/}"
bash "$here/strimzi/regenerate.sh"
