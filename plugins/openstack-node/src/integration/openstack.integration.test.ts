/*
 * Against the real OpenStack peer (Debian bookworm = Zed: Keystone, Nova with two fake computes,
 * Placement, Neutron with ML2/OVN and real ovn-controllers, Cinder, Glance), authenticated with the portal's
 * application credential, as the backend will be.
 */
import {
  describePeers,
  eventually,
  openStackSession,
  OpenStackSession,
} from './peers';

const COMPUTE = { 'OpenStack-API-Version': 'compute 2.88' };
const PLACEMENT = { 'OpenStack-API-Version': 'placement 1.39' };
const VOLUME = { 'OpenStack-API-Version': 'volume 3.70' };
const HOSTS = ['compute1', 'compute2'];

interface NovaService {
  id: string;
  binary: string;
  host: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  disabled_reason: string | null;
}

describePeers('openstack peer, with the application credential', () => {
  let os: OpenStackSession;
  beforeAll(async () => {
    os = await openStackSession();
  });

  describe('keystone', () => {
    it('issues a project-scoped token whose catalog lists every service on loopback', () => {
      expect(os.token).toBeTruthy();
      const types = os.catalog.map(c => c.type);
      expect(types).toEqual(
        expect.arrayContaining([
          'identity',
          'compute',
          'placement',
          'network',
          'volumev3',
          'image',
        ]),
      );
      for (const type of [
        'identity',
        'compute',
        'placement',
        'network',
        'volumev3',
        'image',
      ]) {
        expect(os.endpoint(type)).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      }
      expect(os.endpoint('volumev3')).toContain(os.projectId);
    });

    it('validates the token and says it came from an application credential', async () => {
      const { body } = await os.call(
        'GET',
        `${os.endpoint('identity')}/auth/tokens`,
        {
          headers: { 'X-Subject-Token': os.token },
        },
      );
      expect(body.token.methods).toEqual(['application_credential']);
      expect(body.token.application_credential.name).toBe(
        'backstage-openstack',
      );
      expect(body.token.roles.map((r: { name: string }) => r.name)).toContain(
        'admin',
      );
    });
  });

  describe('nova', () => {
    it('lists the two fake hypervisors, up', async () => {
      const { body } = await os.call(
        'GET',
        `${os.endpoint('compute')}/os-hypervisors/detail`,
        {
          headers: COMPUTE,
        },
      );
      const byName = new Map<string, any>(
        body.hypervisors.map((h: any) => [h.hypervisor_hostname, h]),
      );
      for (const host of HOSTS) {
        expect(byName.get(host)).toMatchObject({
          state: 'up',
          status: 'enabled',
          hypervisor_type: 'fake',
        });
      }
    });

    it('lists its services: conductor, scheduler and the computes, all up', async () => {
      const { body } = await os.call(
        'GET',
        `${os.endpoint('compute')}/os-services`,
        {
          headers: COMPUTE,
        },
      );
      const services: NovaService[] = body.services;
      const up = services
        .filter(s => s.state === 'up')
        .map(s => `${s.binary}@${s.host}`);
      expect(up).toEqual(
        expect.arrayContaining([
          'nova-conductor@controller',
          'nova-scheduler@controller',
          ...HOSTS.map(h => `nova-compute@${h}`),
        ]),
      );
    });

    it('disables a compute service with a reason and enables it again', async () => {
      const base = `${os.endpoint('compute')}/os-services`;
      const { body } = await os.call(
        'GET',
        `${base}?binary=nova-compute&host=compute2`,
        {
          headers: COMPUTE,
        },
      );
      const service: NovaService = body.services[0];
      expect(service).toBeDefined();
      try {
        const disabled = await os.call('PUT', `${base}/${service.id}`, {
          headers: COMPUTE,
          body: {
            status: 'disabled',
            disabled_reason: 'integration test: maintenance',
          },
        });
        expect(disabled.body.service).toMatchObject({
          status: 'disabled',
          disabled_reason: 'integration test: maintenance',
        });
        const hyp = await os.call(
          'GET',
          `${os.endpoint('compute')}/os-hypervisors/detail`,
          {
            headers: COMPUTE,
          },
        );
        expect(
          hyp.body.hypervisors.find(
            (h: any) => h.hypervisor_hostname === 'compute2',
          ).status,
        ).toBe('disabled');
      } finally {
        const enabled = await os.call('PUT', `${base}/${service.id}`, {
          headers: COMPUTE,
          body: { status: 'enabled' },
        });
        expect(enabled.body.service).toMatchObject({
          status: 'enabled',
          disabled_reason: null,
        });
      }
    });
  });

  describe('neutron', () => {
    it('lists an alive OVN Controller agent and OVN Metadata agent on each compute host', async () => {
      const { body } = await os.call(
        'GET',
        `${os.endpoint('network')}/v2.0/agents`,
      );
      for (const host of HOSTS) {
        expect(body.agents).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              host,
              agent_type: 'OVN Controller agent',
              binary: 'ovn-controller',
              alive: true,
            }),
            expect.objectContaining({
              host,
              agent_type: 'OVN Metadata agent',
              binary: 'neutron-ovn-metadata-agent',
              alive: true,
            }),
          ]),
        );
      }
    });
  });

  describe('cinder', () => {
    it('lists scheduler and volume services, up', async () => {
      const { body } = await os.call(
        'GET',
        `${os.endpoint('volumev3')}/os-services`,
        {
          headers: VOLUME,
        },
      );
      const up = body.services
        .filter((s: any) => s.state === 'up' && s.status === 'enabled')
        .map((s: any) => s.binary);
      expect(up).toEqual(
        expect.arrayContaining(['cinder-scheduler', 'cinder-volume']),
      );
    });
  });

  describe('placement', () => {
    it('has a resource provider per compute with inventories and usages', async () => {
      const base = os.endpoint('placement');
      const { body } = await os.call('GET', `${base}/resource_providers`, {
        headers: PLACEMENT,
      });
      for (const host of HOSTS) {
        const rp = body.resource_providers.find((r: any) => r.name === host);
        expect(rp).toBeDefined();
        const inv = await os.call(
          'GET',
          `${base}/resource_providers/${rp.uuid}/inventories`,
          {
            headers: PLACEMENT,
          },
        );
        expect(Object.keys(inv.body.inventories)).toEqual(
          expect.arrayContaining(['VCPU', 'MEMORY_MB', 'DISK_GB']),
        );
        const usages = await os.call(
          'GET',
          `${base}/resource_providers/${rp.uuid}/usages`,
          {
            headers: PLACEMENT,
          },
        );
        expect(usages.body.usages).toEqual(
          expect.objectContaining({
            VCPU: expect.any(Number),
            MEMORY_MB: expect.any(Number),
          }),
        );
      }
    });

    it('reports project usages', async () => {
      const usages = await eventually('project usages', async () => {
        const { body } = await os.call(
          'GET',
          `${os.endpoint('placement')}/usages?project_id=${os.projectId}`,
          { headers: PLACEMENT },
        );
        return body.usages;
      });
      expect(typeof usages).toBe('object');
    });
  });
});
