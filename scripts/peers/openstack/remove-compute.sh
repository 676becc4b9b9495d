#!/usr/bin/env bash
# Decommissions the fake compute node HOST: stops its processes (by pidfile), removes its OVS
# database and namespace, and deletes its nova-compute service (which removes the compute node and
# its placement resource provider) and its neutron agents through the APIs (deleting the OVN
# Controller agent makes Neutron's OVN driver delete the chassis from the SB). Idempotent.
set -euo pipefail
H="${1:?usage: remove-compute.sh HOST}"
case "$H" in *[!A-Za-z0-9.-]*) echo "invalid host name: $H" >&2; exit 2 ;; esac
# shellcheck source=scripts/peers/openstack/common.sh
. "$(dirname "$0")/common.sh"
load_secrets
stop_pidfiles "$OS_RUN/nova-compute-$H.pid"
chassis_remove "$H"
rm -f "/etc/nova/nova-compute-$H.conf"
T="$(admin_token)"
[ -n "$T" ] || { echo "keystone not reachable; processes stopped, API records left" >&2; exit 1; }
ids() { "$SYS_PY" -c 'import json,sys; [print(x["id"]) for x in json.load(sys.stdin).get(sys.argv[1], [])]' "$1"; }
for id in $(curl -sf -H "X-Auth-Token: $T" -H 'OpenStack-API-Version: compute 2.53' \
  "http://127.0.0.1:8774/v2.1/os-services?host=$H&binary=nova-compute" | ids services); do
  curl -s -o /dev/null -w "deleted nova service of $H: HTTP %{http_code}\n" -X DELETE -H "X-Auth-Token: $T" \
    -H 'OpenStack-API-Version: compute 2.53' "http://127.0.0.1:8774/v2.1/os-services/$id"
done
for id in $(curl -sf -H "X-Auth-Token: $T" "http://127.0.0.1:9696/v2.0/agents?host=$H" | ids agents); do
  curl -s -o /dev/null -w "deleted neutron agent of $H: HTTP %{http_code}\n" -X DELETE -H "X-Auth-Token: $T" \
    "http://127.0.0.1:9696/v2.0/agents/$id"
done
