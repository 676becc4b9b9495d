import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { OpenStackClient } from './client';
import { ComputeCapacityRead } from './placement';
import {
  cloudConfig,
  fakeCloud,
  newState,
  PLACEMENT,
} from '../testUtils/fakeCloud';
import {
  deleteAllocations,
  fakeCapacity,
  FakePlacementState,
  fakePlacement,
  fakeUsages,
  setAllocations,
  setInventory,
  syntheticPlacement,
} from '../testUtils/fakePlacement';

const server = setupServer();
registerMswTestHooks(server);

const HOSTS = 240;
let placement: FakePlacementState;
beforeEach(() => {
  placement = syntheticPlacement(HOSTS);
  server.use(...fakePlacement(placement, PLACEMENT), ...fakeCloud(newState()));
});

const client = () =>
  new OpenStackClient(cloudConfig({ maxConcurrency: 32 }), {
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
  });

const roots = () => placement.providers.filter(p => !p.parent);
const byName = (name: string) =>
  placement.providers.find(p => p.name === name)!;
/**
 * Roots with inventories but no room for one unit of VCPU, MEMORY_MB or DISK_GB: in no
 * candidate answer, so their usages are read per provider.
 */
const roomless = () =>
  roots().filter(p => {
    if (Object.keys(p.inventories).length === 0) return false;
    const used = fakeUsages(placement, p.uuid);
    return ['VCPU', 'MEMORY_MB', 'DISK_GB'].every(rc => {
      const inv = p.inventories[rc];
      return !inv || used[rc] + 1 > fakeCapacity(inv);
    });
  });
const served = (suffix: string) =>
  placement.requests.filter(r => r.endsWith(suffix)).length;

/** Every root compared with Placement's own per-provider answer (`getCapacity`). */
async function expectEqualToPerProvider(
  c: OpenStackClient,
  read: ComputeCapacityRead,
) {
  expect(read.failed).toBe(0);
  expect(read.roots).toBe(roots().length);
  expect(read.providers.map(p => p.provider.uuid).sort()).toEqual(
    roots()
      .map(p => p.uuid)
      .sort(),
  );
  const answers = await Promise.all(
    read.providers.map(p => c.placement.getCapacity(p.provider.uuid)),
  );
  const mismatches = read.providers
    .filter((p, i) => JSON.stringify(p.capacity) !== JSON.stringify(answers[i]))
    .map(p => p.provider.name);
  expect(mismatches).toEqual([]);
  read.providers.forEach((p, i) => expect(p.capacity).toEqual(answers[i]));
}

describe('PlacementClient.readComputeCapacities', () => {
  it('the synthetic cloud has what the reader must handle', () => {
    expect(roots()).toHaveLength(HOSTS);
    // hosts without inventory, hosts full in every class, nested vGPU providers
    expect(roots().filter(p => !p.inventories.VCPU).length).toBeGreaterThan(0);
    expect(roomless().length).toBeGreaterThan(0);
    expect(placement.providers.length).toBeGreaterThan(HOSTS);
  });

  it('first read: equal to the per-provider answers for every host; 4 requests, an inventory per host, usages only of hosts without room', async () => {
    const c = client();
    const read = await c.placement.readComputeCapacities();
    const requests = placement.requests.length;
    expect(served('/inventories')).toBe(HOSTS);
    expect(served('/usages')).toBe(roomless().length);
    expect(read.requests).toBe(4 + HOSTS + roomless().length);
    expect(read.requests).toBe(requests);
    expect(
      placement.requests.filter(r => r.includes('/allocation_candidates?')),
    ).toEqual([
      'GET /allocation_candidates?resources=VCPU%3A1',
      'GET /allocation_candidates?resources=MEMORY_MB%3A1',
      'GET /allocation_candidates?resources=DISK_GB%3A1',
    ]);
    await expectEqualToPerProvider(c, read);
  });

  it('next reads: no inventory request while generations stand still', async () => {
    const c = client();
    await c.placement.readComputeCapacities();
    placement.requests = [];
    const read = await c.placement.readComputeCapacities();
    expect(served('/inventories')).toBe(0);
    expect(read.requests).toBe(4 + roomless().length);
    await expectEqualToPerProvider(c, read);
  });

  it('follows allocations written and deleted, inventories changed and hosts filled up', async () => {
    const c = client();
    await c.placement.readComputeCapacities();
    // a new instance on compute2 (generation moves), one deleted on compute3 (it does not)
    setAllocations(placement, 'vm-new', [
      { provider: byName('compute2').uuid, resourceClass: 'VCPU', used: 3 },
      {
        provider: byName('compute2').uuid,
        resourceClass: 'MEMORY_MB',
        used: 4096,
      },
    ]);
    const gen3 = byName('compute3').generation;
    deleteAllocations(placement, 'vm-2-0');
    expect(byName('compute3').generation).toBe(gen3);
    // reserved memory raised on compute5 and a total that compensates: same capacity
    const inv5 = byName('compute5').inventories.MEMORY_MB;
    setInventory(placement, byName('compute5').uuid, 'MEMORY_MB', {
      ...inv5,
      total: inv5.total + 1024,
      reserved: inv5.reserved + 1024,
    });
    // compute10 filled up in every class
    const c10 = byName('compute10');
    setAllocations(
      placement,
      'vm-filler',
      ['VCPU', 'MEMORY_MB', 'DISK_GB'].map(rc => ({
        provider: c10.uuid,
        resourceClass: rc,
        used:
          fakeCapacity(c10.inventories[rc]) -
          fakeUsages(placement, c10.uuid)[rc],
      })),
    );
    placement.requests = [];
    const read = await c.placement.readComputeCapacities();
    expect(
      placement.requests.filter(r => r.endsWith('/inventories')).sort(),
    ).toEqual(
      ['compute2', 'compute5', 'compute10']
        .map(n => `GET /resource_providers/${byName(n).uuid}/inventories`)
        .sort(),
    );
    expect(
      read.providers.find(p => p.provider.name === 'compute5')!.capacity
        .MEMORY_MB.reserved,
    ).toBe(inv5.reserved + 1024);
    await expectEqualToPerProvider(c, read);
  });

  it('an inventory written between the provider list and the summaries is read again', async () => {
    const c = client();
    await c.placement.readComputeCapacities();
    const c7 = byName('compute7');
    let written = false;
    server.use(
      http.get(`${PLACEMENT}/allocation_candidates`, () => {
        if (!written) {
          written = true;
          setInventory(placement, c7.uuid, 'VCPU', {
            ...c7.inventories.VCPU,
            allocation_ratio: 2,
          });
        }
        return undefined; // on to the fake
      }),
    );
    placement.requests = [];
    const read = await c.placement.readComputeCapacities();
    expect(served(`${c7.uuid}/inventories`)).toBe(1);
    expect(
      read.providers.find(p => p.provider.uuid === c7.uuid)!.capacity.VCPU
        .allocationRatio,
    ).toBe(2);
    await expectEqualToPerProvider(c, read);
  });

  it('without allocation candidates (refused or failing) reads usages per provider, still equal', async () => {
    server.use(
      http.get(`${PLACEMENT}/allocation_candidates`, () =>
        HttpResponse.json({ errors: [{ status: 406 }] }, { status: 406 }),
      ),
    );
    const c = client();
    const read = await c.placement.readComputeCapacities();
    // every provider with inventories
    expect(served('/usages')).toBe(
      roots().filter(p => Object.keys(p.inventories).length > 0).length,
    );
    await expectEqualToPerProvider(c, read);
  });

  it('a provider whose inventory cannot be read is counted as failed, the others are read', async () => {
    const gone = byName('compute4');
    server.use(
      http.get(`${PLACEMENT}/resource_providers/${gone.uuid}/inventories`, () =>
        HttpResponse.json({ errors: [{ status: 404 }] }, { status: 404 }),
      ),
    );
    const read = await client().placement.readComputeCapacities();
    expect(read.failed).toBe(1);
    expect(read.firstError?.message).toContain(gone.uuid);
    expect(read.providers).toHaveLength(HOSTS - 1);
  });
});
