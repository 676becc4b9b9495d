#!/usr/bin/env bash
# Enrolls a fake compute node HOST into the running OpenStack peer: nova-compute (fake driver) and
# HOST's OVN chassis (its own Open vSwitch, ovn-controller and OVN metadata agent: ovn.sh). It
# shows in os-services, placement and neutron agents (OVN Controller + OVN Metadata) within
# seconds, and in os-hypervisors once mapped into cell1 by discover-hosts.sh (no periodic
# discovery). Idempotent.
set -euo pipefail
H="${1:?usage: add-compute.sh HOST}"
case "$H" in *[!A-Za-z0-9.-]*) echo "invalid host name: $H" >&2; exit 2 ;; esac
# shellcheck source=scripts/peers/openstack/common.sh
. "$(dirname "$0")/common.sh"
[ -e /etc/nova/nova-cpu.conf ] || { echo "OpenStack peer not set up (run scripts/peers/up.sh)" >&2; exit 1; }
compute_start "$H"
chassis_start "$H"
echo "started nova-compute and the OVN chassis (ovn-controller, metadata agent) of $H"
