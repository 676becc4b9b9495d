#!/usr/bin/env bash
# Shared by the OpenStack peer scripts (source it): paths, generated secrets, process helpers.
# OpenStack Zed from Debian 12 packages, every service on 127.0.0.1, fake hypervisors on real OVN.
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

OS_STATE="$BSO_PEERS_STATE/openstack" # root only: secrets, pidfiles, app credential
OS_RUN="$OS_STATE/run"
OS_LIB=/usr/local/lib/bso-peers       # what service users run (they cannot read $HOME)
KEYSTONE=http://127.0.0.1:5000/v3
# shellcheck disable=SC2034 # used by the scripts that source this file
REGION=RegionOne
mkdir -p "$OS_RUN"
chmod 700 "$OS_STATE"

# Service passwords: random on first setup, kept in $OS_STATE/secrets.env (0600), never printed.
load_secrets() {
  local f="$OS_STATE/secrets.env"
  if [ ! -s "$f" ]; then
    (
      umask 077
      for v in DB_PASS RABBIT_PASS ADMIN_PASS SERVICE_PASS; do echo "$v=$(openssl rand -hex 20)"; done >"$f.tmp"
      mv "$f.tmp" "$f"
    )
  fi
  chmod 600 "$f"
  # shellcheck disable=SC1090
  . "$f"
}

alive() { pid_alive "$OS_RUN/$1.pid"; }

conf() { # PATH GROUP < content: root-owned, readable by the service group only (it holds passwords)
  local tmp
  tmp="$(mktemp "$1.XXXX")"
  cat >"$tmp"
  chown root:"$2" "$tmp"
  chmod 640 "$tmp"
  mv "$tmp" "$1"
}

# daemon NAME USER EXE ARGS...: a foreground service, backgrounded with a pidfile, unless it runs.
daemon() {
  local name=$1 user=$2
  shift 2
  alive "$name" && return 0
  start-stop-daemon --start --background --make-pidfile --pidfile "$OS_RUN/$name.pid" \
    --chuid "$user" --startas "$1" -- "${@:2}"
}

# compute_start HOST: nova-compute with the fake driver as host HOST (no nova-compute package:
# it would pull libvirt + qemu; the driver and the entry point are in python3-nova).
compute_start() {
  local h=$1
  printf '[DEFAULT]\nhost = %s\n' "$h" >"/etc/nova/nova-compute-$h.conf"
  chmod 644 "/etc/nova/nova-compute-$h.conf"
  daemon "nova-compute-$h" nova "$SYS_PY" -c \
    'import sys; from nova.cmd.compute import main; sys.argv[0] = "nova-compute"; sys.exit(main())' \
    --config-file /etc/nova/nova-cpu.conf --config-file "/etc/nova/nova-compute-$h.conf" \
    --log-file "/var/log/nova/nova-compute-$h.log"
}

# admin_token: a project-scoped admin token (password auth) on stdout.
admin_token() {
  curl -sf -D - -o /dev/null -X POST "$KEYSTONE/auth/tokens" -H 'Content-Type: application/json' \
    --data-binary @- <<J | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r'
{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"$ADMIN_PASS"}}},
 "scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}
J
}

# shellcheck source=scripts/peers/openstack/ovn.sh
. "$(dirname "${BASH_SOURCE[0]}")/ovn.sh"
