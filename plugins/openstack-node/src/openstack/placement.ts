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
 * Placement: resource providers, their inventories and usages (hypervisor capacity from
 * nova microversion 2.88 on).
 *
 * @public
 */
export class PlacementClient {
  constructor(private readonly session: OpenStackSession) {}

  private get(path: string, query?: Record<string, string>) {
    return this.session.request('placement', path, {
      query,
      headers: {
        'OpenStack-API-Version': `placement ${PLACEMENT_MICROVERSION}`,
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
   * Inventory and usage together per resource class: total, reserved, allocation ratio, used,
   * schedulable capacity and free (what `hypervisor list --long` showed before 2.88).
   */
  async getCapacity(rpUuid: string): Promise<Record<string, ResourceCapacity>> {
    const [inventories, usages] = await Promise.all([
      this.getInventories(rpUuid),
      this.getUsages(rpUuid),
    ]);
    const out: Record<string, ResourceCapacity> = {};
    for (const [rc, inv] of Object.entries(inventories)) {
      const used = usages[rc] ?? 0;
      const capacity = Math.floor(
        (inv.total - inv.reserved) * inv.allocationRatio,
      );
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
}
