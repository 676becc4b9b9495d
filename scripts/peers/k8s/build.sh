#!/usr/bin/env bash
# Builds (once per version) the Kubernetes control-plane binaries, etcd and kwok from the Go
# module proxy into ${BSO_CACHE:-$HOME/.cache/backstage-openstack}/k8s/<version>/.
# A throw-away module in the cache requires k8s.io/kubernetes and pins every k8s.io/* staging
# module to the matching v0.x.y (the kubernetes go.mod points them at ./staging, which only
# works inside its own tree). Prints the cold build time; a warm call returns at once.
set -euo pipefail
K8S_VERSION="${BSO_K8S_VERSION:-v1.37.2}"
ETCD_VERSION="${BSO_ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${BSO_KWOK_VERSION:-v0.8.0}"
CACHE="${BSO_CACHE:-$HOME/.cache/backstage-openstack}"
OUT="$CACHE/k8s/$K8S_VERSION"
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="-mod=mod" GOTOOLCHAIN=local CGO_ENABLED=0

need() { for b in "$@"; do [ -x "$OUT/bin/$b" ] || return 1; done; }
if need kube-apiserver kube-controller-manager kube-scheduler etcd kwok && [ -s "$OUT/kwok-stages.yaml" ]; then
  echo "k8s binaries: cached in $OUT/bin"
  exit 0
fi
mkdir -p "$OUT/bin" "$OUT/src"
# one build at a time (check.sh starts it early through prepare.sh; up.sh then waits for it here)
exec 9>"$OUT/.build.lock"
flock 9
if need kube-apiserver kube-controller-manager kube-scheduler etcd kwok && [ -s "$OUT/kwok-stages.yaml" ]; then
  echo "k8s binaries: cached in $OUT/bin (built by a concurrent run)"
  exit 0
fi
t0=$SECONDS

# staging version: v1.37.2 -> v0.37.2
STAGING="v0.${K8S_VERSION#v1.}"

build_k8s() {
  local mod="$OUT/src/k8s"
  mkdir -p "$mod"
  cd "$mod"
  if [ ! -f go.mod ]; then
    go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >/dev/null
    local upstream
    upstream="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.mod"
    {
      echo "module bso.local/k8sbuild"
      echo
      echo "go $(awk '/^go /{print $2; exit}' "$upstream")"
      echo
      echo "require k8s.io/kubernetes $K8S_VERSION"
      echo
      # every staging module named in the upstream replace block
      grep -oE '^\s*k8s\.io/[A-Za-z0-9._/-]+ => \./staging/' "$upstream" |
        awk -v v="$STAGING" '{print "replace " $1 " => " $1 " " v}'
    } >go.mod.tmp
    mv go.mod.tmp go.mod
    cat >tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
    go mod tidy -e >/dev/null 2>&1 || true
  fi
  # Test peers, not a production control plane: compiled without optimizations and inlining
  # (-N -l), which cuts the compiler's CPU time by about 30 % on these 2 cores; the apiserver is
  # still far faster than anything the tests ask of it. etcd keeps the default optimizations.
  go build -tags tools -trimpath -gcflags=all='-N -l' -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)" \
    -o "$OUT/bin/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
}

build_tool() { # name module@version package [gcflags]
  local name=$1 modver=$2 pkg=$3 gcflags=${4:-} dir="$OUT/src/$1"
  mkdir -p "$dir"
  cd "$dir"
  if [ ! -f go.mod ]; then
    printf 'module bso.local/%sbuild\n\ngo 1.24\n' "$name" >go.mod
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >tools.go
    go get "$modver" >/dev/null 2>&1 || go get "$modver"
    go mod tidy -e >/dev/null 2>&1 || true
  fi
  go build -tags tools -trimpath ${gcflags:+-gcflags="all=$gcflags"} -ldflags "-s -w" -o "$OUT/bin/$name" "$pkg"
}

need kube-apiserver kube-controller-manager kube-scheduler || build_k8s
need etcd || build_tool etcd "go.etcd.io/etcd/server/v3@$ETCD_VERSION" go.etcd.io/etcd/server/v3
need kwok || build_tool kwok "sigs.k8s.io/kwok@$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok '-N -l'
# kwok's own stage files (from the module just built): nodes initialize + heartbeat by lease;
# pods become Running+Ready, Job pods Succeeded, deleted pods go away.
if [ ! -s "$OUT/kwok-stages.yaml" ]; then
  kdir="$(cd "$OUT/src/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"
    cat "$kdir/kustomize/stage/$f"
  done >"$OUT/kwok-stages.yaml.tmp"
  mv "$OUT/kwok-stages.yaml.tmp" "$OUT/kwok-stages.yaml"
fi
echo "k8s binaries: cold build took $((SECONDS - t0))s ($K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION) into $OUT/bin"
