/**
 * @jest-environment node
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPUTE_BUNDLE_FILES, ComputeBundleSettings, renderComputeBundle } from './enroll';
import { joinFilePath, joinInstructions, novaSeriesOf, renderJoinScript } from './join';

const settings: ComputeBundleSettings = {
  keystoneUrl: 'https://keystone.example.org/v3',
  endpointInterface: 'internal',
  messageQueue: { hosts: ['mq:5672'], vhost: 'nova', user: 'nova', tls: false },
  users: { nova: 'nova', placement: 'placement', neutron: 'neutron' },
  serviceProject: 'service',
  serviceDomain: 'default',
  ovnRemote: 'tcp:10.0.0.10:6642',
  libvirt: { virtType: 'kvm', cpuMode: 'host-model' },
  metadata: { host: 'nova-metadata', port: 8775, protocol: 'http' },
  storage: { backend: 'ceph-rbd', pool: 'vms', user: 'cinder', secretUuid: '457eb676-33da-42ec-9a8c-9293d545c337', monitors: ['10.0.0.21'] },
};
const bundle = renderComputeBundle(
  { host: 'cmp-1', managementIp: '10.0.0.5', overlayIp: '10.1.0.5', availabilityZone: 'az1', cloudKey: 'lab' },
  settings,
  // a password with every character a shell or a heredoc might trip on
  { messageQueue: `p'"$(x)\`y\`$HOME\\`, nova: 'n', placement: 'p', neutron: 'q', metadataProxy: 'm', cephClientKey: 'QVFCa2V5PT0=' },
);

const TOKEN = `${'A'.repeat(20)}_b-c${'D'.repeat(19)}`;

describe('renderJoinScript', () => {
  const script = renderJoinScript(bundle, { host: 'cmp-1', cloudKey: 'lab', reportUrl: 'https://portal.example.org/api/openstack/join/report', token: TOKEN });

  it('reports with the token in the Authorization header, never in the URL', () => {
    expect(script).toContain(`curl -fsS -X POST -H 'Authorization: Bearer ${TOKEN}' -H 'Content-Type: application/json'`);
    expect(script).toContain(`'https://portal.example.org/api/openstack/join/report' >/dev/null`);
    expect(script.split('\n').filter(l => l.includes('https://')).every(l => !/https:\/\/\S*A{20}/.test(l))).toBe(true);
    expect(() => renderJoinScript(bundle, { host: 'cmp-1', cloudKey: 'lab', reportUrl: 'https://p/r', token: "x'; rm -rf /" })).toThrow(/join token/);
  });

  it('writes every bundle file byte for byte where its service reads it (run with a root prefix, nothing started)', () => {
    const root = mkdtempSync(join(tmpdir(), 'bso-join-'));
    try {
      const out = execFileSync('sh', ['-c', script], {
        env: { PATH: process.env.PATH, BSO_JOIN_ROOT: root, BSO_JOIN_NO_SERVICES: '1', BSO_JOIN_NO_REPORT: '1' },
        encoding: 'utf8',
      });
      for (const [file, content] of Object.entries(bundle)) {
        const path = joinFilePath(file)!;
        expect(readFileSync(join(root, path), 'utf8')).toBe(content);
        expect(out).toContain(`wrote ${path}`);
      }
      expect(statSync(join(root, '/etc/nova/nova-compute.conf')).mode & 0o777).toBe(0o640);
      expect(statSync(join(root, '/etc/libvirt/backstage-openstack-ceph-client.key')).mode & 0o777).toBe(0o600);
      // what it would run, in order; the credentials never printed
      expect(out).toMatch(/would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y nova-compute-kvm ovn-host neutron-ovn-metadata-agent ceph-common/);
      expect(out).toContain('would run: ovs-vsctl set open_vswitch . external-ids:ovn-encap-ip=10.1.0.5');
      expect(out).toContain('would run: virsh secret-set-value --secret 457eb676-33da-42ec-9a8c-9293d545c337 --file');
      expect(out).toMatch(/would run: systemctl restart nova-compute\njoin cmp-1: done \(not reported\)/);
      expect(out).not.toContain('$(x)');
      expect(out).not.toContain('QVFCa2V5PT0=');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a file it does not know where to put, and a content holding its heredoc end', () => {
    expect(() => renderJoinScript({ 'other.conf': 'x' }, { host: 'cmp-1', cloudKey: 'lab', reportUrl: 'https://p/r', token: TOKEN })).toThrow(/other\.conf/);
    expect(() =>
      renderJoinScript({ [COMPUTE_BUNDLE_FILES.host]: 'a\nBSO_JOIN_EOF_0\nb' }, { host: 'cmp-1', cloudKey: 'lab', reportUrl: 'https://p/r', token: TOKEN }),
    ).toThrow(/contains the line/);
    expect(() => renderJoinScript(bundle, { host: 'cmp-1', cloudKey: 'lab', reportUrl: "https://p/r'; rm -rf /", token: TOKEN })).toThrow(/report URL/);
  });
});

describe('joinInstructions', () => {
  it('gives the command and the cloud-init user-data', () => {
    const j = joinInstructions('https://portal.example.org/api/openstack/join', TOKEN);
    // the token in a header, not in the URL (a request log writes URLs)
    expect(j.command).toBe(`curl -fsS -H 'Authorization: Bearer ${TOKEN}' 'https://portal.example.org/api/openstack/join' | sudo sh`);
    expect(j.cloudInit).toBe(
      `#cloud-config\nruncmd:\n  - [sh, -c, "curl -fsS -H 'Authorization: Bearer ${TOKEN}' 'https://portal.example.org/api/openstack/join' | sh"]\n`,
    );
    expect(() => joinInstructions('file:///etc/passwd', TOKEN)).toThrow();
    expect(() => joinInstructions('https://portal.example.org/api/openstack/join', 'not a token')).toThrow(/join token/);
  });
});

describe('novaSeriesOf', () => {
  it.each([
    ['26.2.2', '2022.2'],
    ['31.0.1', '2025.1'],
    ['32.1.0~rc1', '2025.2'],
    ['99.0.0', undefined],
    ['2025.1', undefined],
    ['31.0.1; rm', undefined],
  ])('%s → %s', (v, s) => expect(novaSeriesOf(v)).toBe(s));
});
