import { OpenStackSession } from './session';
import { Inventory, ResourceCapacity, ResourceProvider } from './types';

/**
 * Placement microversion sent: 1.14 (Ocata+) gives parent/root providers; nothing newer is
 * needed for capacity.
 *
 * @public
 */
export const PLACEMENT_MICROVERSION = '1.14';

/**
 * Microversion of `GET /allocation_candidates` read for its `provider_summaries`: from 1.27 a
 * summary carries every resource class of the provider (not only the requested ones), from
 * 1.29 its root. Zed's Placement offers up to 1.39.
 *
 * @public
 */
export const PLACEMENT_SUMMARIES_MICROVERSION = '1.29';

/**
 * The requests whose `provider_summaries` together name every compute node with room for at
 * least one unit of one of these classes; a node full in all three (or without them) is read
 * per provider.
 */
const SUMMARY_REQUESTS = ['VCPU:1', 'MEMORY_MB:1', 'DISK_GB:1'];

/**
 * What `provider_summaries` says of one resource class of a provider: Placement's capacity
 * (`int((total − reserved) × allocation_ratio)`) and the sum of its allocations.
 *
 * @public
 */
export interface ProviderSummaryResource {
  capacity: number;
  used: number;
}

/**
 * One root resource provider (a compute node) with its capacity per resource class.
 *
 * @public
 */
export interface ProviderCapacity {
  provider: ResourceProvider;
  capacity: Record<string, ResourceCapacity>;
}

/**
 * The capacity of every root resource provider, with the providers that could not be read and
 * the number of requests the read made.
 *
 * @public
 */
export interface ComputeCapacityRead {
  providers: ProviderCapacity[];
  /** Roots whose inventories or usages could not be read, with the first error. */
  failed: number;
  roots: number;
  firstError?: Error;
  requests: number;
}

interface CachedInventories {
  generation: number;
  inventories: Record<string, Inventory>;
}

function capacityOf(inv: Inventory): number {
  return Math.floor((inv.total - inv.reserved) * inv.allocationRatio);
}

function sameClasses(a: object, b: object): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every(k => k in b);
}

/** Whether cached inventories imply exactly the capacities a summary reports. */
function agrees(
  inventories: Record<string, Inventory>,
  summary: Record<string, ProviderSummaryResource>,
): boolean {
  return (
    sameClasses(inventories, summary) &&
    Object.entries(inventories).every(
      ([rc, inv]) => capacityOf(inv) === summary[rc].capacity,
    )
  );
}

function combine(
  inventories: Record<string, Inventory>,
  usages: Record<string, number>,
): Record<string, ResourceCapacity> {
  const out: Record<string, ResourceCapacity> = {};
  for (const [rc, inv] of Object.entries(inventories)) {
    const used = usages[rc] ?? 0;
    const capacity = capacityOf(inv);
    out[rc] = {
      total: inv.total,
      reserved: inv.reserved,
      allocationRatio: inv.allocationRatio,
      used,
      capacity,
      free: capacity - used,
    };
  }
  return out;
}

/**
 * Placement: resource providers, their inventories and usages (hypervisor capacity from
 * nova microversion 2.88 on).
 *
 * @public
 */
export class PlacementClient {
  /** Inventories per root provider uuid, with the generation they were read at. */
  private readonly inventoryCache = new Map<string, CachedInventories>();

  constructor(private readonly session: OpenStackSession) {}

  private get(
    path: string,
    query?: Record<string, string>,
    microversion = PLACEMENT_MICROVERSION,
  ) {
    return this.session.request('placement', path, {
      query,
      headers: {
        'OpenStack-API-Version': `placement ${microversion}`,
      },
    });
  }

  /** All resource providers (optionally filtered by exact `name`). */
  async listResourceProviders(
    filter: { name?: string } = {},
  ): Promise<ResourceProvider[]> {
    const query: Record<string, string> = {};
    if (filter.name) query.name = filter.name;
    const { body } = await this.get('resource_providers', query);
    return (body?.resource_providers ?? []).map((r: any) => ({
      uuid: r.uuid,
      name: r.name,
      generation: r.generation,
      parentProviderUuid: r.parent_provider_uuid,
      rootProviderUuid: r.root_provider_uuid,
    }));
  }

  /** Inventories by resource class (VCPU, MEMORY_MB, DISK_GB…). */
  async getInventories(rpUuid: string): Promise<Record<string, Inventory>> {
    const { body } = await this.get(
      `resource_providers/${encodeURIComponent(rpUuid)}/inventories`,
    );
    const out: Record<string, Inventory> = {};
    for (const [rc, i] of Object.entries<any>(body?.inventories ?? {})) {
      out[rc] = {
        total: i.total,
        reserved: i.reserved ?? 0,
        minUnit: i.min_unit ?? 1,
        maxUnit: i.max_unit ?? i.total,
        stepSize: i.step_size ?? 1,
        allocationRatio: i.allocation_ratio ?? 1,
      };
    }
    return out;
  }

  /** Amounts used by resource class. */
  async getUsages(rpUuid: string): Promise<Record<string, number>> {
    const { body } = await this.get(
      `resource_providers/${encodeURIComponent(rpUuid)}/usages`,
    );
    return { ...(body?.usages ?? {}) };
  }

  /**
   * `provider_summaries` of `GET /allocation_candidates?resources=<resources>` (microversion
   * {@link PLACEMENT_SUMMARIES_MICROVERSION}): capacity and used of every resource class of
   * every provider in a tree that has room for `resources`, by provider uuid.
   */
  async getProviderSummaries(
    resources: string,
  ): Promise<Map<string, Record<string, ProviderSummaryResource>>> {
    const { body } = await this.get(
      'allocation_candidates',
      { resources },
      PLACEMENT_SUMMARIES_MICROVERSION,
    );
    const out = new Map<string, Record<string, ProviderSummaryResource>>();
    for (const [uuid, summary] of Object.entries<any>(
      body?.provider_summaries ?? {},
    )) {
      const resourcesOut: Record<string, ProviderSummaryResource> = {};
      for (const [rc, r] of Object.entries<any>(summary?.resources ?? {})) {
        resourcesOut[rc] = { capacity: r.capacity, used: r.used };
      }
      out.set(uuid, resourcesOut);
    }
    return out;
  }

  /**
   * The capacity of every root resource provider (compute node; nested providers belong to
   * their root) in a few requests, equal to what {@link PlacementClient.getCapacity} answers
   * per provider:
   *
   * - the provider list (one request) gives each provider's generation;
   * - usages come from `provider_summaries` of three allocation-candidate requests (VCPU,
   *   MEMORY_MB, DISK_GB: one unit each), which carry every class's capacity and used;
   * - inventories (total, reserved, allocation ratio) are cached per provider and kept while
   *   its generation is unchanged: Placement bumps a provider's generation on every inventory
   *   write (and on allocations written to it), so an unchanged generation means unchanged
   *   inventories; a moved one reads them again (one request per such provider);
   * - a provider absent from the summaries (full in all three classes, or a Placement before
   *   1.29), or whose summary disagrees with its inventories, has its usages read per
   *   provider.
   *
   * The first read after start therefore costs one inventory request per compute node; the
   * next ones cost four requests plus one per provider whose generation moved.
   */
  async readComputeCapacities(): Promise<ComputeCapacityRead> {
    let requests = 0;
    const counted = <T>(p: Promise<T>): Promise<T> => {
      requests++;
      return p;
    };
    const [all, summaryMaps] = await Promise.all([
      counted(this.listResourceProviders()),
      Promise.all(
        SUMMARY_REQUESTS.map(r =>
          // an optimisation only: without summaries the usages are read per provider
          counted(this.getProviderSummaries(r)).catch(() => undefined),
        ),
      ),
    ]);
    const summaries = new Map<
      string,
      Record<string, ProviderSummaryResource>
    >();
    for (const m of summaryMaps) {
      for (const [uuid, s] of m ?? []) summaries.set(uuid, s);
    }
    const roots = all.filter(p => !p.parentProviderUuid);
    const live = new Set(roots.map(p => p.uuid));
    for (const uuid of this.inventoryCache.keys()) {
      if (!live.has(uuid)) this.inventoryCache.delete(uuid);
    }

    let failed = 0;
    let firstError: Error | undefined;
    const readInventories = async (provider: ResourceProvider) => {
      const inventories = await counted(this.getInventories(provider.uuid));
      this.inventoryCache.set(provider.uuid, {
        generation: provider.generation,
        inventories,
      });
      return inventories;
    };
    const read = await Promise.all(
      roots.map(async (provider): Promise<ProviderCapacity | undefined> => {
        try {
          const summary = summaries.get(provider.uuid);
          const cached = this.inventoryCache.get(provider.uuid);
          let inventories =
            cached?.generation === provider.generation
              ? cached.inventories
              : await readInventories(provider);
          if (summary && inventories === cached?.inventories) {
            // written between the provider list and the summaries: read them again
            if (!agrees(inventories, summary))
              inventories = await readInventories(provider);
          }
          let usages: Record<string, number>;
          if (Object.keys(inventories).length === 0) {
            // a provider without inventories has no capacity to use: nothing to ask
            usages = {};
          } else if (summary && agrees(inventories, summary)) {
            usages = Object.fromEntries(
              Object.entries(summary).map(([rc, r]) => [rc, r.used]),
            );
          } else {
            usages = await counted(this.getUsages(provider.uuid));
          }
          return { provider, capacity: combine(inventories, usages) };
        } catch (e) {
          failed++;
          firstError ??= e as Error;
          return undefined;
        }
      }),
    );
    return {
      providers: read.filter((r): r is ProviderCapacity => !!r),
      failed,
      roots: roots.length,
      firstError,
      requests,
    };
  }

  /**
   * Inventory and usage together per resource class: total, reserved, allocation ratio, used,
   * schedulable capacity and free (what `hypervisor list --long` showed before 2.88).
   */
  async getCapacity(rpUuid: string): Promise<Record<string, ResourceCapacity>> {
    const [inventories, usages] = await Promise.all([
      this.getInventories(rpUuid),
      this.getUsages(rpUuid),
    ]);
    return combine(inventories, usages);
  }
}
