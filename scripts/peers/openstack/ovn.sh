#!/usr/bin/env bash
# Real OVN for the OpenStack peer (source it after common.sh): Debian's ovn-central (the NB and SB
# ovsdb-servers and ovn-northd) and, per compute host, its own Open vSwitch instance and
# ovn-controller, as on a real hypervisor, plus neutron-ovn-metadata-agent.
#
# One machine plays every hypervisor, so each host gets:
# - its own ovsdb-server (conf.db in $OS_STATE/ovs/<host>/, sockets in /run/bso-peers-ovs/<host>/),
#   external_ids system-id = hostname = the nova host name (so Neutron's OVN driver binds ports
#   for that host), ovn-remote = the SB DB, encap geneve on its own loopback address;
# - its own ovs-vswitchd with the userspace (netdev) datapath, since the kernel has no openvswitch
#   module, in its own network namespace bso-<host> (the netdev datapath makes tap devices named
#   ovs-netdev and br-int, which would clash between hosts in one namespace);
# - ovn-controller against that OVS, which registers the chassis and installs its flows;
# - neutron-ovn-metadata-agent on that OVS (it proxies metadata for the host's ports).
# Neutron then lists an "OVN Controller agent" and an "OVN Metadata agent" per host.
# Every function is idempotent: it starts what does not run.
OVN_STATE="$OS_STATE/ovn"
OVN_NB=tcp:127.0.0.1:6641
OVN_SB=tcp:127.0.0.1:6642

# detached DAEMON ARGS...: starts an OVS/OVN daemon that detaches itself (it prints its log file
# name: kept out of the output in $OVN_STATE/daemons.log, shown when it fails).
detached() {
  "$@" >>"$OVN_STATE/daemons.log" 2>&1 || { echo "FAILED: $*" >&2; tail -n 10 "$OVN_STATE/daemons.log" >&2; return 1; }
}

# ovn_db NAME SCHEMA PORT: an OVN database server (nb or sb) on 127.0.0.1:PORT; converts the
# database when the installed schema is newer.
ovn_db() {
  local name=$1 schema=$2 port=$3 db="$OVN_STATE/ovn${1}_db.db"
  alive "ovn-$name" && return 0
  if [ ! -e "$db" ]; then
    ovsdb-tool create "$db" "$schema"
  elif ovsdb-tool needs-conversion "$db" "$schema" | grep -q yes; then
    ovsdb-tool convert "$db" "$schema"
  fi
  detached ovsdb-server --detach --no-chdir --pidfile="$OS_RUN/ovn-$name.pid" --log-file="/var/log/ovn/ovsdb-server-$name.log" \
    --remote="punix:$OVN_STATE/ovn${name}_db.sock" --remote="ptcp:$port:127.0.0.1" \
    --unixctl="$OVN_STATE/ovn${name}_db.ctl" "$db"
}

# ovn_central_start: NB and SB databases and ovn-northd.
ovn_central_start() {
  install -d -m 700 "$OVN_STATE"
  install -d /var/log/ovn
  ovn_db nb /usr/share/ovn/ovn-nb.ovsschema 6641
  ovn_db sb /usr/share/ovn/ovn-sb.ovsschema 6642
  alive ovn-northd || OVN_RUNDIR="$OVN_STATE" detached ovn-northd --detach --no-chdir --pidfile="$OS_RUN/ovn-northd.pid" \
    --log-file=/var/log/ovn/ovn-northd.log \
    --ovnnb-db="unix:$OVN_STATE/ovnnb_db.sock" --ovnsb-db="unix:$OVN_STATE/ovnsb_db.sock"
}

# chassis_rundir HOST: where HOST's OVS sockets are (short: unix socket paths are limited).
chassis_rundir() { echo "/run/bso-peers-ovs/$1"; }

# chassis_encap_ip HOST: HOST's own loopback address for its geneve endpoint (the SB keeps one
# encap per type and IP), kept in $OVN_STATE/encap-ips so a host keeps its address.
chassis_encap_ip() {
  local f="$OVN_STATE/encap-ips" n
  touch "$f"
  n="$(awk -v h="$1" '$1 == h {print $2}' "$f")"
  if [ -z "$n" ]; then
    n=$(($(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$f") + 1))
    echo "$1 $n" >>"$f"
  fi
  echo "127.0.$((100 + n / 250)).$((n % 250 + 1))"
}

# chassis_start HOST: HOST's ovsdb-server, ovs-vswitchd (netdev datapath, own netns),
# ovn-controller and OVN metadata agent.
chassis_start() {
  local h=$1 run db ns="bso-$1" vsctl
  run="$(chassis_rundir "$h")"
  db="$OS_STATE/ovs/$h/conf.db"
  install -d -m 755 "$run" /var/log/openvswitch
  install -d -m 700 "$OVN_STATE" "$OS_STATE/ovs/$h"
  if [ ! -e "$db" ]; then
    ovsdb-tool create "$db" /usr/share/openvswitch/vswitch.ovsschema
  elif ovsdb-tool needs-conversion "$db" /usr/share/openvswitch/vswitch.ovsschema | grep -q yes; then
    ovsdb-tool convert "$db" /usr/share/openvswitch/vswitch.ovsschema
  fi
  alive "ovsdb-$h" || detached ovsdb-server --detach --no-chdir --pidfile="$OS_RUN/ovsdb-$h.pid" \
    --log-file="/var/log/openvswitch/ovsdb-server-$h.log" --remote="punix:$run/db.sock" \
    --unixctl="$run/ovsdb-server.ctl" "$db"
  vsctl=(ovs-vsctl --db="unix:$run/db.sock" --timeout=30)
  "${vsctl[@]}" --no-wait init -- set Open_vSwitch . \
    external_ids:system-id="$h" external_ids:hostname="$h" external_ids:ovn-remote="$OVN_SB" \
    external_ids:ovn-encap-type=geneve external_ids:ovn-encap-ip="$(chassis_encap_ip "$h")" \
    external_ids:ovn-bridge-datapath-type=netdev
  if ! ip netns list | grep -qw "$ns"; then
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
  fi
  alive "ovs-vswitchd-$h" || OVS_RUNDIR="$run" detached ip netns exec "$ns" ovs-vswitchd "unix:$run/db.sock" --detach --no-chdir \
    --pidfile="$OS_RUN/ovs-vswitchd-$h.pid" --log-file="/var/log/openvswitch/ovs-vswitchd-$h.log" --unixctl="$run/ovs-vswitchd.ctl"
  alive "ovn-controller-$h" || OVS_RUNDIR="$run" OVN_RUNDIR="$run" detached ovn-controller "unix:$run/db.sock" --detach --no-chdir \
    --pidfile="$OS_RUN/ovn-controller-$h.pid" --log-file="/var/log/ovn/ovn-controller-$h.log"
  metadata_agent_start "$h"
}

# metadata_agent_start HOST: neutron-ovn-metadata-agent of HOST's chassis (as root: it manages
# network namespaces through privsep, which root starts without sudo).
metadata_agent_start() {
  local h=$1 state="/var/lib/neutron/ovn-metadata-$1"
  [ -e /etc/neutron/neutron.conf ] || return 0
  install -d -o neutron -g neutron "$state"
  install -d -o neutron -g neutron /var/log/neutron
  conf "/etc/neutron/ovn-metadata-agent-$h.ini" neutron <<C
[DEFAULT]
host = $h
state_path = $state
metadata_proxy_socket = $state/metadata_proxy
nova_metadata_host = 127.0.0.1
nova_metadata_port = 8775

[agent]
# runs as root: privsep starts without a root helper
root_helper =

[ovs]
ovsdb_connection = unix:$(chassis_rundir "$h")/db.sock

[ovn]
ovn_sb_connection = $OVN_SB
C
  daemon "ovn-metadata-$h" root /usr/bin/neutron-ovn-metadata-agent --config-file /etc/neutron/neutron.conf \
    --config-file "/etc/neutron/ovn-metadata-agent-$h.ini" --log-file "/var/log/neutron/ovn-metadata-agent-$h.log"
}

# chassis_stop HOST: stops HOST's OVN and OVS processes (data kept; the chassis stays in the SB
# until Neutron deletes its agent).
chassis_stop() {
  local h=$1
  stop_pidfiles "$OS_RUN/ovn-metadata-$h.pid" "$OS_RUN/ovn-controller-$h.pid"
  stop_pidfiles "$OS_RUN/ovs-vswitchd-$h.pid" "$OS_RUN/ovsdb-$h.pid"
}

# chassis_remove HOST: stops HOST and removes its OVS database, namespace and metadata config.
chassis_remove() {
  local h=$1
  chassis_stop "$h"
  ip netns list | grep -qw "bso-$h" && ip netns del "bso-$h"
  rm -rf "$OS_STATE/ovs/$h" "$(chassis_rundir "$h")" "/etc/neutron/ovn-metadata-agent-$h.ini" "/var/lib/neutron/ovn-metadata-$h"
}
