// What a compute host runs to join a cloud: the join script the backend serves once per join
// token (`GET /api/openstack/join/<token>`), the command that fetches it, and the version of
// nova-compute it reports back. Pure: no token, no network.
import { COMPUTE_BUNDLE_FILES } from './enroll';
import { HOST_NAME } from './enroll';

/** Where each bundle file goes on the host, its mode and group (the group only where it exists). */
const PLACES: Record<string, { path: string; mode: string; group?: string }> = {
  [COMPUTE_BUNDLE_FILES.nova]: { path: '/etc/nova/nova-compute.conf', mode: '0640', group: 'nova' },
  [COMPUTE_BUNDLE_FILES.libvirt]: { path: '/etc/libvirt/libvirtd.conf', mode: '0644' },
  [COMPUTE_BUNDLE_FILES.ovn]: { path: '/etc/openvswitch/backstage-openstack-external-ids.conf', mode: '0644' },
  [COMPUTE_BUNDLE_FILES.ovnMetadata]: { path: '/etc/neutron/neutron_ovn_metadata_agent.ini', mode: '0640', group: 'neutron' },
  [COMPUTE_BUNDLE_FILES.cephConf]: { path: '/etc/ceph/ceph.conf', mode: '0644' },
  [COMPUTE_BUNDLE_FILES.cephSecret]: { path: '/etc/libvirt/backstage-openstack-ceph-secret.xml', mode: '0600' },
  [COMPUTE_BUNDLE_FILES.cephKey]: { path: '/etc/libvirt/backstage-openstack-ceph-client.key', mode: '0600' },
  [COMPUTE_BUNDLE_FILES.host]: { path: '/etc/backstage-openstack/host.yaml', mode: '0644' },
};

/** The host path of each bundle file the join script writes. @public */
export function joinFilePath(file: string): string | undefined {
  return PLACES[file]?.path;
}

/** The Debian/Ubuntu packages the join script installs. @public */
export const JOIN_PACKAGES = ['nova-compute-kvm', 'ovn-host', 'neutron-ovn-metadata-agent'] as const;

/** The services the join script enables and (re)starts, in order. @public */
export const JOIN_SERVICES = ['libvirtd', 'openvswitch-switch', 'ovn-host', 'neutron-ovn-metadata-agent', 'nova-compute'] as const;

/** A nova version as `nova-compute --version` prints it, e.g. `31.0.1` or `26.2.2`. @public */
export const NOVA_VERSION = /^\d{1,3}\.\d{1,3}\.\d{1,3}([.~+-][0-9A-Za-z.~+-]{0,40})?$/;

/** Nova's major version of each OpenStack series (releases.openstack.org, "nova" deliverable). */
const NOVA_MAJOR_SERIES: Record<number, string> = {
  26: '2022.2', // Zed
  27: '2023.1',
  28: '2023.2',
  29: '2024.1',
  30: '2024.2',
  31: '2025.1',
  32: '2025.2',
  33: '2026.1',
  34: '2026.2',
};

/**
 * The OpenStack series (e.g. `2025.1`) a nova version belongs to, by its major version; undefined
 * for a version the table does not know.
 *
 * @public
 */
export function novaSeriesOf(version: string): string | undefined {
  if (!NOVA_VERSION.test(version)) return undefined;
  return NOVA_MAJOR_SERIES[Number(version.split('.')[0])];
}

/** How the host fetches and runs its join script. @public */
export interface JoinInstructions {
  /** The command to run on the host, as root or with sudo. */
  command: string;
  /** The same as cloud-init user-data, for a host provisioned with it. */
  cloudInit: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A join token as the routes accept it: 32 random bytes, base64url. @public */
export const JOIN_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The command and cloud-init user-data that fetch the join script from `joinUrl` (the join route,
 * `…/api/openstack/join`) with `token` and run it. The token goes in the Authorization header,
 * never in the URL (a request log writes URLs). @public
 */
export function joinInstructions(joinUrl: string, token: string): JoinInstructions {
  if (!/^https?:\/\/[^\s'"\\]+$/.test(joinUrl)) throw new Error('the join URL is not an http(s) URL');
  if (!JOIN_TOKEN.test(token)) throw new Error('the join token is not a join token');
  const fetch = `curl -fsS -H ${shellQuote(`Authorization: Bearer ${token}`)} ${shellQuote(joinUrl)}`;
  return {
    command: `${fetch} | sudo sh`,
    cloudInit: ['#cloud-config', 'runcmd:', `  - [sh, -c, ${JSON.stringify(`${fetch} | sh`)}]`, ''].join('\n'),
  };
}

/**
 * The join script of a host: a POSIX shell script that installs the compute packages, writes
 * every file of the host's bundle where its service reads it, sets ovn-controller's Open vSwitch
 * external ids, defines libvirt's Ceph secret on Ceph clouds, enables and restarts the services,
 * then reports the installed nova-compute version to `reportUrl` (the join token's follow-up
 * call, with `token` in its Authorization header). It holds the host's credentials: it is served once and never stored in the clear.
 *
 * Knobs (environment): `BSO_JOIN_ROOT` writes every file under that prefix; `BSO_JOIN_NO_SERVICES=1`
 * installs and starts nothing (prints those commands instead); `BSO_JOIN_NO_REPORT=1` reports
 * nothing. With the three, it only writes files: for inspection, and for tests.
 *
 * @public
 */
export function renderJoinScript(files: Record<string, string>, opts: { host: string; cloudKey: string; reportUrl: string; token: string }): string {
  if (!HOST_NAME.test(opts.host)) throw new Error('the host is not a host name');
  if (!/^[A-Za-z0-9._-]+$/.test(opts.cloudKey)) throw new Error('the cloud key is not a name');
  if (!/^https?:\/\/[^\s'"\\]+$/.test(opts.reportUrl)) throw new Error('the report URL is not an http(s) URL');
  if (!JOIN_TOKEN.test(opts.token)) throw new Error('the join token is not a join token');
  const unknown = Object.keys(files).filter(f => !PLACES[f]);
  if (unknown.length) throw new Error(`the bundle has files the join script does not know: ${unknown.join(', ')}`);
  const writes = Object.entries(files).map(([file, content], i) => {
    const place = PLACES[file];
    const eof = `BSO_JOIN_EOF_${i}`;
    const body = content.endsWith('\n') ? content : `${content}\n`;
    if (body.split('\n').includes(eof)) throw new Error(`${file} contains the line ${eof}`);
    return `put ${place.path} ${place.mode} ${place.group ?? '-'} <<'${eof}'\n${body}${eof}`;
  });
  const ceph = COMPUTE_BUNDLE_FILES.cephSecret in files;
  const cephKey = COMPUTE_BUNDLE_FILES.cephKey in files;
  const uuid = ceph ? /<uuid>([0-9a-f-]+)<\/uuid>/.exec(files[COMPUTE_BUNDLE_FILES.cephSecret])?.[1] : undefined;
  const ovnIds = PLACES[COMPUTE_BUNDLE_FILES.ovn].path;
  return `#!/bin/sh
# Join script of compute host ${opts.host} for cloud ${opts.cloudKey}, served once by backstage-openstack.
# It holds the host's credentials: run it, do not keep it.
#   BSO_JOIN_ROOT=<dir>       write every file under <dir> instead of /
#   BSO_JOIN_NO_SERVICES=1    install, configure and start nothing; print those commands
#   BSO_JOIN_NO_REPORT=1      do not report the nova-compute version
set -eu
ROOT="\${BSO_JOIN_ROOT:-}"
NO_SERVICES="\${BSO_JOIN_NO_SERVICES:-0}"
NO_REPORT="\${BSO_JOIN_NO_REPORT:-0}"
HOST=${opts.host}
say() { echo "join $HOST: $*"; }
run() { if [ "$NO_SERVICES" = 1 ]; then say "would run: $*"; else "$@"; fi; }
if [ "$NO_SERVICES" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "join $HOST: run as root (curl ... | sudo sh)" >&2; exit 1; }
  [ "$(hostname -f 2>/dev/null || hostname)" = "$HOST" ] || [ "$(hostname)" = "$HOST" ] || say "warning: this machine calls itself $(hostname), nova-compute will report $HOST"
fi

# put PATH MODE GROUP: the file from stdin, written whole (a temporary file, then renamed)
put() {
  dir="$ROOT$(dirname "$1")"
  mkdir -p "$dir"
  (umask 077; cat >"$ROOT$1.bso-tmp")
  chmod "$2" "$ROOT$1.bso-tmp"
  if [ "$3" != - ] && getent group "$3" >/dev/null 2>&1; then chgrp "$3" "$ROOT$1.bso-tmp"; fi
  mv -f "$ROOT$1.bso-tmp" "$ROOT$1"
  say "wrote $1"
}

say "installing ${JOIN_PACKAGES.join(', ')}${ceph ? ', ceph-common' : ''}"
run env DEBIAN_FRONTEND=noninteractive apt-get install -y ${JOIN_PACKAGES.join(' ')}${ceph ? ' ceph-common' : ''}

${writes.join('\n')}

say "configuring ovn-controller (Open vSwitch external ids)"
run systemctl enable --now openvswitch-switch
while IFS= read -r kv; do
  [ -n "$kv" ] || continue
  run ovs-vsctl set open_vswitch . "external-ids:$kv"
done <"$ROOT${ovnIds}"
${
  uuid
    ? `
say "defining libvirt's secret of the Ceph client"
run systemctl enable --now libvirtd
run virsh secret-define --file "$ROOT${PLACES[COMPUTE_BUNDLE_FILES.cephSecret].path}"
${cephKey ? `run virsh secret-set-value --secret ${uuid} --file "$ROOT${PLACES[COMPUTE_BUNDLE_FILES.cephKey].path}"` : `say "no Ceph client key in the bundle: set it with virsh secret-set-value --secret ${uuid}"`}
`
    : ''
}
say "starting ${JOIN_SERVICES.join(', ')}"
run systemctl enable --now libvirtd-tcp.socket
for s in ${JOIN_SERVICES.join(' ')}; do
  run systemctl enable "$s"
  run systemctl restart "$s"
done

if [ "$NO_REPORT" = 1 ]; then say "done (not reported)"; exit 0; fi
version=""
if command -v nova-compute >/dev/null 2>&1; then version="$(nova-compute --version 2>/dev/null | tail -n 1 || true)"; fi
if [ -z "$version" ]; then
  for py in /usr/bin/python3 python3; do
    version="$("$py" -c 'from nova import version; print(version.version_string())' 2>/dev/null || true)"
    [ -z "$version" ] || break
  done
fi
case "$version" in
  ''|*[!0-9A-Za-z.~+-]*) echo "join $HOST: cannot tell the installed nova-compute version" >&2; exit 1 ;;
esac
say "reporting nova-compute $version"
curl -fsS -X POST -H ${shellQuote(`Authorization: Bearer ${opts.token}`)} -H 'Content-Type: application/json' --data "{\\"novaComputeVersion\\":\\"$version\\"}" ${shellQuote(opts.reportUrl)} >/dev/null
say "done"
`;
}
