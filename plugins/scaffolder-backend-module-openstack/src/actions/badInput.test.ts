// The bad-input table: every free string an action takes, refused where it enters with an
// InputError naming exactly its field, before anything is read or written (the fakes record
// every call: demo store, clusters, OpenStack, chart repository, catalog, disk). Rows: empty, too
// long, unicode, "../", line breaks, shell and YAML/INI metacharacters, private and link-local
// URLs. The same inputs against the real peers are a later step.
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { validateCloudSpec } from '@backstage-openstack/plugin-openstack-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import { chartRepository, NOTHING_TOUCHED, rig } from '../__testUtils__/actionRig';
import { allowAll } from '../__testUtils__/testing';

const chartRequests: string[] = [];
registerMswTestHooks(setupServer(chartRepository(chartRequests)));

/** A valid live spec (direct, with cinder on LVM) the spec rows change one field of. */
const liveSpec = {
  name: 'edge-9',
  release: '2025.1',
  components: ['keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder'],
  publicDomain: 'edge-9.cloud.example.org',
  storage: { backend: 'lvm' },
  delivery: { mode: 'direct', cluster: 'prod-eu', namespace: 'edge-9' },
};
const flux = (over: Record<string, unknown>) => ({ delivery: { mode: 'flux', ...over } });
const argocd = (over: Record<string, unknown>) => ({ delivery: { mode: 'argocd', ...over } });
const ceph = (over: Record<string, unknown>) => ({ storage: { backend: 'ceph-rbd', monitors: ['10.0.0.11:6789'], secretName: 'ceph', ...over } });
const LONG = 'a'.repeat(300);

type Row = [string, 'create (demo)' | 'create (live)' | 'upgrade' | 'enroll' | 'register', Record<string, unknown>, string];
const rows: Row[] = [
  // openstack:cloud:create, demo
  ['empty name', 'create (demo)', { name: '' }, 'input.name'],
  ['too long name', 'create (demo)', { name: LONG }, 'input.name'],
  ['unicode name', 'create (demo)', { name: 'édge-1' }, 'input.name'],
  ['../ in name', 'create (demo)', { name: '../x' }, 'input.name'],
  ['INI injection in region', 'create (demo)', { region: 'One\n[DEFAULT]\ndebug = true' }, 'input.region'],
  ['empty region', 'create (demo)', { region: '' }, 'input.region'],
  ['too long region', 'create (demo)', { region: 'R'.repeat(65) }, 'input.region'],
  ['unicode region', 'create (demo)', { region: 'Région' }, 'input.region'],
  ['YAML in region', 'create (demo)', { region: 'a: {b: c}' }, 'input.region'],
  ['../ in namespace', 'create (demo)', { namespace: '../../etc' }, 'input.namespace'],
  ['too long namespace', 'create (demo)', { namespace: 'n'.repeat(64) }, 'input.namespace'],
  ['line break in release', 'create (demo)', { release: '2026.1\n' }, 'input.release'],
  ['YAML in owner', 'create (demo)', { owner: 'group:default/x\nspec: evil' }, 'input.owner'],
  ['shell in owner', 'create (demo)', { owner: '$(id)' }, 'input.owner'],
  ['../ in cluster', 'create (demo)', { cluster: '../../../tmp' }, 'input.cluster'],
  ['shell in cluster', 'create (demo)', { cluster: 'c`id`' }, 'input.cluster'],
  // openstack:cloud:create, live: the spec
  ['INI injection in spec region', 'create (live)', { region: 'One\nlog_file = /tmp/x' }, 'input.spec.region'],
  ['INI section in ceph pool', 'create (live)', ceph({ pool: 'volumes\n[DEFAULT]' }), 'input.spec.storage.pool'],
  ['INI comment in ceph user', 'create (live)', ceph({ user: 'cinder#x' }), 'input.spec.storage.user'],
  ['empty ceph user', 'create (live)', ceph({ user: '' }), 'input.spec.storage.user'],
  ['YAML in volume group', 'create (live)', { storage: { backend: 'lvm', volumeGroup: 'vg: {a: 1}' } }, 'input.spec.storage.volumeGroup'],
  ['too long volume group', 'create (live)', { storage: { backend: 'lvm', volumeGroup: LONG } }, 'input.spec.storage.volumeGroup'],
  ['shell in a ceph monitor', 'create (live)', ceph({ monitors: ['10.0.0.11;reboot'] }), 'input.spec.storage.monitors.0'],
  ['../ in an NFS share', 'create (live)', { storage: { backend: 'nfs', shares: ['nfs01:/srv/../etc'] } }, 'input.spec.storage.shares.0'],
  ['../ in the repository path', 'create (live)', flux({ repositoryPath: '../../etc' }), 'input.spec.delivery.repositoryPath'],
  ['absolute repository path', 'create (live)', flux({ repositoryPath: '/etc/backstage' }), 'input.spec.delivery.repositoryPath'],
  ['../ in the secret path prefix', 'create (live)', argocd({ secretPathPrefix: 'secret/../../sys' }), 'input.spec.delivery.secretPathPrefix'],
  ['YAML in the Argo CD project', 'create (live)', argocd({ project: 'default\nkind: Secret' }), 'input.spec.delivery.project'],
  ['../ in the direct cluster', 'create (live)', { delivery: { mode: 'direct', cluster: '../x', namespace: 'edge-9' } }, 'input.spec.delivery.cluster'],
  ['link-local chart source (metadata service)', 'create (live)', { chartSource: { url: 'https://169.254.169.254/latest/' } }, 'input.spec.chartSource.url'],
  ['private chart source', 'create (live)', { chartSource: { url: 'https://10.0.0.5/charts/' } }, 'input.spec.chartSource.url'],
  ['localhost OCI chart source', 'create (live)', { chartSource: { url: 'oci://localhost:5000/charts' } }, 'input.spec.chartSource.url'],
  ['IPv6 loopback chart source', 'create (live)', { chartSource: { url: 'https://[::1]/charts/' } }, 'input.spec.chartSource.url'],
  ['IPv6 link-local chart source', 'create (live)', { chartSource: { url: 'https://[fe80::1]/charts/' } }, 'input.spec.chartSource.url'],
  ['loopback in short form', 'create (live)', { chartSource: { url: 'https://127.1/charts/' } }, 'input.spec.chartSource.url'],
  ['loopback as a number', 'create (live)', { chartSource: { url: 'https://2130706433/charts/' } }, 'input.spec.chartSource.url'],
  ['credentials in the chart source', 'create (live)', { chartSource: { url: 'https://u:p@charts.example.org/' } }, 'input.spec.chartSource.url'],
  ['plain http chart source', 'create (live)', { chartSource: { url: 'http://charts.example.org/' } }, 'input.spec.chartSource.url'],
  ['too long spec name', 'create (live)', { name: 'x'.repeat(41) }, 'input.spec.name'],
  // openstack:cloud:upgrade
  ['line break in the target release', 'upgrade', { targetRelease: '2025.2\n' }, 'input.targetRelease'],
  ['too long target release', 'upgrade', { targetRelease: LONG }, 'input.targetRelease'],
  ['../ in the Argo CD namespace', 'upgrade', { argocdNamespace: '../kube-system' }, 'input.argocdNamespace'],
  ['../ in the cloud ref', 'upgrade', { cloud: 'resource:default/../x' }, 'input.cloud'],
  // openstack:compute:enroll
  ['line break in the host', 'enroll', { host: 'cmp\n01' }, 'input.host'],
  ['unicode host', 'enroll', { host: 'ｃｍｐ-01' }, 'input.host'],
  ['zone:host in the zone', 'enroll', { availabilityZone: 'az1:cmp-01' }, 'input.availabilityZone'],
  ['space in the aggregate', 'enroll', { aggregate: 'az1 general' }, 'input.aggregate'],
  ['not an IP', 'enroll', { managementIp: '10.0.0.300' }, 'input.managementIp'],
  ['shell in the BMC address', 'enroll', { bmcAddress: '$(reboot)' }, 'input.bmcAddress'],
  // openstack:catalog:register (the path the issue wrote app-config.local.yaml through)
  ['../ in the entity namespace', 'register', { metadata: { name: 'config.local', namespace: '/../../../app' } }, 'input.entity.metadata.namespace'],
  ['../ in the entity name', 'register', { metadata: { name: '../app-config' } }, 'input.entity.metadata.name'],
  ['a Location entity', 'register', { kind: 'Location' }, 'input.entity'],
  ['an entity of another type', 'register', { spec: { type: 'service', owner: 'x' } }, 'input.entity'],
];

/** The fields an error names: the `input.…` each line starts with. */
const fieldsNamed = (message: string) =>
  message
    .split('\n')
    .map(l => l.match(/^(input(\.[A-Za-z0-9_]+)*)/)?.[1])
    .filter(Boolean);

describe('bad input to the actions', () => {
  beforeEach(() => {
    chartRequests.length = 0;
  });

  it('has a valid base for every row (the live spec validates)', () => {
    expect(validateCloudSpec(liveSpec).issues).toEqual([]);
  });

  it.each(rows)('%s (%s, %j): refused naming %s, nothing changed', async (_what, action, change, field) => {
    const { actions, touched } = rig(allowAll(), chartRequests);
    const [handlerOwner, base] = {
      'create (demo)': actions['openstack:cloud:create (demo)'],
      'create (live)': [actions['openstack:cloud:create (live)'][0], {}],
      upgrade: actions['openstack:cloud:upgrade'],
      enroll: actions['openstack:compute:enroll'],
      register: actions['openstack:catalog:register'],
    }[action];
    let input: Record<string, unknown> = { ...base, ...change };
    if (action === 'create (live)') input = { spec: { ...liveSpec, ...change }, waitForReady: false };
    if (action === 'register') input = { entity: { ...(base as { entity: object }).entity, ...change } };
    const ctx = createMockActionContext({ input } as Parameters<typeof createMockActionContext>[0]);
    const error = await (handlerOwner.handler as (c: unknown) => Promise<void>)(ctx).then(
      () => undefined,
      e => e,
    );
    expect(error?.name).toBe('InputError');
    expect(fieldsNamed(error.message)).toEqual([field]);
    expect(touched()).toEqual(NOTHING_TOUCHED);
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
