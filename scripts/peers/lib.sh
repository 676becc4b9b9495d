#!/usr/bin/env bash
# Shared by the peer scripts (source it). Paths, pidfile helpers, waiting, free ports.
# Everything binds 127.0.0.1; nothing here talks to any other address.

BSO_CACHE="${BSO_CACHE:-$HOME/.cache/backstage-openstack}"
BSO_PEERS_STATE="${BSO_PEERS_STATE:-$BSO_CACHE/peers}"
PEERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BSO_REPO="$(cd "$PEERS_DIR/../.." && pwd)"
# the real helm the integration tests render charts with (built by helm/build.sh)
BSO_HELM_VERSION="${BSO_HELM_VERSION:-v3.22.0}"
BSO_HELM="$BSO_CACHE/helm/$BSO_HELM_VERSION/bin/helm"
# Argo CD's single binary (built by argocd/build.sh); its components are symlinks to it
BSO_ARGOCD_VERSION="${BSO_ARGOCD_VERSION:-v2.14.21}"
BSO_ARGOCD="$BSO_CACHE/argocd/$BSO_ARGOCD_VERSION/bin/argocd"
SYS_PY=/usr/bin/python3 # Debian's python, not a pyenv python3 that may come first on PATH
export BSO_CACHE BSO_PEERS_STATE

# pid_alive PIDFILE: the process named in PIDFILE runs.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pidfiles PIDFILE...: SIGTERM all at once, wait up to 30 s, SIGKILL what is left; removes the files.
stop_pidfiles() {
  local f p pids=() left
  for f in "$@"; do
    [ -f "$f" ] || continue
    p="$(cat "$f" 2>/dev/null || true)"
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      pids+=("$p")
    fi
    rm -f "$f"
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  for _ in $(seq 60); do
    left=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && return 0
    sleep 0.5
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
  "$SYS_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for SECONDS DESCRIPTION CMD...: retries CMD every 0.5 s.
wait_for() {
  local secs=$1 what=$2
  shift 2
  for _ in $(seq $((secs * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "timeout after ${secs}s waiting for $what" >&2
  return 1
}
