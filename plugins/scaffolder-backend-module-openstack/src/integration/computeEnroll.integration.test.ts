/*
 * openstack:compute:enroll end to end on the real peers: the real kube-apiserver (as the suite's
 * ServiceAccount bound to deploy/rbac/backstage-openstack.yaml, plus the backstage-openstack-jobs
 * RoleBinding in the cloud's namespace) and the real OpenStack Zed (Keystone application
 * credential, Nova, Neutron). The test plays what runs outside the action: the host's provisioning
 * (pulls the bundle Secret, starts a fake-driver nova-compute for the host) and the Job controller
 * of the nova-cell-setup Jobs (runs the real nova-manage cell_v2 discover_hosts).
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ClusterClient, OpenStackClient, readOpenStackCloud } from '@backstage-openstack/plugin-openstack-node';
// the peers' test helpers: the node package's testUtils
import {
  adminKubeConfig,
  describePeers,
  lazy,
  peerEnv,
  suiteKubeConfig,
  uniqueName,
  onboardCloudNamespace,
} from '@backstage-openstack/plugin-openstack-node/testUtils';
import { hostEntityName } from '@backstage-openstack/plugin-openstack-common';
import { cloudStatus, recoverableContext, scriptedApi, testDrivers, allowAll, noApprovalsRequired } from '../__testUtils__/testing';
import { readComputeEnrollSettings } from '../computeEnrollSettings';
import { createComputeEnrollAction } from '../actions/computeEnroll';
import { CellSetupJobController, HostProvisioning, JOB_MANAGED_BY, peerScript } from '../__testUtils__/computeHostStandIns';

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminBatch = lazy(() => admin().makeApiClient(k8s.BatchV1Api));
const adminRbac = lazy(() => admin().makeApiClient(k8s.RbacAuthorizationV1Api));

/** Whether the OpenStack peer maps new hosts by itself (scheduler periodic discovery). */
function periodicDiscovery(): boolean {
  const conf = fs.readFileSync('/etc/nova/nova.conf', 'utf8');
  const m = /^discover_hosts_in_cells_interval\s*=\s*(-?\d+)/m.exec(conf);
  return !!m && Number(m[1]) > 0;
}

describePeers('openstack:compute:enroll on the real peers', () => {
  const ns = uniqueName('it-enroll');
  const host = uniqueName('it-cmp');
  const zone = uniqueName('it-az');
  const aggregate = uniqueName('it-agg');
  const managementIp = `10.${200 + (randomBytes(1)[0] % 50)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 250)}`;
  // the cloud's credential Secrets, as openstack:cloud:create makes them (random values)
  const credentials: Record<string, string> = Object.fromEntries(
    ['nova-rabbitmq', 'nova-keystone', 'placement-keystone', 'neutron-keystone'].map(s => [`peers-${s}`, randomBytes(24).toString('base64url')]),
  );
  // the OVN metadata agent's shared secret (key shared-secret)
  const metadataSecret = randomBytes(24).toString('base64url');
  // made on first use: the unit-test runner also collects this file (and skips it) without peers.env
  const configData = lazy(() => ({
    openstack: {
      clouds: {
        peers: {
          authUrl: peerEnv('OS_AUTH_URL'),
          region: peerEnv('OS_REGION_NAME'),
          applicationCredentialId: peerEnv('OS_APPLICATION_CREDENTIAL_ID'),
          applicationCredentialSecret: fs.readFileSync(peerEnv('OS_APPLICATION_CREDENTIAL_SECRET_FILE'), 'utf8').trim(),
          computeEnrollment: {
            messageQueue: { hosts: ['127.0.0.1:5672'] },
            ovnRemote: 'tcp:127.0.0.1:6642',
            discoveryWaitSeconds: 10,
          },
        },
      },
    },
  }));
  const config = lazy(() => mockServices.rootConfig({ data: configData() }));
  const openstack = lazy(() => new OpenStackClient(readOpenStackCloud('peers', config().getConfig('openstack.clouds.peers'))));

  beforeAll(async () => {
    // the cloud's namespace as the platform team onboards it (deploy/rbac/cloud-namespace.yaml:
    // the suite's Secrets there), and Jobs in it only through this RoleBinding (deploy/rbac/README)
    await onboardCloudNamespace(ns, 'peers');
    await adminRbac().createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'backstage-openstack-jobs' },
        subjects: [{ kind: 'ServiceAccount', name: 'backstage-openstack', namespace: 'backstage-openstack' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'backstage-openstack-jobs' },
      },
    });
    // openstack-helm's nova-cell-setup CronJob (suspended: only the action's Jobs run)
    await adminBatch().createNamespacedCronJob({
      namespace: ns,
      body: {
        metadata: { name: 'nova-cell-setup', labels: { application: 'nova', component: 'cell-setup' } },
        spec: {
          schedule: '*/30 * * * *',
          suspend: true,
          jobTemplate: {
            metadata: { labels: { application: 'nova', component: 'cell-setup' } },
            spec: {
              managedBy: JOB_MANAGED_BY,
              backoffLimit: 1000,
              template: {
                metadata: { labels: { application: 'nova', component: 'cell-setup' } },
                spec: {
                  restartPolicy: 'OnFailure',
                  containers: [{ name: 'nova-cell-setup', image: 'quay.io/airshipit/nova:2025.1-ubuntu_noble', command: ['/tmp/cell-setup.sh'] }],
                },
              },
            },
          },
        },
      },
    });
    for (const [name, password] of Object.entries(credentials)) {
      await adminCore().createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData: { password } } });
    }
    await adminCore().createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'peers-metadata-proxy' }, stringData: { 'shared-secret': metadataSecret } } });
  });

  afterAll(async () => {
    await peerScript('remove-compute.sh', host).catch(() => undefined);
    const os = openstack();
    for (const a of await os.nova.listAggregates().catch(() => [])) {
      if (a.name !== aggregate) continue;
      for (const h of a.hosts) await os.nova.removeHostFromAggregate(a.id, h).catch(() => undefined);
      await os.nova.deleteAggregate(a.id).catch(() => undefined);
    }
    await adminCore().deleteNamespace({ name: ns }).catch(() => undefined);
    await os.close();
  });

  it('enrolls a new fake-driver host: bundle Secret, up, discovered and mapped, enabled, in its aggregate, agent alive', async () => {
    const periodic = periodicDiscovery();
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: 'peers',
            namespace: 'default',
            annotations: {
              'openstack.backstage.io/cloud': 'peers',
              'openstack.backstage.io/cluster': 'peers',
              'openstack.backstage.io/namespace': ns,
              'openstack.backstage.io/delivery': 'direct',
            },
          },
          spec: { type: 'openstack-cloud', owner: 'platform-team', lifecycle: 'experimental' },
        },
      ],
    });
    const { api } = scriptedApi({ status: () => cloudStatus('2025.1') });
    const action = createComputeEnrollAction({ approvals: noApprovalsRequired,
      permissions: allowAll(),
      catalog,
      api,
      drivers: testDrivers(api, {
        enrollSettings: key => readComputeEnrollSettings(config(), key),
        openstack: () => openstack(),
        cluster: name => {
          if (name !== 'peers') throw new Error(`No Kubernetes cluster "${name}"`);
          return new ClusterClient('peers', suiteKubeConfig());
        },
      }),
      pollMs: 1000,
      progressMs: 10_000,
    });
    const jobs = new CellSetupJobController(admin(), ns);
    const provisioning = new HostProvisioning(admin(), ns, host);
    jobs.start();
    provisioning.start();
    const lines: string[] = [];
    const logger: any = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(`warn ${m}`),
      error: (m: string) => lines.push(`error ${m}`),
      debug: () => undefined,
      child: () => logger,
    };
    // the two tasks of a joining host, as templates/enroll-host runs them: the user's ends once the
    // token is issued (its output: the command); the continuation (joinId) goes on once the host
    // reported (the scripted join: the host's script reports at the second read)
    const values = { cloud: 'resource:default/peers', host, managementIp, overlayIp: '10.99.0.7', availabilityZone: zone, aggregate, timeoutMinutes: 4 };
    const templateInfo = { entityRef: 'template:default/openstack-enroll-host' };
    const first = recoverableContext({ ...values, runParameters: values }, new Map(), { logger, templateInfo });
    let continuation: ReturnType<typeof recoverableContext> | undefined;
    try {
      await action.handler(first as any);
      expect(first.output).toHaveBeenCalledWith('next', expect.stringContaining(`Run the join command on ${host} as root`));
      expect(api.issueJoinToken).toHaveBeenCalledTimes(1);
      const { joinId } = await api.issueJoinToken.mock.results[0].value;
      continuation = recoverableContext({ ...values, joinId, runParameters: { ...values, joinId } }, new Map(), { logger, templateInfo });
      await action.handler(continuation as any);
    } finally {
      await jobs.stop();
      await provisioning.stop();
    }

    // the host pulled its bundle: its own name, the message queue with the cloud's credential
    expect(provisioning.bundle?.['nova-compute.conf']).toContain(`host = ${host}\n`);
    expect(provisioning.bundle?.['nova-compute.conf']).toContain(`transport_url = rabbit://nova:${credentials['peers-nova-rabbitmq']}@127.0.0.1:5672/nova`);
    expect(provisioning.bundle?.['ovn-external-ids.conf']).toContain('ovn-encap-ip=10.99.0.7');
    const secret = await adminCore().readNamespacedSecret({ name: `compute-bundle-${host}`, namespace: ns });
    expect(secret.metadata?.labels?.['openstack.backstage.io/compute-host']).toBe(host);
    expect(secret.metadata?.managedFields?.map(f => f.manager)).toContain('backstage-openstack');

    // Nova: up and enabled, mapped (os-hypervisors lists mapped hosts only), in the aggregate of the zone
    const os = openstack();
    const [service] = await os.nova.listComputeServices({ binary: 'nova-compute', host });
    expect(service).toMatchObject({ host, state: 'up', status: 'enabled' });
    expect((await os.nova.findHypervisors(host)).map(h => h.serviceHost)).toEqual([host]);
    const agg = (await os.nova.listAggregates()).find(a => a.name === aggregate);
    expect(agg).toMatchObject({ availabilityZone: zone, hosts: [host] });
    // Neutron: the host's OVN chassis (ovn-controller) and its metadata agent are alive
    const agents = await os.neutron.listAgents({ host });
    expect(agents.find(a => a.binary === 'ovn-controller')?.alive).toBe(true);
    expect(agents.find(a => a.binary === 'neutron-ovn-metadata-agent')?.alive).toBe(true);

    // discovery: the action's own Jobs mapped the host (a peer started before periodic discovery
    // was turned off may still map it by itself)
    const mappedByJob = jobs.completed.length >= 1 && /is mapped to its cell \(listed in os-hypervisors\) after discovery \d+/.test(lines.join('\n'));
    expect({ periodic, mappedByJob }).toEqual({ periodic, mappedByJob: periodic ? mappedByJob : true });

    // the catalog entity, and nothing secret in the log or the outputs
    expect(continuation!.output).toHaveBeenCalledWith(
      'entity',
      expect.objectContaining({
        metadata: expect.objectContaining({ name: hostEntityName('peers', host), annotations: { 'openstack.backstage.io/cloud': 'peers', 'openstack.backstage.io/host': host, 'openstack.backstage.io/release': '2025.1', 'openstack.backstage.io/nova-compute-version': '31.0.1' } }),
        spec: expect.objectContaining({ type: 'openstack-compute-host', dependsOn: ['resource:default/peers'] }),
      }),
    );
    expect(first.output).toHaveBeenCalledWith('bundleSecret', `${ns}/compute-bundle-${host}`);
    const outputs = [first, continuation!].flatMap(c => (c.output as jest.Mock).mock.calls);
    const everything = `${lines.join('\n')}\n${JSON.stringify(outputs)}`;
    for (const v of [...Object.values(credentials), configData().openstack.clouds.peers.applicationCredentialSecret]) {
      expect(everything).not.toContain(v);
    }
  }, 400_000);
});
