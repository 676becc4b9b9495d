/*
 * openstack:compute:maintenance and openstack:compute:decommission on the real peers: OpenStack
 * Zed (Keystone application credential, Nova with fake-driver computes, Placement, Neutron ML2/OVN
 * with a real ovn-controller per host). Maintenance: servers (a tiny flavor, an image record in
 * Glance) booted on compute1 are live-migrated away by the action; then it ends. Decommission: a
 * new host (add-compute.sh), discovered, in an aggregate, is removed, and every API is asked
 * whether anything of it is left.
 */
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import * as k8s from '@kubernetes/client-node';
import { ClusterClient, OpenStackClient, readOpenStackCloud } from '@backstage-openstack/plugin-openstack-node';
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  onboardCloudNamespace,
  peerEnv,
  suiteKubeConfig,
  uniqueName,
} from '@backstage-openstack/plugin-openstack-node/testUtils';
import { parseMaintenanceReason } from '@backstage-openstack/plugin-openstack-common';
import { allowAll, cloudStatus, noApprovalsRequired, recoverableContext, scriptedApi } from '../__testUtils__/testing';
import { peerScript } from '../__testUtils__/computeHostStandIns';
import { createComputeMaintenanceAction } from '../actions/computeMaintenance';
import { createComputeDecommissionAction } from '../actions/computeDecommission';
import { openLiveHost } from '../actions/computeHostLive';
import { hostOpener } from '../actions/hostAction';

const run = promisify(execFile);
const SOURCE = 'compute1';
const SERVERS = 4;

describePeers('compute host maintenance and decommission on the real peers', () => {
  const tag = uniqueName('it-host');
  // the cloud's namespace, onboarded as the platform team does (deploy/rbac/cloud-namespace.yaml): the host's bundle Secret is there
  const ns = `${tag}-ns`;
  const adminCore = lazy(() => adminKubeConfig().makeApiClient(k8s.CoreV1Api));
  const config = lazy(() =>
    mockServices.rootConfig({
      data: {
        openstack: {
          clouds: {
            peers: {
              authUrl: peerEnv('OS_AUTH_URL'),
              region: peerEnv('OS_REGION_NAME'),
              applicationCredentialId: peerEnv('OS_APPLICATION_CREDENTIAL_ID'),
              applicationCredentialSecret: fs.readFileSync(peerEnv('OS_APPLICATION_CREDENTIAL_SECRET_FILE'), 'utf8').trim(),
            },
          },
        },
      },
    }),
  );
  const openstack = lazy(() => new OpenStackClient(readOpenStackCloud('peers', config().getConfig('openstack.clouds.peers'))));
  const catalog = () =>
    catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: 'peers',
            namespace: 'default',
            annotations: {
              'openstack.backstage.io/cloud': 'peers',
              'openstack.backstage.io/delivery': 'direct',
              'openstack.backstage.io/cluster': 'peers',
              'openstack.backstage.io/namespace': ns,
            },
          },
          spec: { type: 'openstack-cloud', owner: 'platform-team', lifecycle: 'experimental' },
        },
      ],
    });
  const openHost = hostOpener((cloud, host) =>
    openLiveHost(
      {
        openstack: () => openstack(),
        settings: () => undefined,
        cluster: name => {
          if (name !== 'peers') throw new Error(`no cluster ${name} in this test`);
          return new ClusterClient('peers', suiteKubeConfig());
        },
        hasCloud: key => key === 'peers',
      },
      cloud,
      host,
    ),
  );
  const user = { ref: 'user:default/alice' };
  const lines: string[] = [];
  const logger: any = {
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
    debug: () => undefined,
    child: () => logger,
  };
  const created: { flavor?: string; image?: string; servers: string[]; hosts: string[]; aggregates: number[] } = { servers: [], hosts: [], aggregates: [] };

  afterAll(async () => {
    const os = openstack();
    for (const id of created.servers) await os.nova.call(`servers/${id}`, { method: 'DELETE' }).catch(() => undefined);
    // compute1 back in service whatever happened
    const [svc] = await os.nova.listComputeServices({ binary: 'nova-compute', host: SOURCE }).catch(() => []);
    if (svc && svc.status === 'disabled' && parseMaintenanceReason(svc.disabledReason)?.reason.includes(tag)) {
      await os.nova.setComputeServiceStatus(svc.id, true).catch(() => undefined);
    }
    for (const h of created.hosts) await peerScript('remove-compute.sh', h).catch(() => undefined);
    for (const id of created.aggregates) {
      const a = (await os.nova.listAggregates().catch(() => [])).find(x => x.id === id);
      for (const h of a?.hosts ?? []) await os.nova.removeHostFromAggregate(id, h).catch(() => undefined);
      await os.nova.deleteAggregate(id).catch(() => undefined);
    }
    if (created.flavor) await os.nova.call(`flavors/${created.flavor}`, { method: 'DELETE' }).catch(() => undefined);
    if (created.image) await os.session.request('image', `v2/images/${created.image}`, { method: 'DELETE' }).catch(() => undefined);
    await adminCore().deleteNamespace({ name: ns }).catch(() => undefined);
    await os.close();
  });

  /** A tiny flavor and an active image record (a few bytes in Glance's file store): the FakeDriver boots anything. */
  async function flavorAndImage(os: OpenStackClient) {
    const { body: f } = await os.nova.call('flavors', { method: 'POST', body: { flavor: { name: `${tag}-tiny`, vcpus: 1, ram: 64, disk: 1 } } });
    created.flavor = f.flavor.id;
    const imagePath = /\/v2\/?$/.test(await os.session.endpoint('image')) ? 'images' : 'v2/images';
    const { body: img } = await os.session.request('image', imagePath, {
      method: 'POST',
      body: { name: `${tag}-image`, disk_format: 'raw', container_format: 'bare', visibility: 'private' },
    });
    created.image = img.id;
    const token = await os.session.keystone.token();
    const put = await fetch(`${(await os.session.endpoint('image')).replace(/\/+$/, '')}/${imagePath}/${img.id}/file`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': token.value, 'Content-Type': 'application/octet-stream' },
      body: randomBytes(512),
    });
    expect(put.status).toBe(204);
    return { flavor: f.flavor.id as string, image: img.id as string };
  }

  it(`enter: ${SERVERS} servers on ${SOURCE} are live-migrated away by the scheduler; exit enables it again`, async () => {
    const os = openstack();
    const [before] = await os.nova.listComputeServices({ binary: 'nova-compute', host: SOURCE });
    expect(before).toMatchObject({ state: 'up', status: 'enabled' });
    const { flavor, image } = await flavorAndImage(os);
    for (let i = 1; i <= SERVERS; i++) {
      // microversion 2.74: an admin names the host; no network (the FakeDriver plugs nothing)
      const { body } = await os.nova.call(
        'servers',
        { method: 'POST', body: { server: { name: `${tag}-${i}`, imageRef: image, flavorRef: flavor, networks: 'none', host: SOURCE } } },
        '2.74',
      );
      created.servers.push(body.server.id);
    }
    await eventually(
      `${SERVERS} servers ACTIVE on ${SOURCE}`,
      async () => {
        const servers = await Promise.all(created.servers.map(id => os.nova.getServer(id)));
        expect(servers.map(x => [x?.status, x?.host])).toEqual(Array(SERVERS).fill(['ACTIVE', SOURCE]));
        return true;
      },
      120_000,
    );

    const s = scriptedApi({ status: () => cloudStatus('2025.1') });
    const action = createComputeMaintenanceAction({ permissions: allowAll(), catalog: catalog(), api: s.api, openHost, pollMs: 1000 });
    const input = { cloud: 'resource:default/peers', host: SOURCE, reason: `${tag}: firmware`, parallel: 2, timeoutMinutes: 8 };
    const started = Date.now();
    const enter = recoverableContext({ ...input, mode: 'enter' }, new Map(), { user, logger });
    await action.handler(enter as any);
    const seconds = Math.round((Date.now() - started) / 1000);

    const [during] = await os.nova.listComputeServices({ binary: 'nova-compute', host: SOURCE });
    expect(during.status).toBe('disabled');
    expect(parseMaintenanceReason(during.disabledReason)).toEqual({ reason: `${tag}: firmware`, by: 'user:default/alice', since: expect.any(String) });
    const after = await Promise.all(created.servers.map(id => os.nova.getServer(id)));
    // every server left compute1, is running where the scheduler put it (compute2, or another enabled peer host)
    for (const server of after) {
      expect(server?.status).toBe('ACTIVE');
      expect(server?.host).not.toBe(SOURCE);
      expect(server?.host).toBeTruthy();
    }
    expect(enter.output).toHaveBeenCalledWith('moved', expect.arrayContaining(created.servers));
    expect(enter.output).toHaveBeenCalledWith('failed', []);
    expect(await os.nova.listServersOnHost(SOURCE)).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(`maintenance: ${SERVERS} servers moved off ${SOURCE} in ${seconds} s, to ${after.map(x => x?.host).join(', ')}`);

    const exit = recoverableContext({ ...input, mode: 'exit' }, new Map(), { user, logger });
    await action.handler(exit as any);
    const [back] = await os.nova.listComputeServices({ binary: 'nova-compute', host: SOURCE });
    expect(back).toMatchObject({ status: 'enabled', disabledReason: null });
  }, 600_000);

  it('decommissions an empty host: nothing left in os-services, os-hypervisors, Placement, Neutron (nor the OVN SB) or aggregates', async () => {
    const os = openstack();
    const host = `${tag}-dec`;
    created.hosts.push(host);
    await peerScript('add-compute.sh', host);
    await eventually(
      `${host} mapped, with its OVN Controller and Metadata agents alive`,
      async () => {
        await peerScript('discover-hosts.sh');
        expect((await os.nova.findHypervisors(host)).length).toBe(1);
        expect((await os.neutron.listAgents({ host })).filter(a => a.alive).map(a => a.agentType).sort()).toEqual(['OVN Controller agent', 'OVN Metadata agent']);
        return true;
      },
      180_000,
    );
    const agg = await os.nova.createAggregate(`${tag}-agg`);
    created.aggregates.push(agg.id);
    await os.nova.addHostToAggregate(agg.id, host);
    expect((await os.placement.listResourceProviders({ name: host })).length).toBe(1);
    expect(await chassis()).toContain(host);
    // its bundle, as openstack:compute:enroll left it (labels name the host and the cloud), and another host's
    await onboardCloudNamespace(ns, 'peers');
    const bundle = (h: string) => ({
      metadata: { name: `compute-bundle-${h}`, labels: { 'openstack.backstage.io/compute-host': h, 'openstack.backstage.io/cloud': 'peers' } },
      stringData: { 'nova-compute.conf': `[DEFAULT]\nhost = ${h}\n` },
    });
    await adminCore().createNamespacedSecret({ namespace: ns, body: bundle(host) });
    await adminCore().createNamespacedSecret({ namespace: ns, body: bundle('compute2') });

    // the operator powers the host off once it is in maintenance (a running nova-compute would register again)
    let stopped = false;
    const poweroff = setInterval(async () => {
      if (stopped) return;
      const [svc] = await os.nova.listComputeServices({ binary: 'nova-compute', host }).catch(() => []);
      if (svc?.status === 'disabled') {
        stopped = true;
        await peerScript('stop-compute.sh', host);
      }
    }, 1000);
    const s = scriptedApi({ status: () => cloudStatus('2025.1') });
    s.entities.set(`resource:default/peers.${host}`, { kind: 'Resource' });
    const action = createComputeDecommissionAction({ permissions: allowAll(), catalog: catalog(), api: s.api, openHost, approvals: noApprovalsRequired, pollMs: 2000 });
    const started = Date.now();
    try {
      await action.handler(recoverableContext({ cloud: 'resource:default/peers', host, timeoutMinutes: 5 }, new Map(), { user, logger }) as any);
    } finally {
      clearInterval(poweroff);
    }
    // eslint-disable-next-line no-console
    console.log(`decommission of ${host}: ${Math.round((Date.now() - started) / 1000)} s (most of it waiting for Nova to see the service down)`);

    expect(await os.nova.listComputeServices({ host })).toEqual([]);
    expect(await os.nova.findHypervisors(host)).toEqual([]);
    expect(await os.placement.listResourceProviders({ name: host })).toEqual([]);
    expect(await os.neutron.listAgents({ host })).toEqual([]);
    expect((await os.nova.listAggregates()).filter(a => a.hosts.includes(host))).toEqual([]);
    // Neutron's OVN driver deleted the chassis with its agent
    expect(await chassis()).not.toContain(host);
    expect(s.entities.has(`resource:default/peers.${host}`)).toBe(false);
    // its bundle Secret is gone, another host's is kept
    const names = (await adminCore().listNamespacedSecret({ namespace: ns })).items.map(x => x.metadata?.name);
    expect(names).toContain('compute-bundle-compute2');
    expect(names).not.toContain(`compute-bundle-${host}`);
  }, 600_000);
});

/** The chassis names in the OVN southbound DB (ovn-sbctl, from the peer's own packages). */
async function chassis(): Promise<string[]> {
  const { stdout } = await run('ovn-sbctl', ['--db=tcp:127.0.0.1:6642', '--bare', '--columns=name', 'list', 'Chassis']);
  return stdout.split('\n').map(l => l.trim()).filter(Boolean);
}
