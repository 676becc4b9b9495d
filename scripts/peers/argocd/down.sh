#!/usr/bin/env bash
# Stops the Argo CD peer by pidfile: the controller first, then the repo server, then redis, the
# Git server and the Helm repository. Its Git repositories and Helm repository stay. Idempotent.
set -uo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/../lib.sh"
RUN="$BSO_PEERS_STATE/argocd/run"
stop_pidfiles "$RUN/application-controller.pid"
stop_pidfiles "$RUN/repo-server.pid"
stop_pidfiles "$RUN/redis.pid" "$RUN/git-daemon.pid" "$RUN/helm-repo.pid"
rm -f "$BSO_PEERS_STATE/argocd/argocd.env"
echo "argocd peer stopped"
