#!/usr/bin/env bash
# Maps the compute hosts that registered since the last run into cell1: the real
# `nova-manage cell_v2 discover_hosts`, as nova (what openstack-helm's nova-cell-setup Job runs).
# A snapshot: a host whose nova-compute registers later needs another run. The peer has no
# periodic discovery (discover_hosts_in_cells_interval = -1). Idempotent.
set -euo pipefail
[ -e /etc/nova/nova.conf ] || { echo "OpenStack peer not set up (run scripts/peers/up.sh)" >&2; exit 1; }
su -s /bin/sh -c "nova-manage cell_v2 discover_hosts --verbose" nova
