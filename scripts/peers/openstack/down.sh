#!/usr/bin/env bash
# Stops every OpenStack peer process by its pidfile ($BSO_PEERS_STATE/openstack/run). Keeps data,
# packages and configs (the next up.sh is a warm start). Idempotent: nothing running is fine.
set -uo pipefail
# shellcheck source=scripts/peers/openstack/common.sh
. "$(dirname "$0")/common.sh"
shopt -s nullglob
# agents and computes first, then the services, then the infrastructure they use
stop_pidfiles "$OS_RUN"/ovn-metadata-*.pid "$OS_RUN"/ovn-controller-*.pid "$OS_RUN"/nova-compute-*.pid
stop_pidfiles "$OS_RUN"/ovs-vswitchd-*.pid "$OS_RUN"/ovsdb-*.pid
stop_pidfiles "$OS_RUN"/{nova-api,nova-conductor,nova-scheduler,neutron-server,cinder-api,cinder-scheduler,cinder-volume,glance-api,placement,keystone}.pid
stop_pidfiles "$OS_RUN/ovn-northd.pid"
stop_pidfiles "$OS_RUN/ovn-nb.pid" "$OS_RUN/ovn-sb.pid" "$OS_RUN/memcached.pid"
if pid_alive "$OS_RUN/rabbitmq.pid"; then
  rabbitmqctl -q -n rabbit@localhost stop "$OS_RUN/rabbitmq.pid" >/dev/null 2>&1 || stop_pidfiles "$OS_RUN/rabbitmq.pid"
fi
rm -f "$OS_RUN/rabbitmq.pid"
stop_pidfiles "$OS_RUN/epmd.pid" "$OS_RUN/mariadb.pid"
echo "openstack peers stopped"
