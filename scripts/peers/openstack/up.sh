#!/usr/bin/env bash
# Real OpenStack services (Debian 12 bookworm packages = OpenStack Zed) on 127.0.0.1, started by hand
# (no systemd): MariaDB, RabbitMQ, Memcached, Keystone, Placement, Nova (api, conductor, scheduler,
# nova-compute x N with fake.FakeDriver), OVN (ovn-central; per compute host its own Open vSwitch
# with the userspace datapath, ovn-controller and the OVN metadata agent: ovn.sh), Neutron server
# (ML2/OVN), Cinder (api, scheduler, volume with the fake driver), Glance (file store).
# Idempotent: installs what is missing, renders configs, syncs DBs once, starts what does not run,
# waits until hypervisors and agents report. Writes an application credential for the portal into
# $OS_STATE (0600) and prints nothing secret.
# Env: BSO_OS_COMPUTES (default "compute1 compute2"), BSO_PEERS_STATE.
set -euo pipefail
# shellcheck source=scripts/peers/openstack/common.sh
. "$(dirname "$0")/common.sh"
COMPUTES="${BSO_OS_COMPUTES:-compute1 compute2}"
HERE="$PEERS_DIR/openstack"
CMDLOG="$OS_STATE/commands.log"
: >"$CMDLOG"
step() { printf '  [%3ss] %s\n' "$SECONDS" "$*"; }
quiet() { "$@" >>"$CMDLOG" 2>&1 || { echo "FAILED: $1 ... (log: $CMDLOG)" >&2; tail -n 25 "$CMDLOG" >&2; exit 1; }; }
as() { local u=$1; shift; su -s /bin/sh -c "$*" "$u"; }
synced() { [ -e "$OS_STATE/synced-$1" ]; }
mark() { touch "$OS_STATE/synced-$1"; }

# ------------------------------------------------------------------ packages
"$HERE/packages.sh" | sed 's/^/  /'
load_secrets
install -d -m 755 "$OS_LIB"

# ------------------------------------------------------------------ MariaDB, RabbitMQ, Memcached
step "mariadb, rabbitmq, memcached"
cat >/etc/mysql/mariadb.conf.d/99-bso-peers.cnf <<'C'
[mysqld]
bind-address = 127.0.0.1
max_connections = 1000
innodb_buffer_pool_size = 128M
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
C
install -d -o mysql -g mysql /run/mysqld
if ! mariadb-admin ping >/dev/null 2>&1; then
  start-stop-daemon --start --background --make-pidfile --pidfile "$OS_RUN/mariadb.pid" \
    --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for 60 mariadb mariadb-admin ping
fi
{
  for db in keystone placement nova_api nova nova_cell0 neutron cinder glance; do
    echo "CREATE DATABASE IF NOT EXISTS $db;"
  done
  for h in localhost 127.0.0.1; do
    echo "CREATE USER IF NOT EXISTS 'openstack'@'$h' IDENTIFIED BY '$DB_PASS';"
    echo "ALTER USER 'openstack'@'$h' IDENTIFIED BY '$DB_PASS';"
    echo "GRANT ALL PRIVILEGES ON *.* TO 'openstack'@'$h';"
  done
  echo "FLUSH PRIVILEGES;"
} | mariadb
DB="mysql+pymysql://openstack:$DB_PASS@127.0.0.1"

# epmd first, in the foreground under our pidfile, so that stopping it later is by PID
if ! alive epmd && ! (exec 3<>/dev/tcp/127.0.0.1/4369) 2>/dev/null; then
  daemon epmd rabbitmq /usr/bin/epmd -address 127.0.0.1
  sleep 0.3
fi
cat >/etc/rabbitmq/rabbitmq-env.conf <<'C'
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
C
echo 'listeners.tcp.default = 127.0.0.1:5672' >/etc/rabbitmq/rabbitmq.conf
export ERL_EPMD_ADDRESS=127.0.0.1
RMQ=(rabbitmqctl -q -n rabbit@localhost)
RMQ_PIDFILE=/var/lib/rabbitmq/mnesia/rabbit@localhost.pid # written by rabbitmq (runs as rabbitmq)
if ! "${RMQ[@]}" status >/dev/null 2>&1; then
  rm -f "$RMQ_PIDFILE"
  rabbitmq-server -detached >>"$CMDLOG" 2>&1
  quiet "${RMQ[@]}" wait --timeout 120 "$RMQ_PIDFILE"
fi
cp "$RMQ_PIDFILE" "$OS_RUN/rabbitmq.pid"
# the rabbit user's password follows secrets.env (checked by a hash marker, rabbitmqctl is slow)
rmq_mark="$OS_STATE/rabbit-user.$(printf '%s' "$RABBIT_PASS" | sha256sum | cut -c1-16)"
if [ ! -e "$rmq_mark" ]; then
  if "${RMQ[@]}" list_users 2>/dev/null | grep -q '^openstack'; then
    quiet "${RMQ[@]}" change_password openstack "$RABBIT_PASS"
  else
    quiet "${RMQ[@]}" add_user openstack "$RABBIT_PASS"
  fi
  quiet "${RMQ[@]}" set_permissions openstack '.*' '.*' '.*'
  rm -f "$OS_STATE"/rabbit-user.*
  touch "$rmq_mark"
fi
TRANSPORT="rabbit://openstack:$RABBIT_PASS@127.0.0.1:5672/"
daemon memcached memcache /usr/bin/memcached -l 127.0.0.1 -p 11211 -m 64 -U 0

# ------------------------------------------------------------------ config blocks
authtoken() { # SERVICE_USER: how a service validates tokens
  cat <<C
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:5000
auth_url = http://127.0.0.1:5000
memcached_servers = 127.0.0.1:11211
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASS
region_name = $REGION
C
}
client() { # SECTION USER: a service-to-service client section
  cat <<C
[$1]
auth_type = password
auth_url = http://127.0.0.1:5000/v3
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $SERVICE_PASS
region_name = $REGION
C
}
uwsgi_app() { # NAME USER PORT WSGI_FILE CHDIR LOG PROCESSES THREADS
  alive "$1" && return 0
  conf "/etc/bso-peers-$1-uwsgi.ini" "$2" <<C
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$3
master = true
processes = $7
threads = $8
enable-threads = true
lazy-apps = true
buffer-size = 65535
die-on-term = true
; http-socket has no keep-alive: tell clients, or python-requests reuses closed connections
add-header = Connection: close
wsgi-manage-chunked-input = true
uid = $2
gid = $2
chdir = $5
wsgi-file = $4
pidfile = $OS_RUN/$1.pid
daemonize = $6
C
  uwsgi --ini "/etc/bso-peers-$1-uwsgi.ini" >>"$CMDLOG" 2>&1
}
policy_dirs() { printf '[oslo_policy]\npolicy_dirs = /etc/%s/policy.d\n' "$1"; }

# ------------------------------------------------------------------ Keystone
step "keystone"
conf /etc/keystone/keystone.conf keystone <<C
[DEFAULT]
log_dir = /var/log/keystone
log_file = keystone.log

[database]
connection = $DB/keystone

[token]
provider = fernet
expiration = 86400

[identity]
# test peers only: bcrypt cost 4 instead of 12 (app-credential auth ~70 ms instead of ~300 ms)
password_hash_rounds = 4

[cache]
enabled = true
backend = oslo_cache.memcache_pool
memcache_servers = 127.0.0.1:11211

$(policy_dirs keystone)
C
synced keystone || { quiet as keystone keystone-manage db_sync; mark keystone; }
[ -e /etc/keystone/fernet-keys/0 ] || quiet keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
[ -e /etc/keystone/credential-keys/0 ] || quiet keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
# bootstrap creates admin/project/role/region/identity endpoints and resets a drifted admin password
bs_mark="$OS_STATE/bootstrap.$(printf '%s' "$ADMIN_PASS" | sha256sum | cut -c1-16)"
if [ ! -e "$bs_mark" ]; then
  quiet keystone-manage bootstrap --bootstrap-password "$ADMIN_PASS" \
    --bootstrap-admin-url "$KEYSTONE/" --bootstrap-internal-url "$KEYSTONE/" \
    --bootstrap-public-url "$KEYSTONE/" --bootstrap-region-id "$REGION"
  rm -f "$OS_STATE"/bootstrap.*
  touch "$bs_mark"
fi
chown -R keystone:keystone /var/log/keystone
uwsgi_app keystone keystone 5000 /usr/bin/keystone-wsgi-public /var/lib/keystone /var/log/keystone/keystone-uwsgi.log 2 4

# ------------------------------------------------------------------ Placement
step "placement"
conf /etc/placement/placement.conf placement <<C
[DEFAULT]
log_dir = /var/log/placement
log_file = placement.log

[api]
auth_strategy = keystone

$(authtoken placement)

[placement_database]
connection = $DB/placement

$(policy_dirs placement)
C
synced placement || { quiet as placement placement-manage db sync; mark placement; }

# ------------------------------------------------------------------ Nova
step "nova"
nova_conf() { # the controller config, or with "cpu" the compute config without DB access
  cat <<C
[DEFAULT]
my_ip = 127.0.0.1
host = controller
state_path = /var/lib/nova
log_dir = /var/log/nova
transport_url = $TRANSPORT
enabled_apis = osapi_compute
compute_driver = fake.FakeDriver
pybasedir = /usr/lib/python3/dist-packages

[api]
auth_strategy = keystone

[cache]
enabled = true
backend = oslo_cache.memcache_pool
memcache_servers = 127.0.0.1:11211

$(authtoken nova)

$(client service_user nova)
send_service_user_token = true

$(client placement placement)

$(client neutron neutron)

[cinder]
os_region_name = $REGION

[glance]
region_name = $REGION

[scheduler]
workers = 1
# no periodic discovery: a new compute host is mapped into cell1 only by
# nova-manage cell_v2 discover_hosts (discover-hosts.sh), as openstack-helm's nova-cell-setup Job
# does in production, so the compute enroll test proves the action's own discovery
discover_hosts_in_cells_interval = -1

[conductor]
workers = 1

[vnc]
enabled = false

[oslo_concurrency]
lock_path = /var/lib/nova/tmp

[oslo_messaging_notifications]
driver = noop

$(policy_dirs nova)
C
  if [ "${1:-}" != cpu ]; then
    printf '\n[api_database]\nconnection = %s/nova_api\n\n[database]\nconnection = %s/nova\n' "$DB" "$DB"
  fi
}
nova_conf | conf /etc/nova/nova.conf nova
# computes get no [database]: nova-compute refuses DB access and logs tracebacks otherwise
nova_conf cpu | conf /etc/nova/nova-cpu.conf nova
install -d -o nova -g nova /var/lib/nova/tmp
if ! synced nova-api; then
  quiet as nova nova-manage api_db sync
  quiet as nova nova-manage cell_v2 map_cell0
  as nova "nova-manage cell_v2 list_cells" 2>/dev/null | grep -q ' cell1 ' ||
    quiet as nova nova-manage cell_v2 create_cell --name=cell1
  mark nova-api
fi
# the cell mappings in nova_api hold DB and RabbitMQ URLs with passwords: follow secrets.env
cells_mark="$OS_STATE/nova-cells.$(printf '%s %s' "$DB_PASS" "$RABBIT_PASS" | sha256sum | cut -c1-16)"
if [ ! -e "$cells_mark" ]; then
  cell1="$(as nova "nova-manage cell_v2 list_cells" 2>/dev/null | awk -F'|' '$2 ~ /^ *cell1 *$/ {gsub(/ /, "", $3); print $3}')"
  quiet as nova nova-manage cell_v2 update_cell --cell_uuid 00000000-0000-0000-0000-000000000000 \
    --database_connection "$DB/nova_cell0" --transport-url none:///
  quiet as nova nova-manage cell_v2 update_cell --cell_uuid "$cell1" --database_connection "$DB/nova" \
    --transport-url "$TRANSPORT"
  rm -f "$OS_STATE"/nova-cells.*
  touch "$cells_mark"
fi
synced nova || { quiet as nova nova-manage db sync; mark nova; }

# ------------------------------------------------------------------ Neutron
step "neutron"
neutron_conf_sum() { cat /etc/neutron/neutron.conf /etc/neutron/plugins/ml2/ml2_conf.ini 2>/dev/null | sha256sum; }
neutron_before="$(neutron_conf_sum)"
conf /etc/neutron/neutron.conf neutron <<C
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9696
core_plugin = ml2
service_plugins = ovn-router
auth_strategy = keystone
transport_url = $TRANSPORT
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
log_dir = /var/log/neutron
state_path = /var/lib/neutron

[database]
connection = $DB/neutron

$(authtoken neutron)

$(client nova nova)

[oslo_concurrency]
lock_path = /var/lib/neutron/tmp

[oslo_messaging_notifications]
driver = noop

$(policy_dirs neutron)
C
conf /etc/neutron/plugins/ml2/ml2_conf.ini neutron <<C
[ml2]
type_drivers = flat,vlan,geneve
tenant_network_types = geneve
mechanism_drivers = ovn
extension_drivers = port_security
overlay_ip_version = 4

[ml2_type_geneve]
vni_ranges = 1:65536
max_header_size = 38

[ovn]
ovn_nb_connection = $OVN_NB
ovn_sb_connection = $OVN_SB
ovn_metadata_enabled = true

[ml2_type_flat]
flat_networks = physnet1

[ml2_type_vlan]
network_vlan_ranges = physnet1:100:200

[securitygroup]
enable_security_group = true
enable_ipset = false
C
install -d -o neutron -g neutron /var/lib/neutron/tmp
# a running neutron-server on other settings (e.g. a peer from before ML2/OVN) restarts on these
if [ "$(neutron_conf_sum)" != "$neutron_before" ] && alive neutron-server; then
  step "neutron settings changed: restarting neutron-server"
  stop_pidfiles "$OS_RUN/neutron-server.pid"
fi
synced neutron || {
  quiet as neutron neutron-db-manage --config-file /etc/neutron/neutron.conf \
    --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head
  mark neutron
}

# ------------------------------------------------------------------ Cinder
step "cinder"
conf /etc/cinder/cinder.conf cinder <<C
[DEFAULT]
my_ip = 127.0.0.1
host = controller
auth_strategy = keystone
transport_url = $TRANSPORT
log_dir = /var/log/cinder
state_path = /var/lib/cinder
enabled_backends = fake

[database]
connection = $DB/cinder

$(authtoken cinder)

# nova client for external events and attachment checks
$(client nova cinder)
interface = public

[oslo_concurrency]
lock_path = /var/lib/cinder/tmp

[oslo_messaging_notifications]
driver = noop

$(policy_dirs cinder)

[fake]
# cinder/tests/fake_driver.py ships in python3-cinder: volumes become available at once
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
C
install -d -o cinder -g cinder /var/lib/cinder/tmp
synced cinder || { quiet as cinder cinder-manage db sync; mark cinder; }

# ------------------------------------------------------------------ Glance
step "glance"
conf /etc/glance/glance-api.conf glance <<C
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
log_dir = /var/log/glance
enabled_backends = file:file

[database]
connection = $DB/glance

[glance_store]
default_backend = file

[file]
filesystem_store_datadir = /var/lib/glance/images/

$(authtoken glance)

[paste_deploy]
flavor = keystone

[oslo_concurrency]
lock_path = /var/lib/glance/tmp

$(policy_dirs glance)
C
install -d -o glance -g glance /var/lib/glance/tmp /var/lib/glance/images
synced glance || { quiet as glance glance-manage db_sync; mark glance; }

# ------------------------------------------------------------------ start the services
step "starting services"
uwsgi_app placement placement 8778 /usr/bin/placement-api /var/lib/placement /var/log/placement/placement-uwsgi.log 2 4
uwsgi_app nova-api nova 8774 /usr/bin/nova-api-wsgi /var/lib/nova /var/log/nova/nova-api-uwsgi.log 2 1
daemon nova-conductor nova /usr/bin/nova-conductor --config-file /etc/nova/nova.conf --log-file /var/log/nova/nova-conductor.log
daemon nova-scheduler nova /usr/bin/nova-scheduler --config-file /etc/nova/nova.conf --log-file /var/log/nova/nova-scheduler.log
for h in $COMPUTES; do compute_start "$h"; done
ovn_central_start
daemon neutron-server neutron /usr/bin/neutron-server --config-file /etc/neutron/neutron.conf \
  --config-file /etc/neutron/plugins/ml2/ml2_conf.ini --log-file /var/log/neutron/neutron-server.log
for h in $COMPUTES; do chassis_start "$h"; done
# peers from before ML2/OVN ran fake Open vSwitch agents: stop them (their records go below)
stop_pidfiles "$OS_RUN"/fake-ovs-agent*.pid
uwsgi_app cinder-api cinder 8776 /usr/bin/cinder-wsgi /var/lib/cinder /var/log/cinder/cinder-api-uwsgi.log 1 4
daemon cinder-scheduler cinder /usr/bin/cinder-scheduler --config-file /etc/cinder/cinder.conf --log-file /var/log/cinder/cinder-scheduler.log
daemon cinder-volume cinder "$SYS_PY" -c \
  'import sys; from cinder.cmd.volume import main; sys.argv[0] = "cinder-volume"; sys.exit(main())' \
  --config-file /etc/cinder/cinder.conf --log-file /var/log/cinder/cinder-volume.log
daemon glance-api glance /usr/bin/glance-api --config-file /etc/glance/glance-api.conf --log-file /var/log/glance/glance-api.log

# ------------------------------------------------------------------ Keystone content + app credential
http_up() { case "$(curl -s -o /dev/null -w '%{http_code}' "$1")" in 2* | 3* | 401) return 0 ;; *) return 1 ;; esac; }
wait_for 90 keystone http_up "$KEYSTONE"
step "keystone: service users, catalog, application credential"
KEYSTONE="$KEYSTONE" ADMIN_PASS="$ADMIN_PASS" SERVICE_PASS="$SERVICE_PASS" REGION="$REGION" \
  APPCRED_FILE="$OS_STATE/appcred.json" "$SYS_PY" "$HERE/keystone-seed.py"

# ------------------------------------------------------------------ wait until everything reports
step "waiting for the APIs, hypervisors and agents"
for url in http://127.0.0.1:8778/ http://127.0.0.1:8774/ http://127.0.0.1:9696/ http://127.0.0.1:8776/ http://127.0.0.1:9292/; do
  wait_for 180 "$url" http_up "$url"
done
TOKEN="$(admin_token)"
want=$(echo "$COMPUTES" | wc -w)
count() { # URL PYTHON-EXPR over the JSON body d
  curl -s -H "X-Auth-Token: $TOKEN" "$1" |
    "$SYS_PY" -c "import json,sys; d=json.load(sys.stdin); print($2)" 2>/dev/null || echo 0
}
# os-hypervisors lists mapped hosts only: once the computes' services report, map them (a
# snapshot of the compute nodes, so again on the next try until all are listed)
hyps() { count http://127.0.0.1:8774/v2.1/os-hypervisors 'sum(h["state"]=="up" for h in d.get("hypervisors",[]))'; }
hyp_up() {
  [ "$(hyps)" -ge "$want" ] && return 0
  [ "$(count 'http://127.0.0.1:8774/v2.1/os-services?binary=nova-compute' 'sum(s["state"]=="up" for s in d.get("services",[]))')" -ge "$want" ] || return 1
  as nova "nova-manage cell_v2 discover_hosts" >>"$CMDLOG" 2>&1 || true
  [ "$(hyps)" -ge "$want" ]
}
# per compute host: its "OVN Controller agent" (the chassis) and its "OVN Metadata agent", alive
agents_up() {
  [ "$(count http://127.0.0.1:9696/v2.0/agents "sum(a['alive'] and a['host'] in '$COMPUTES'.split() and a['agent_type'] in ('OVN Controller agent', 'OVN Metadata agent') for a in d.get('agents',[]))")" -ge $((want * 2)) ]
}
# agent records of the Open vSwitch agents of peers from before ML2/OVN
stale_agents() { count http://127.0.0.1:9696/v2.0/agents "' '.join(a['id'] for a in d.get('agents',[]) if a['agent_type'] == 'Open vSwitch agent')"; }
cinder_up() {
  local pid
  pid="$("$SYS_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["project_id"])' "$OS_STATE/appcred.json")"
  [ "$(count "http://127.0.0.1:8776/v3/$pid/os-services" 'sum(s["state"]=="up" for s in d.get("services",[]))')" -ge 2 ]
}
wait_for 180 "$want hypervisors up" hyp_up
wait_for 120 "$want OVN controller and metadata agents alive" agents_up
for id in $(stale_agents); do
  [ "$id" = 0 ] || curl -s -o /dev/null -X DELETE -H "X-Auth-Token: $TOKEN" "http://127.0.0.1:9696/v2.0/agents/$id"
done
wait_for 120 "cinder scheduler+volume up" cinder_up
cat >"$OS_STATE/openstack.env" <<E
OS_AUTH_URL=$KEYSTONE
OS_REGION_NAME=$REGION
OS_APPLICATION_CREDENTIAL_ID=$("$SYS_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$OS_STATE/appcred.json")
OS_APPLICATION_CREDENTIAL_SECRET_FILE=$OS_STATE/appcred.secret
E
step "openstack up: $want hypervisors, $want OVN chassis with their metadata agents, cinder services"
