#!/usr/bin/env bash
# Builds (once per version) the real `helm` v3 from the Go module proxy into
# ${BSO_CACHE:-$HOME/.cache/backstage-openstack}/helm/<version>/bin/helm, with the ldflags of
# helm's own Makefile (its version, and the Kubernetes version of its client-go as the default
# .Capabilities.KubeVersion). The integration tests render the vendored openstack-helm charts
# (third_party/openstack-helm) with it. Skips the build when the cached binary reports the
# wanted version; prints the cold build time.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/../lib.sh"
HELM_VERSION="$BSO_HELM_VERSION"
HELM="$BSO_HELM"
OUT="$(dirname "$(dirname "$HELM")")"
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="-mod=mod" GOTOOLCHAIN=local CGO_ENABLED=0

cached() { [ -x "$HELM" ] && [ "$("$HELM" version --template '{{.Version}}' 2>/dev/null)" = "$HELM_VERSION" ]; }
if cached; then
  echo "helm: cached $HELM_VERSION in $HELM"
  exit 0
fi
mkdir -p "$OUT/bin"
# one build at a time (prepare.sh may be building it while up.sh asks for it)
exec 9>"$OUT/.build.lock"
flock 9
if cached; then
  echo "helm: cached $HELM_VERSION in $HELM (built by a concurrent run)"
  exit 0
fi
t0=$SECONDS
MOD="helm.sh/helm/v3@$HELM_VERSION"
gomod="$(go mod download -json "$MOD" | awk -F'"' '$2 == "GoMod" {print $4}')"
# k8s.io/client-go v0.35.1 -> Kubernetes 1.35, as helm's Makefile derives it
client_go="$(awk '$1 == "k8s.io/client-go" {print $2; exit}' "$gomod")"
k8s_minor="$(echo "$client_go" | cut -d. -f2)"
[ -n "$k8s_minor" ] || { echo "helm: no k8s.io/client-go version in $gomod" >&2; exit 1; }
GOBIN="$OUT/bin" go install -trimpath -ldflags "-s -w \
  -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
  -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor \
  -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
cached || { echo "helm: $HELM does not report $HELM_VERSION after the build" >&2; exit 1; }
echo "helm: cold build took $((SECONDS - t0))s ($HELM_VERSION, default Kubernetes 1.$k8s_minor) into $HELM"
