#!/usr/bin/env bash
# Stops the Kubernetes peer by pidfile: kwok and the controllers first, then the API server, then
# etcd (its data stays for the next, warm, start). Idempotent.
set -uo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/../lib.sh"
RUN="$BSO_PEERS_STATE/k8s/run"
stop_pidfiles "$RUN/kwok.pid" "$RUN/kube-scheduler.pid" "$RUN/kube-controller-manager.pid"
stop_pidfiles "$RUN/kube-apiserver.pid"
stop_pidfiles "$RUN/etcd.pid"
echo "kubernetes peer stopped"
