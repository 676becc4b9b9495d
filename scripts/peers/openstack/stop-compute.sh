#!/usr/bin/env bash
# Stops the fake compute node HOST as if it were powered off: its nova-compute and its OVN chassis
# processes (by pidfile), nothing deleted: Nova reports the service down after service_down_time
# (60 s), Neutron its agents dead. add-compute.sh starts it again; remove-compute.sh removes it.
# Idempotent.
set -euo pipefail
H="${1:?usage: stop-compute.sh HOST}"
case "$H" in *[!A-Za-z0-9.-]*) echo "invalid host name: $H" >&2; exit 2 ;; esac
# shellcheck source=scripts/peers/openstack/common.sh
. "$(dirname "$0")/common.sh"
stop_pidfiles "$OS_RUN/nova-compute-$H.pid"
chassis_stop "$H"
echo "stopped nova-compute and the OVN chassis of $H"
