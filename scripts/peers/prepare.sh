#!/usr/bin/env bash
# Gets the peers' software ready without starting anything, in parallel: builds (or finds
# cached) the Kubernetes binaries, helm and Argo CD (all from the Go module proxy), and installs
# the OpenStack and Argo CD (redis-server) Debian packages. scripts/check.sh runs it in the background from its first second, so
# the cold builds overlap the JavaScript install and the static checks; up.sh calls the same
# steps and waits for a running one. Prints how long each took.
# Logs: $BSO_PEERS_STATE/prepare-{k8s,helm,openstack,argocd}.log.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/lib.sh"
mkdir -p "$BSO_PEERS_STATE"
chmod 700 "$BSO_PEERS_STATE"
t0=$SECONDS
"$PEERS_DIR/k8s/build.sh" >"$BSO_PEERS_STATE/prepare-k8s.log" 2>&1 &
k8s=$!
"$PEERS_DIR/helm/build.sh" >"$BSO_PEERS_STATE/prepare-helm.log" 2>&1 &
helm=$!
"$PEERS_DIR/openstack/packages.sh" >"$BSO_PEERS_STATE/prepare-openstack.log" 2>&1 &
os=$!
"$PEERS_DIR/argocd/build.sh" >"$BSO_PEERS_STATE/prepare-argocd.log" 2>&1 &
argocd=$!
# report each step, in the order they usually end
failed=0
report() { # pid what log
  local rc=0
  wait "$1" || rc=$?
  [ "$rc" = 0 ] || failed=1
  echo "prepare: $2 $([ $rc = 0 ] && echo ready || echo FAILED) after $((SECONDS - t0))s: $(tail -n 1 "$BSO_PEERS_STATE/$3")"
}
report "$helm" helm prepare-helm.log
report "$os" "openstack packages" prepare-openstack.log
report "$k8s" "kubernetes binaries" prepare-k8s.log
report "$argocd" "argocd (binary, redis-server)" prepare-argocd.log
[ "$failed" = 0 ]
