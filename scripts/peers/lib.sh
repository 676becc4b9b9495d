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

# The helpers below use the sourcing script's RUN (pidfiles) and LOG (logs) folders.

# start NAME CMD ARGS...: background process with pidfile and log, unless it runs already.
start() {
  local name=$1
  shift
  pid_alive "$RUN/$name.pid" && return 0
  nohup "$@" >>"$LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# await NAME SECONDS CMD...: until CMD succeeds; fails at once (with the log tail) when NAME exits.
await() {
  local name=$1 secs=$2
  shift 2
  for _ in $(seq $((secs * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    if ! pid_alive "$RUN/$name.pid"; then
      echo "$name exited; last lines of $LOG/$name.log:" >&2
      tail -n 30 "$LOG/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "timeout after ${secs}s waiting for $name" >&2
  tail -n 30 "$LOG/$name.log" >&2
  return 1
}

# keep_ports PORTS_FILE PIDFILE NAME...: the peer's ports, kept while the process of PIDFILE runs
# (its PORTS_FILE is read back); otherwise stops the half-running peer of an earlier failed start
# (every pidfile in RUN) and writes a free port for each NAME. Sources the file either way.
keep_ports() {
  local file=$1 pidfile=$2 name
  shift 2
  if ! { pid_alive "$pidfile" && [ -s "$file" ]; }; then
    stop_pidfiles "$RUN"/*.pid
    : >"$file"
    for name in "$@"; do echo "$name=$(free_port)" >>"$file"; done
  fi
  # shellcheck disable=SC1090
  . "$file"
}
