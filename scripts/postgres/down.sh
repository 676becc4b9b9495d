#!/usr/bin/env bash
# Stops the PostgreSQL that up.sh started (no-op when none runs).
set -u
# the postgres user must reach the state directory, so not under /root
STATE="${BSO_PG_STATE:-/var/tmp/backstage-openstack-postgres}"
[ -f "$STATE/data/PG_VERSION" ] || exit 0
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$STATE/data" -m fast -w stop >/dev/null 2>&1 || true
