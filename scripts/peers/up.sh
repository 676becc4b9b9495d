#!/usr/bin/env bash
# Starts the real peers of the integration tests on 127.0.0.1, in parallel:
#   kubernetes  etcd + kube-apiserver + controller-manager + scheduler + kwok  (scripts/peers/k8s)
#   openstack   Keystone, Placement, Nova, Neutron, Cinder, Glance (Debian Zed) (scripts/peers/openstack)
#   argocd      redis, git daemon, a Helm repository of the vendored charts, Argo CD's repo server
#               and application controller against the Kubernetes peer (scripts/peers/argocd)
# Prints each peer's start time, the whole set's, and its memory (memory.sh); when a peer fails,
# exits non-zero with that peer's log tail.
# Alongside, makes sure the real helm the integration tests render charts with is built (helm/build.sh).
# Writes $BSO_PEERS_STATE/peers.env (see scripts/peers/README.md). Idempotent; warm start < 3 min.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/lib.sh"
mkdir -p "$BSO_PEERS_STATE"
chmod 700 "$BSO_PEERS_STATE"
[ "$(id -u)" = 0 ] || { echo "peers: must run as root (Debian packages, service users)" >&2; exit 1; }
ENV_FILE="$BSO_PEERS_STATE/peers.env"
rm -f "$ENV_FILE"

helm_t0=$SECONDS
"$PEERS_DIR/helm/build.sh" >"$BSO_PEERS_STATE/helm-build.log" 2>&1 &
helm_pid=$!

declare -A PID T0
for peer in kubernetes openstack argocd; do
  case $peer in
    kubernetes) script="$PEERS_DIR/k8s/up.sh" ;;
    openstack) script="$PEERS_DIR/openstack/up.sh" ;;
    argocd) script="$PEERS_DIR/argocd/up.sh" ;;
  esac
  T0[$peer]=$SECONDS
  "$script" >"$BSO_PEERS_STATE/$peer-up.log" 2>&1 &
  PID[$peer]=$!
  echo "peers: $peer starting (log: $BSO_PEERS_STATE/$peer-up.log)"
done

failed=0
# wait for whichever finishes first, report it, until all are done
remaining=(kubernetes openstack argocd)
while [ ${#remaining[@]} -gt 0 ]; do
  next=()
  for peer in "${remaining[@]}"; do
    if kill -0 "${PID[$peer]}" 2>/dev/null; then next+=("$peer"); continue; fi
    rc=0
    wait "${PID[$peer]}" || rc=$?
    if [ "$rc" = 0 ]; then
      echo "peers: $peer up in $((SECONDS - T0[$peer]))s"
      # the binaries' build time (cold) or cache hit, and the versions
      grep -E '^(k8s binaries|kubernetes v|argocd)' "$BSO_PEERS_STATE/$peer-up.log" | sed "s/^/  $peer| /" || true
    else
      failed=1
      echo "peers: $peer FAILED (exit $rc) after $((SECONDS - T0[$peer]))s; last lines of its log:" >&2
      tail -n 40 "$BSO_PEERS_STATE/$peer-up.log" | sed "s/^/  $peer| /" >&2
    fi
  done
  remaining=("${next[@]+"${next[@]}"}")
  [ ${#remaining[@]} -gt 0 ] && sleep 1
done
rc=0
wait "$helm_pid" || rc=$?
if [ "$rc" = 0 ]; then
  echo "peers: helm ready after $((SECONDS - helm_t0))s: $(tail -n 1 "$BSO_PEERS_STATE/helm-build.log")"
else
  failed=1
  echo "peers: helm build FAILED (exit $rc); last lines of its log:" >&2
  tail -n 40 "$BSO_PEERS_STATE/helm-build.log" | sed "s/^/  helm| /" >&2
fi
[ "$failed" = 0 ] || exit 1

{
  echo "# written by scripts/peers/up.sh at $(date -u +%FT%TZ); see scripts/peers/README.md"
  cat "$BSO_PEERS_STATE/k8s/k8s.env" "$BSO_PEERS_STATE/openstack/openstack.env" "$BSO_PEERS_STATE/argocd/argocd.env"
  echo "BSO_HELM=$BSO_HELM"
} >"$ENV_FILE.tmp"
chmod 600 "$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
echo "peers: up in ${SECONDS}s; environment in $ENV_FILE"
# what the whole peer set costs in memory right after the start (scripts/peers/memory.sh; the
# test command measures it again after the integration tests, the peers at their fullest)
"$PEERS_DIR/memory.sh" || true
