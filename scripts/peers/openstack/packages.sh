#!/usr/bin/env bash
# Installs the Debian packages of the OpenStack peers (bookworm = OpenStack Zed, with MariaDB,
# RabbitMQ and Memcached, and OVN 23.03 with Open vSwitch 3.1), what is missing only; keeps their postinsts from starting daemons.
# Called by up.sh, and early by scripts/peers/prepare.sh so the download overlaps other work.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/../lib.sh"
OS_STATE="$BSO_PEERS_STATE/openstack"
mkdir -p "$OS_STATE"
chmod 700 "$OS_STATE"
t0=$SECONDS
PKGS=(mariadb-server rabbitmq-server memcached python3-pymysql uwsgi-plugin-python3 keystone placement-api
  nova-api nova-conductor nova-scheduler neutron-server cinder-api cinder-scheduler glance-api
  ovn-central ovn-host openvswitch-switch neutron-ovn-metadata-agent iproute2)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "apt: installing ${#missing[@]} packages (OpenStack Zed + OVN + infra; no nova-compute package)"
  # keep package postinsts from starting daemons with their default configs
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; }
  export DEBIAN_FRONTEND=noninteractive
  # one apt at a time (scripts/lib.sh apt_install takes the same lock)
  flock /var/lock/bso-apt.lock apt-get -q update >>"$OS_STATE/apt.log" 2>&1 || true
  flock /var/lock/bso-apt.lock apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >>"$OS_STATE/apt.log" 2>&1 ||
    { tail -n 30 "$OS_STATE/apt.log" >&2; exit 1; }
  echo "apt: OpenStack packages installed in $((SECONDS - t0))s"
else
  echo "apt: OpenStack packages present"
fi
