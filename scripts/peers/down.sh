#!/usr/bin/env bash
# Stops every peer process started by scripts/peers/up.sh, by pidfile. Keeps caches and data, so
# the next up.sh is a warm start. Idempotent: succeeds when nothing runs.
set -uo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/lib.sh"
# Argo CD first: its controller would otherwise log the API server going away
"$PEERS_DIR/argocd/down.sh"
"$PEERS_DIR/k8s/down.sh" &
k=$!
"$PEERS_DIR/openstack/down.sh"
wait "$k"
rm -f "$BSO_PEERS_STATE/peers.env"
echo "peers: down"
exit 0
