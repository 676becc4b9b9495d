/*
 * An msw model of Placement's read side over a mutable state, with the rules of the real
 * service (openstack/placement) that a bulk reader depends on:
 * - a provider's generation moves on every inventory write and on allocations written to it
 *   (`_set_allocations` increments the providers of the new allocations), but not when an
 *   allocation is deleted (`delete_all`);
 * - `GET /allocation_candidates?resources=RC:n,…` (single request group, no sharing providers)
 *   answers for every tree in which, for each requested class, some provider has
 *   `used + n <= int((total − reserved) × allocation_ratio)` and `n <= max_unit`; its
 *   `provider_summaries` (microversion ≥ 1.27) list every provider of those trees with every
 *   resource class: `{capacity: int((total − reserved) × ratio), used}`;
 * - the microversion is read from `OpenStack-API-Version: placement X.Y`; above 1.39 (Zed's
 *   maximum) the request is refused with 406.
 */
import { http, HttpResponse } from 'msw';

/** @public */
export interface FakeInventory {
  total: number;
  reserved: number;
  min_unit: number;
  max_unit: number;
  step_size: number;
  allocation_ratio: number;
}

/** @public */
export interface FakeProvider {
  uuid: string;
  name: string;
  generation: number;
  parent?: string;
  inventories: Record<string, FakeInventory>;
}

/** @public */
export interface FakeAllocation {
  consumer: string;
  provider: string;
  resourceClass: string;
  used: number;
}

/** @public */
export interface FakePlacementState {
  providers: FakeProvider[];
  allocations: FakeAllocation[];
  /** Every request served: method and path with query. */
  requests: string[];
}

const ZED_MAX = [1, 39];

function microversion(headers: Headers): [number, number] {
  const m = /placement\s+(\d+)\.(\d+)/.exec(
    headers.get('openstack-api-version') ?? '',
  );
  return m ? [Number(m[1]), Number(m[2])] : [1, 0];
}

const above = (a: number[], b: number[]) =>
  a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** Placement's capacity of one inventory. @public */
export function fakeCapacity(inv: FakeInventory): number {
  return Math.floor((inv.total - inv.reserved) * inv.allocation_ratio);
}

/** The sum of allocations per resource class of one provider. @public */
export function fakeUsages(
  state: FakePlacementState,
  uuid: string,
): Record<string, number> {
  const p = state.providers.find(x => x.uuid === uuid);
  const out: Record<string, number> = {};
  for (const rc of Object.keys(p?.inventories ?? {})) out[rc] = 0;
  for (const a of state.allocations) {
    if (a.provider === uuid)
      out[a.resourceClass] = (out[a.resourceClass] ?? 0) + a.used;
  }
  return out;
}

/** Replaces a consumer's allocations (PUT /allocations/<consumer>): bumps the new providers. @public */
export function setAllocations(
  state: FakePlacementState,
  consumer: string,
  allocations: Omit<FakeAllocation, 'consumer'>[],
) {
  state.allocations = state.allocations.filter(a => a.consumer !== consumer);
  state.allocations.push(...allocations.map(a => ({ ...a, consumer })));
  for (const uuid of new Set(allocations.map(a => a.provider))) {
    state.providers.find(p => p.uuid === uuid)!.generation++;
  }
}

/** Deletes a consumer's allocations (DELETE /allocations/<consumer>): no generation moves. @public */
export function deleteAllocations(state: FakePlacementState, consumer: string) {
  state.allocations = state.allocations.filter(a => a.consumer !== consumer);
}

/** Writes one inventory of a provider (PUT …/inventories/<rc>): bumps its generation. @public */
export function setInventory(
  state: FakePlacementState,
  uuid: string,
  resourceClass: string,
  inventory: FakeInventory,
) {
  const p = state.providers.find(x => x.uuid === uuid)!;
  p.inventories[resourceClass] = inventory;
  p.generation++;
}

/** An inventory of `total` units, `reserved` of them, at allocation ratio `ratio`. */
function fakeInventory(
  total: number,
  reserved: number,
  ratio: number,
): FakeInventory {
  return {
    total,
    reserved,
    min_unit: 1,
    max_unit: total,
    step_size: 1,
    allocation_ratio: ratio,
  };
}

/** The providers by uuid, the root of each, and the sums of allocations: one pass each. */
function indexOf(state: FakePlacementState) {
  const byUuid = new Map(state.providers.map(p => [p.uuid, p]));
  const rootOf = (p: FakeProvider): FakeProvider => {
    let cur = p;
    while (cur.parent) cur = byUuid.get(cur.parent)!;
    return cur;
  };
  const used = new Map<string, Record<string, number>>();
  for (const p of state.providers) {
    used.set(
      p.uuid,
      Object.fromEntries(Object.keys(p.inventories).map(rc => [rc, 0])),
    );
  }
  for (const a of state.allocations) {
    const u = used.get(a.provider);
    if (u) u[a.resourceClass] = (u[a.resourceClass] ?? 0) + a.used;
  }
  return { byUuid, rootOf, used };
}

function parseResources(q: string | null): Record<string, number> | string {
  if (!q)
    return 'Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: empty string.';
  const out: Record<string, number> = {};
  for (const part of q.split(',')) {
    const [rc, n] = part.split(':');
    const amount = Number(n);
    if (!rc || !Number.isInteger(amount) || amount < 1)
      return `Requested resource ${part} expected positive integer amount.`;
    out[rc] = amount;
  }
  return out;
}

/**
 * msw handlers of Placement at `base` (e.g. http://placement.test:8778) over `state`;
 * `onRequest` sees every request first (the fake cloud records them).
 *
 * @public
 */
export function fakePlacement(
  state: FakePlacementState,
  base: string,
  onRequest?: (request: Request) => unknown,
) {
  const served = (request: Request) => {
    const u = new URL(request.url);
    onRequest?.(request);
    state.requests.push(`${request.method} ${u.pathname}${u.search}`);
    if (above(microversion(request.headers), ZED_MAX)) {
      return HttpResponse.json(
        { errors: [{ status: 406, title: 'Not Acceptable' }] },
        { status: 406 },
      );
    }
    return undefined;
  };
  const find = (uuid: string) => state.providers.find(p => p.uuid === uuid);
  const notFound = (uuid: string) =>
    HttpResponse.json(
      {
        errors: [
          {
            status: 404,
            title: 'Not Found',
            detail: `No resource provider with uuid ${uuid} found`,
          },
        ],
      },
      { status: 404 },
    );

  return [
    http.get(`${base}/resource_providers`, ({ request }) => {
      const refused = served(request);
      if (refused) return refused;
      const name = new URL(request.url).searchParams.get('name');
      const { rootOf } = indexOf(state);
      return HttpResponse.json({
        resource_providers: state.providers
          .filter(p => !name || p.name === name)
          .map(p => ({
            uuid: p.uuid,
            name: p.name,
            generation: p.generation,
            parent_provider_uuid: p.parent ?? null,
            root_provider_uuid: rootOf(p).uuid,
            links: [],
          })),
      });
    }),
    ...(
      [
        ['inventories', p => p.inventories],
        ['usages', p => fakeUsages(state, p.uuid)],
      ] as Array<[string, (p: FakeProvider) => unknown]>
    ).map(([what, answer]) =>
      http.get(
        `${base}/resource_providers/:uuid/${what}`,
        ({ request, params }) => {
          const refused = served(request);
          if (refused) return refused;
          const p = find(String(params.uuid));
          if (!p) return notFound(String(params.uuid));
          return HttpResponse.json({
            resource_provider_generation: p.generation,
            [what]: answer(p),
          });
        },
      ),
    ),
    http.get(`${base}/allocation_candidates`, ({ request }) => {
      const refused = served(request);
      if (refused) return refused;
      const mv = microversion(request.headers);
      if (above([1, 10], mv)) {
        return HttpResponse.json(
          { errors: [{ status: 404, title: 'Not Found' }] },
          { status: 404 },
        );
      }
      const wanted = parseResources(
        new URL(request.url).searchParams.get('resources'),
      );
      if (typeof wanted === 'string') {
        return HttpResponse.json(
          { errors: [{ status: 400, title: 'Bad Request', detail: wanted }] },
          { status: 400 },
        );
      }
      const { rootOf, used: usages } = indexOf(state);
      const trees = new Map<string, FakeProvider[]>();
      for (const p of state.providers) {
        const root = rootOf(p).uuid;
        trees.set(root, [...(trees.get(root) ?? []), p]);
      }
      const fits = (p: FakeProvider, rc: string, n: number) => {
        const inv = p.inventories[rc];
        return (
          !!inv &&
          n <= inv.max_unit &&
          (usages.get(p.uuid)![rc] ?? 0) + n <= fakeCapacity(inv)
        );
      };
      const roots = state.providers.filter(p => !p.parent);
      const requests: any[] = [];
      const summaries: Record<string, any> = {};
      for (const root of roots) {
        const tree = trees.get(root.uuid)!;
        const picks: Record<string, { resources: Record<string, number> }> = {};
        let ok = true;
        for (const [rc, n] of Object.entries(wanted)) {
          const p = tree.find(x => fits(x, rc, n));
          if (!p) {
            ok = false;
            break;
          }
          (picks[p.uuid] ??= { resources: {} }).resources[rc] = n;
        }
        if (!ok) continue;
        requests.push({ allocations: picks, mappings: {} });
        for (const p of tree) {
          const resources: Record<string, { capacity: number; used: number }> =
            {};
          // before 1.27 only the requested classes are summarised
          const classes = above([1, 27], mv)
            ? Object.keys(p.inventories).filter(rc => rc in wanted)
            : Object.keys(p.inventories);
          for (const rc of classes) {
            resources[rc] = {
              capacity: fakeCapacity(p.inventories[rc]),
              used: usages.get(p.uuid)![rc] ?? 0,
            };
          }
          summaries[p.uuid] = {
            resources,
            traits: [],
            ...(above([1, 29], mv)
              ? {}
              : {
                  parent_provider_uuid: p.parent ?? null,
                  root_provider_uuid: root.uuid,
                }),
          };
        }
      }
      return HttpResponse.json({
        allocation_requests: requests,
        provider_summaries: summaries,
      });
    }),
  ];
}

/**
 * A deterministic Placement of `hosts` compute nodes, varied the way real ones are: reserved
 * memory and disk, allocation ratios 16/4/1.5/1, hosts full in every class (absent from
 * allocation candidates), a host without inventory, nested vGPU providers, and instances of
 * several flavours allocated across them. Names are `names(i)`.
 *
 * @public
 */
export function syntheticPlacement(
  hosts: number,
  names: (i: number) => string = i => `compute${i + 1}`,
): FakePlacementState {
  const state: FakePlacementState = {
    providers: [],
    allocations: [],
    requests: [],
  };
  for (let i = 0; i < hosts; i++) {
    const uuid = `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`;
    const inventories: Record<string, FakeInventory> =
      i % 97 === 96
        ? {}
        : {
            VCPU: fakeInventory(
              32 + (i % 5) * 16,
              i % 3,
              [16, 4, 1.5, 1][i % 4],
            ),
            MEMORY_MB: fakeInventory(
              65536 * (1 + (i % 4)),
              512 * (i % 3),
              1.5 - (i % 2) * 0.5,
            ),
            DISK_GB: fakeInventory(500 + (i % 7) * 100, i % 11, 1),
          };
    state.providers.push({
      uuid,
      name: names(i),
      generation: 1 + (i % 13),
      inventories,
    });
    if (i % 10 === 3) {
      state.providers.push({
        uuid: `00000000-0000-4000-b000-${String(i).padStart(12, '0')}`,
        name: `${names(i)}_pci_0000_81_00_0`,
        generation: 1,
        parent: uuid,
        inventories: { VGPU: fakeInventory(4, 0, 1) },
      });
    }
    if (!inventories.VCPU) continue;
    // full in every class every 50th host; otherwise a few instances
    const full = i % 50 === 7;
    const count = full ? 1 : i % 6;
    for (let k = 0; k < count; k++) {
      const each = (rc: string, n: number) =>
        full ? fakeCapacity(inventories[rc]) : n;
      state.allocations.push(
        {
          consumer: `vm-${i}-${k}`,
          provider: uuid,
          resourceClass: 'VCPU',
          used: each('VCPU', 1 + (k % 4)),
        },
        {
          consumer: `vm-${i}-${k}`,
          provider: uuid,
          resourceClass: 'MEMORY_MB',
          used: each('MEMORY_MB', 2048 * (1 + (k % 3))),
        },
        {
          consumer: `vm-${i}-${k}`,
          provider: uuid,
          resourceClass: 'DISK_GB',
          used: each('DISK_GB', 20 + k),
        },
      );
    }
  }
  return state;
}

/**
 * Every host alike: provider `rp-<host>` (generation 3 + its index) with VCPU 1000 × 16,
 * MEMORY_MB 800,000 (512 reserved) × 1.5 and DISK_GB 600,000, and one instance using 2 VCPU,
 * 1,024 MB and 2 GB.
 *
 * @public
 */
export function uniformPlacement(hosts: string[]): FakePlacementState {
  return {
    providers: hosts.map((h, i) => ({
      uuid: `rp-${h}`,
      name: h,
      generation: 3 + i,
      inventories: {
        VCPU: fakeInventory(1000, 0, 16),
        MEMORY_MB: fakeInventory(800000, 512, 1.5),
        DISK_GB: fakeInventory(600000, 0, 1),
      },
    })),
    allocations: hosts.flatMap(h =>
      (
        [
          ['VCPU', 2],
          ['MEMORY_MB', 1024],
          ['DISK_GB', 2],
        ] as const
      ).map(([resourceClass, used]) => ({
        consumer: `vm-${h}`,
        provider: `rp-${h}`,
        resourceClass,
        used,
      })),
    ),
    requests: [],
  };
}
