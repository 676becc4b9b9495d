#!/usr/bin/env bash
# Prints the memory of the running peers: every process named by a pidfile of scripts/peers/up.sh
# ($BSO_PEERS_STATE/{k8s,openstack,argocd}/run/*.pid) and all its descendants (uWSGI and API
# workers, Erlang's children, Argo CD's helm) and, for a process that leads a session of its own
# (the OpenStack services start with setsid), every process of that session (the privsep helpers
# that daemonize away from their parent), each process once. Per peer and in all, as PSS
# (proportional set size: a page shared by N processes counts 1/N, so forked workers are not
# counted twice; the figure the 6 GiB budget is judged by) and as the plain sum of RSS (which
# counts shared pages once per process, so it is higher). Reads /proc only; changes nothing.
# Last line: "peers: memory <PSS> MiB PSS (RSS sum <RSS> MiB) of the <budget> MiB budget".
set -uo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/lib.sh"
BUDGET_MIB="${BSO_PEERS_MEMORY_BUDGET_MIB:-6144}"

# pid → parent pid and session of every process, to find the descendants
declare -A PARENT SESSION PGRP
for stat in /proc/[0-9]*/stat; do
  read -r line <"$stat" 2>/dev/null || continue
  pid="${stat#/proc/}"
  pid="${pid%/stat}"
  rest="${line##*) }" # the fields after the command name (which may hold spaces)
  # shellcheck disable=SC2086
  set -- $rest
  PARENT[$pid]="$2"
  PGRP[$pid]="$3"
  SESSION[$pid]="$4"
done
descendants() { # PID: the process, every process below it, and its own session's
  local p out="$1" grew=1 c sid="${SESSION[$1]:-}"
  declare -A seen=([$1]=1)
  if [ -n "$sid" ] && [ "$sid" != 0 ] && [ "$sid" = "${PGRP[$1]:-}" ]; then
    for c in "${!SESSION[@]}"; do
      if [ "${SESSION[$c]}" = "$sid" ] && [ -z "${seen[$c]:-}" ]; then
        seen[$c]=1
        out="$out $c"
      fi
    done
  fi
  while [ "$grew" = 1 ]; do
    grew=0
    for c in "${!PARENT[@]}"; do
      p="${PARENT[$c]}"
      if [ -n "${seen[$p]:-}" ] && [ -z "${seen[$c]:-}" ]; then
        seen[$c]=1
        out="$out $c"
        grew=1
      fi
    done
  done
  echo "$out"
}

declare -A COUNTED
total_pss=0
total_rss=0
total_n=0
for dir in k8s openstack argocd; do
  run="$BSO_PEERS_STATE/$dir/run"
  [ -d "$run" ] || continue
  peer=$dir
  [ "$dir" = k8s ] && peer=kubernetes
  pss=0
  rss=0
  n=0
  for f in "$run"/*.pid; do
    [ -s "$f" ] || continue
    root="$(cat "$f" 2>/dev/null)"
    [ -n "$root" ] && [ -d "/proc/$root" ] || continue
    for p in $(descendants "$root"); do
      [ -z "${COUNTED[$p]:-}" ] || continue
      COUNTED[$p]=1
      read -r kp kr < <(awk '/^Pss:/ {p=$2} /^Rss:/ {r=$2} END {print p+0, r+0}' "/proc/$p/smaps_rollup" 2>/dev/null || echo "0 0")
      pss=$((pss + kp))
      rss=$((rss + kr))
      n=$((n + 1))
    done
  done
  echo "peers: memory $peer $((pss / 1024)) MiB PSS (RSS sum $((rss / 1024)) MiB, $n processes)"
  total_pss=$((total_pss + pss))
  total_rss=$((total_rss + rss))
  total_n=$((total_n + n))
done
[ "$total_n" -gt 0 ] || { echo "peers: memory: no peer process runs"; exit 1; }
echo "peers: memory $((total_pss / 1024)) MiB PSS (RSS sum $((total_rss / 1024)) MiB, $total_n processes) of the $BUDGET_MIB MiB budget"
