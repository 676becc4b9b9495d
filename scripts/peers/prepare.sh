#!/usr/bin/env bash
# Gets the peers' software ready without starting anything: builds (or finds cached) the
# Kubernetes binaries and installs the OpenStack Debian packages, in parallel. scripts/check.sh
# runs it in the background from its first second, so the cold build overlaps the JavaScript
# install and the static checks; up.sh calls the same two steps and waits for a running one.
# Prints how long each took. Logs: $BSO_PEERS_STATE/prepare-{k8s,openstack}.log.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/lib.sh"
mkdir -p "$BSO_PEERS_STATE"
chmod 700 "$BSO_PEERS_STATE"
t0=$SECONDS
"$PEERS_DIR/k8s/build.sh" >"$BSO_PEERS_STATE/prepare-k8s.log" 2>&1 &
k8s=$!
"$PEERS_DIR/openstack/packages.sh" >"$BSO_PEERS_STATE/prepare-openstack.log" 2>&1 &
os=$!
rc=0
wait "$os" || rc=$?
echo "prepare: openstack packages $([ $rc = 0 ] && echo ready || echo FAILED) after $((SECONDS - t0))s: $(tail -n 1 "$BSO_PEERS_STATE/prepare-openstack.log")"
rc2=0
wait "$k8s" || rc2=$?
echo "prepare: kubernetes binaries $([ $rc2 = 0 ] && echo ready || echo FAILED) after $((SECONDS - t0))s: $(tail -n 1 "$BSO_PEERS_STATE/prepare-k8s.log")"
[ "$rc" = 0 ] && [ "$rc2" = 0 ]
