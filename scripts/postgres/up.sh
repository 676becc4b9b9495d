#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 (Debian's package) on 127.0.0.1 for the store tests and prints
# the line to eval: export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=…
# State in ${BSO_PG_STATE:-/var/tmp/backstage-openstack-postgres}; stop with down.sh.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
# the postgres user must reach the state directory, so not under /root
STATE="${BSO_PG_STATE:-/var/tmp/backstage-openstack-postgres}"
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/pg_ctl" ] || apt_install postgresql-15 >&2
mkdir -p "$STATE"
chown postgres:postgres "$STATE"
as_pg() { runuser -u postgres -- "$@"; }
if [ ! -f "$STATE/data/PG_VERSION" ]; then
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$STATE/password"
  chmod 600 "$STATE/password"; chown postgres "$STATE/password"
  as_pg "$PGBIN/initdb" -D "$STATE/data" -U postgres --auth=scram-sha-256 --pwfile="$STATE/password" >"$STATE/initdb.log" 2>&1
fi
if ! as_pg "$PGBIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1; then
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "$PORT" > "$STATE/port"
  as_pg "$PGBIN/pg_ctl" -D "$STATE/data" -l "$STATE/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $STATE -c max_connections=200 -c fsync=off" start >&2 \
    || { tail -20 "$STATE/postgres.log" >&2; exit 1; }
fi
echo "export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres:$(cat "$STATE/password")@127.0.0.1:$(cat "$STATE/port")"
