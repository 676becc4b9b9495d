#!/usr/bin/env bash
# Builds (once per version) Argo CD v2 from the Go module proxy into
# ${BSO_CACHE:-$HOME/.cache/backstage-openstack}/argocd/<version>/bin/argocd, and installs the
# Debian packages the Argo CD peer needs (redis-server; git is already there). Argo CD's go.mod
# has replace directives, so `go install module@version` refuses it: the module source is copied
# out of the module cache and built with `go build ./cmd` there (-mod=mod resolves what its
# vendor-less go.mod needs). The single binary dispatches on its name (argocd-repo-server,
# argocd-application-controller): argocd/up.sh starts it through symlinks. Skips the build when
# the cached binary carries the wanted version's stamp; prints the cold build time.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/../lib.sh"
VERSION="$BSO_ARGOCD_VERSION"
OUT="$(dirname "$(dirname "$BSO_ARGOCD")")"
STAMP="$OUT/bin/.version"
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="-mod=mod" GOTOOLCHAIN=local CGO_ENABLED=0

# ---- Debian packages: redis-server (Argo CD's cache), git (repo server, git daemon)
missing=()
for p in redis-server git; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  t0=$SECONDS
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; }
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$OUT"
  flock /var/lock/bso-apt.lock apt-get -q update >>"$OUT/apt.log" 2>&1 || true
  flock /var/lock/bso-apt.lock apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >>"$OUT/apt.log" 2>&1 ||
    { tail -n 30 "$OUT/apt.log" >&2; exit 1; }
  echo "argocd: apt installed ${missing[*]} in $((SECONDS - t0))s"
fi

cached() { [ -x "$BSO_ARGOCD" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; }
if cached; then
  echo "argocd: cached $VERSION in $BSO_ARGOCD"
  exit 0
fi
mkdir -p "$OUT/bin"
# one build at a time (prepare.sh may be building it while up.sh asks for it)
exec 9>"$OUT/.build.lock"
flock 9
if cached; then
  echo "argocd: cached $VERSION in $BSO_ARGOCD (built by a concurrent run)"
  exit 0
fi
t0=$SECONDS
MOD="github.com/argoproj/argo-cd/v2@$VERSION"
dir="$(go mod download -json "$MOD" | awk -F'"' '$2 == "Dir" {print $4}')"
[ -d "$dir" ] || { echo "argocd: go mod download $MOD gave no source directory" >&2; exit 1; }
src="$OUT/src"
rm -rf "$src"
cp -r "$dir" "$src"
chmod -R u+w "$src"
(cd "$src" && go build -trimpath -ldflags "-s -w \
  -X github.com/argoproj/argo-cd/v2/common.version=${VERSION#v} \
  -X github.com/argoproj/argo-cd/v2/common.gitTag=$VERSION" -o "$BSO_ARGOCD.tmp" ./cmd)
rm -rf "$src" # throw-away copy (≈ 60 MB); the Go caches keep what a rebuild needs
mv "$BSO_ARGOCD.tmp" "$BSO_ARGOCD"
echo "$VERSION" >"$STAMP"
echo "argocd: cold build took $((SECONDS - t0))s ($VERSION) into $BSO_ARGOCD"
