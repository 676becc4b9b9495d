// The bad-input table of the actions (used by src/actions/badInput.test.ts over recording fakes and
// by src/integration/badInput.integration.test.ts on the real peers): each row changes one field of
// an action's valid input and names the one field the error must name.
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/** A valid live spec (direct, with cinder on LVM) the spec rows change one field of. */
export const liveSpec = {
  name: 'edge-9',
  release: '2025.1',
  components: ['keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder'],
  publicDomain: 'edge-9.cloud.example.org',
  storage: { backend: 'lvm' },
  delivery: { mode: 'direct', cluster: 'prod-eu', namespace: 'edge-9' },
};
const flux = (over: Record<string, unknown>) => ({ delivery: { mode: 'flux', ...over } });
const argocd = (over: Record<string, unknown>) => ({
  delivery: { mode: 'argocd', repoUrl: 'https://git.example.org/platform/gitops.git', ...over },
});
const ceph = (over: Record<string, unknown>) => ({ storage: { backend: 'ceph-rbd', monitors: ['10.0.0.11:6789'], secretName: 'ceph', ...over } });
const LONG = 'a'.repeat(300);
/** What a stored column must refuse before the database does (varchar(255) on PostgreSQL). */
const HUGE = 'a'.repeat(10_000);

/** The action a row runs. */
export type BadInputAction = 'create (demo)' | 'create (live)' | 'upgrade' | 'enroll' | 'register' | 'approval';
/** [what, action, the change to its valid input, the one field the error names]. */
export type BadInputRow = [string, BadInputAction, Record<string, unknown>, string];
/** The table: every action's free strings, bad in each way the issue lists. */
export const rows: BadInputRow[] = [
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
  ['shell in name', 'create (demo)', { name: '$(id)' }, 'input.name'],
  ['10,000-character name', 'create (demo)', { name: HUGE }, 'input.name'],
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
  ['a token in the GitOps repository URL', 'create (live)', argocd({ repoUrl: 'https://ghp_x:x-oauth@github.com/o/r.git' }), 'input.spec.delivery.repoUrl'],
  ['a file:// GitOps repository', 'create (live)', argocd({ repoUrl: 'file:///etc' }), 'input.spec.delivery.repoUrl'],
  ['no GitOps repository with Argo CD', 'create (live)', argocd({ repoUrl: undefined }), 'input.spec.delivery.repoUrl'],
  ['../ in the Git revision', 'create (live)', argocd({ revision: '../../main' }), 'input.spec.delivery.revision'],
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
  ['typed public chart URL', 'create (live)', { chartSource: { url: 'https://charts.example.org/openstack-helm/' } }, 'input.spec.chartSource.url'],
  ['typed public OCI chart URL', 'create (live)', { chartSource: { url: 'oci://ghcr.io/example/openstack-helm' } }, 'input.spec.chartSource.url'],
  ['typed chart URL beside a configured name', 'create (live)', { chartSource: { name: 'openstack-helm', url: 'https://10.0.0.5/charts/' } }, 'input.spec.chartSource.url'],
  ['a URL as the chart source name', 'create (live)', { chartSource: { name: 'https://169.254.169.254/latest/' } }, 'input.spec.chartSource.name'],
  ['../ in the chart source name', 'create (live)', { chartSource: { name: '../openstack-helm' } }, 'input.spec.chartSource.name'],
  ['an unconfigured chart source name', 'create (live)', { chartSource: { name: 'internal-mirror' } }, 'input.spec.chartSource.name'],
  ['empty chart source name', 'create (live)', { chartSource: { name: '' } }, 'input.spec.chartSource.name'],
  ['10,000-character spec name', 'create (live)', { name: HUGE }, 'input.spec.name'],
  ['shell in the public domain', 'create (live)', { publicDomain: 'x.example.org;reboot' }, 'input.spec.publicDomain'],
  ['YAML in the TLS issuer', 'create (live)', { tlsIssuer: 'le\nkind: Secret' }, 'input.spec.tlsIssuer'],
  // openstack:cloud:upgrade
  ['line break in the target release', 'upgrade', { targetRelease: '2025.2\n' }, 'input.targetRelease'],
  ['too long target release', 'upgrade', { targetRelease: LONG }, 'input.targetRelease'],
  ['../ in the Argo CD namespace', 'upgrade', { argocdNamespace: '../kube-system' }, 'input.argocdNamespace'],
  ['../ in the cloud ref', 'upgrade', { cloud: 'resource:default/../x' }, 'input.cloud'],
  ['empty cloud ref', 'upgrade', { cloud: '' }, 'input.cloud'],
  ['10,000-character cloud ref', 'upgrade', { cloud: `resource:default/${HUGE}` }, 'input.cloud'],
  ['unicode cloud ref', 'upgrade', { cloud: 'resource:default/démo' }, 'input.cloud'],
  ['empty target release', 'upgrade', { targetRelease: '' }, 'input.targetRelease'],
  // openstack:compute:enroll
  ['line break in the host', 'enroll', { host: 'cmp\n01' }, 'input.host'],
  ['unicode host', 'enroll', { host: 'ｃｍｐ-01' }, 'input.host'],
  ['zone:host in the zone', 'enroll', { availabilityZone: 'az1:cmp-01' }, 'input.availabilityZone'],
  ['space in the aggregate', 'enroll', { aggregate: 'az1 general' }, 'input.aggregate'],
  ['not an IP', 'enroll', { managementIp: '10.0.0.300' }, 'input.managementIp'],
  ['shell in the BMC address', 'enroll', { bmcAddress: '$(reboot)' }, 'input.bmcAddress'],
  ['empty host', 'enroll', { host: '' }, 'input.host'],
  ['../ in the host', 'enroll', { host: '../cmp-01' }, 'input.host'],
  ['10,000-character host', 'enroll', { host: HUGE }, 'input.host'],
  ['YAML in the zone', 'enroll', { availabilityZone: 'az1\nkind: Secret' }, 'input.availabilityZone'],
  ['../ in the cloud ref (enroll)', 'enroll', { cloud: 'resource:../../x' }, 'input.cloud'],
  // openstack:catalog:register (the path the issue wrote app-config.local.yaml through)
  ['../ in the entity namespace', 'register', { metadata: { name: 'config.local', namespace: '/../../../app' } }, 'input.entity.metadata.namespace'],
  ['../ in the entity name', 'register', { metadata: { name: '../app-config' } }, 'input.entity.metadata.name'],
  ['a Location entity', 'register', { kind: 'Location' }, 'input.entity'],
  ['an entity of another type', 'register', { spec: { type: 'service', owner: 'x' } }, 'input.entity'],
  // openstack:approval:request (what the approvals table stores)
  ['empty title', 'approval', { title: '' }, 'input.title'],
  ['10,000-character title', 'approval', { title: HUGE }, 'input.title'],
  ['line break in the title', 'approval', { title: 'Upgrade\nApproved by: alice' }, 'input.title'],
  ['10,000-character summary', 'approval', { summary: HUGE }, 'input.summary'],
  ['10,000-character approver group', 'approval', { approverGroup: `group:default/${HUGE}` }, 'input.approverGroup'],
  ['../ in the approver group', 'approval', { approverGroup: 'group:default/../admins' }, 'input.approverGroup'],
  ['unicode approver group', 'approval', { approverGroup: 'group:default/plätform' }, 'input.approverGroup'],
  ['YAML in the approver group', 'approval', { approverGroup: 'group:default/x\nkind: Location' }, 'input.approverGroup'],
  ['shell in the approver group', 'approval', { approverGroup: 'group:default/$(id)' }, 'input.approverGroup'],
  ['../ in the cloud ref (approval)', 'approval', { cloud: 'resource:default/../demo' }, 'input.cloud'],
  ['10,000-character cloud ref (approval)', 'approval', { cloud: HUGE }, 'input.cloud'],
  ['a plan of more than 64 KiB', 'approval', { plan: { notes: 'a'.repeat(70_000) } }, 'input.plan'],
  ['no form values for the run', 'approval', { runParameters: undefined }, 'input.runParameters'],
  ['form values of a run that carry its approval', 'approval', { runParameters: { approvalId: 'req-1' } }, 'input.runParameters.approvalId'],
];

/** The input of a row: the action's valid input (`base`, its example's) with the row's change. */
export function inputOf(action: BadInputAction, base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  if (action === 'create (live)') return { spec: { ...liveSpec, ...change }, waitForReady: false };
  if (action === 'register') return { entity: { ...(base as { entity: object }).entity, ...change } };
  return { ...base, ...change };
}

/** The fields an error names: the `input.…` each line starts with. */
export const fieldsNamed = (message: string) =>
  message
    .split('\n')
    .map(l => l.match(/^(input(\.[A-Za-z0-9_]+)*)/)?.[1])
    .filter(Boolean);

/**
 * Runs an action's handler on `input` as a signed-in user (an approval's requester); answers its
 * context and the error it threw, if any.
 */
export async function runRow(action: unknown, input: Record<string, unknown>) {
  const ctx = createMockActionContext({
    input,
    user: { ref: 'user:default/mock' },
    // the template of the task (the approval step files the run of this template)
    templateInfo: { entityRef: 'template:default/openstack-upgrade-cloud' },
  } as Parameters<typeof createMockActionContext>[0]);
  const error = await (action as { handler: (c: unknown) => Promise<void> }).handler(ctx).then(
    () => undefined,
    e => e,
  );
  return { ctx, error };
}
