import {
  NotFoundError,
  NotImplementedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { OpenStackSession, QueryParams } from './session';
import {
  Aggregate,
  ComputeService,
  Hypervisor,
  ServerOnHost,
  VersionDocument,
} from './types';
import {
  compareMicroversions,
  nextPageQuery,
  parseVersionDocument,
  toServiceRecord,
} from './util';

/**
 * Highest compute microversion this client understands (nothing it reads changed after it).
 *
 * @public
 */
export const NOVA_CLIENT_MAX_MICROVERSION = '2.96';

/**
 * The last microversion whose hypervisors carry their statistics (`running_vms`, vcpus,
 * memory, disk): 2.88 removed them.
 *
 * @public
 */
export const HYPERVISOR_STATS_MICROVERSION = '2.87';

/** PUT /os-services/{service_id} with `status` needs this. */
const SERVICE_UPDATE_MICROVERSION = '2.53';

/** os-migrateLive with `block_migration: "auto"` and `host: null` (the scheduler picks) needs this. */
const LIVE_MIGRATE_MICROVERSION = '2.30';

/**
 * Options of the paginated nova calls.
 *
 * @public
 */
export interface NovaPageOptions {
  /** `limit` per page, default 1000 (nova's default `max_limit`). */
  pageSize?: number;
}

/**
 * Nova (compute) with microversion negotiation: the highest version both sides support.
 *
 * @public
 */
export class NovaClient {
  private negotiated?: Promise<{ doc: VersionDocument; microversion?: string }>;

  constructor(
    private readonly session: OpenStackSession,
    private readonly clientMax: string = NOVA_CLIENT_MAX_MICROVERSION,
  ) {}

  /** The compute version document (`GET <compute endpoint root>/`). */
  async versionDocument(): Promise<VersionDocument> {
    const url = `${await this.rootUrl()}/`;
    const { body } = await this.session.request('compute', url);
    const doc = parseVersionDocument(body);
    if (!doc) {
      throw new ServiceUnavailableError(
        `OpenStack cloud "${this.session.cloud.key}": compute GET ${url} returned no version document`,
      );
    }
    return doc;
  }

  /** The microversion sent on every call: min(server max, client max); undefined for legacy v2. */
  async microversion(): Promise<string | undefined> {
    if (!this.negotiated) {
      this.negotiated = this.versionDocument().then(
        doc => {
          const max = doc.maxVersion;
          if (!max) return { doc };
          const microversion =
            compareMicroversions(max, this.clientMax) < 0
              ? max
              : this.clientMax;
          return { doc, microversion };
        },
        error => {
          this.negotiated = undefined;
          throw error;
        },
      );
    }
    return (await this.negotiated).microversion;
  }

  /** `openstack compute service list`. */
  async listComputeServices(
    filter: { binary?: string; host?: string } = {},
  ): Promise<ComputeService[]> {
    const { body } = await this.call('os-services', { query: filter });
    return (body?.services ?? []).map(toComputeService);
  }

  /**
   * Enables or disables a compute service (`PUT /os-services/{id}`, microversion ≥ 2.53).
   * Not retried.
   */
  async setComputeServiceStatus(
    serviceId: string,
    enabled: boolean,
    disabledReason?: string,
  ): Promise<ComputeService> {
    const mv = await this.microversion();
    const path = `os-services/${encodeURIComponent(serviceId)}`;
    if (!mv || compareMicroversions(mv, SERVICE_UPDATE_MICROVERSION) < 0) {
      throw new NotImplementedError(
        `OpenStack cloud "${
          this.session.cloud.key
        }": compute PUT ${await this.session.endpoint(
          'compute',
        )}/${path} needs compute microversion ${SERVICE_UPDATE_MICROVERSION} or later; the cloud offers up to ${
          mv ?? 'none (legacy v2)'
        }`,
      );
    }
    const body = enabled
      ? { status: 'enabled' }
      : {
          status: 'disabled',
          ...(disabledReason ? { disabled_reason: disabledReason } : {}),
        };
    const res = await this.call(path, { method: 'PUT', body });
    return toComputeService(res.body.service);
  }

  /**
   * `openstack hypervisor list --long`, every page. With `stats`, asked at microversion
   * {@link HYPERVISOR_STATS_MICROVERSION} at most, so that each hypervisor still carries
   * `running_vms` (the VMs per host in two pages instead of every server of the cloud).
   */
  async listHypervisors(
    options: NovaPageOptions & { stats?: boolean } = {},
  ): Promise<Hypervisor[]> {
    let microversion: string | undefined;
    if (options.stats) {
      const mv = await this.microversion();
      if (mv && compareMicroversions(mv, HYPERVISOR_STATS_MICROVERSION) > 0)
        microversion = HYPERVISOR_STATS_MICROVERSION;
    }
    const raw = await this.paginate(
      'os-hypervisors/detail',
      'hypervisors',
      options,
      {},
      microversion,
    );
    return raw.map(toHypervisor);
  }

  /**
   * The hypervisors of one compute host (`os-hypervisors/detail?hypervisor_hostname_pattern=`,
   * microversion ≥ 2.53), matched exactly by service host; empty when there is none.
   *
   * Nova lists a hypervisor only once its host is **mapped to a cell** (the API looks the
   * service up through the host mapping and skips compute nodes without one), so a host in
   * this list is mapped; a host whose nova-compute reports in `os-services` but is missing here
   * waits for `nova-manage cell_v2 discover_hosts`.
   */
  async findHypervisors(host: string): Promise<Hypervisor[]> {
    const mv = await this.microversion();
    if (!mv || compareMicroversions(mv, '2.53') < 0) {
      // older clouds: no pattern filter, so filter the whole list
      return (await this.listHypervisors()).filter(h => sameHost(h, host));
    }
    try {
      const { body } = await this.call('os-hypervisors/detail', {
        query: { hypervisor_hostname_pattern: host },
      });
      return (body?.hypervisors ?? [])
        .map(toHypervisor)
        .filter((h: Hypervisor) => sameHost(h, host));
    } catch (e) {
      // nova answers 404 when no hypervisor name matches the pattern
      if (e instanceof NotFoundError) return [];
      throw e;
    }
  }

  /** Removes a compute host from an aggregate. Not retried. */
  removeHostFromAggregate(
    aggregateId: number | string,
    host: string,
  ): Promise<Aggregate> {
    return this.aggregateAction(aggregateId, { remove_host: { host } });
  }

  /** `POST os-aggregates/<id>/action` (add_host, remove_host): the aggregate after it. */
  private async aggregateAction(
    aggregateId: number | string,
    action: Record<string, unknown>,
  ): Promise<Aggregate> {
    const { body } = await this.call(
      `os-aggregates/${encodeURIComponent(String(aggregateId))}/action`,
      { method: 'POST', body: action },
    );
    return toAggregate(body.aggregate);
  }

  /** Deletes an (empty) aggregate. Not retried. */
  async deleteAggregate(aggregateId: number | string): Promise<void> {
    await this.call(
      `os-aggregates/${encodeURIComponent(String(aggregateId))}`,
      { method: 'DELETE' },
    );
  }

  /** Host aggregates. */
  async listAggregates(): Promise<Aggregate[]> {
    const { body } = await this.call('os-aggregates');
    return (body?.aggregates ?? []).map(toAggregate);
  }

  /** Availability zones with compute services (`os-availability-zone`): name and whether available. */
  async listAvailabilityZones(): Promise<Array<{ name: string; available: boolean }>> {
    const { body } = await this.call('os-availability-zone');
    return (body?.availabilityZoneInfo ?? []).map((z: any) => ({ name: String(z.zoneName), available: !!z.zoneState?.available }));
  }

  /** Creates an aggregate in an availability zone. Not retried. */
  async createAggregate(name: string, zone?: string): Promise<Aggregate> {
    const { body } = await this.call('os-aggregates', {
      method: 'POST',
      body: {
        aggregate: { name, ...(zone ? { availability_zone: zone } : {}) },
      },
    });
    return toAggregate(body.aggregate);
  }

  /** Adds a compute host to an aggregate. Not retried. */
  addHostToAggregate(
    aggregateId: number | string,
    host: string,
  ): Promise<Aggregate> {
    return this.aggregateAction(aggregateId, { add_host: { host } });
  }

  /**
   * Servers of all projects per compute host (`OS-EXT-SRV-ATTR:host`, admin only), every
   * page; servers not on a host (never scheduled) are left out.
   */
  async countServersByHost(
    options: NovaPageOptions = {},
  ): Promise<Record<string, number>> {
    const servers = await this.paginate('servers/detail', 'servers', options, {
      all_tenants: 1,
    });
    const counts: Record<string, number> = {};
    for (const s of servers) {
      const host = s?.['OS-EXT-SRV-ATTR:host'];
      if (host) counts[host] = (counts[host] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * Servers of all projects on one compute host (`servers/detail?all_tenants&host=`, admin
   * only), every page.
   */
  async listServersOnHost(
    host: string,
    options: NovaPageOptions = {},
  ): Promise<ServerOnHost[]> {
    const servers = await this.paginate('servers/detail', 'servers', options, {
      all_tenants: 1,
      host,
    });
    // the host filter is admin-only: a non-admin token would silently get every server
    return servers.map(toServer).filter(s => s.host === host);
  }

  /** One server (admin view), or undefined when it is gone. */
  async getServer(id: string): Promise<ServerOnHost | undefined> {
    try {
      const { body } = await this.call(`servers/${encodeURIComponent(id)}`);
      return toServer(body.server);
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * Live-migrates a server (`os-migrateLive`): to `host`, or where the scheduler picks when
   * none is given; `block_migration: auto` (Nova decides from the storage). Nova answers 202
   * and migrates in the background. Not retried.
   */
  async liveMigrateServer(id: string, host?: string): Promise<void> {
    await this.requireMicroversion(
      LIVE_MIGRATE_MICROVERSION,
      `servers/${id}/action os-migrateLive`,
    );
    await this.call(`servers/${encodeURIComponent(id)}/action`, {
      method: 'POST',
      body: { 'os-migrateLive': { host: host ?? null, block_migration: 'auto' } },
    });
  }

  /**
   * Evacuates a server of a down host (`evacuate`): rebuilt on a host the scheduler picks.
   * Nova refuses while the host's service is up. Not retried.
   */
  async evacuateServer(id: string): Promise<void> {
    await this.call(`servers/${encodeURIComponent(id)}/action`, {
      method: 'POST',
      body: { evacuate: {} },
    });
  }

  /**
   * Why the latest of a server's actions (of `actions`, e.g. `live-migration`) failed, in
   * Nova's words: the action's message and its failed events (with their `details` from
   * microversion 2.84); undefined when it did not fail.
   */
  async lastActionFailure(
    id: string,
    actions?: string[],
  ): Promise<{ action: string; requestId: string; reason: string } | undefined> {
    const path = `servers/${encodeURIComponent(id)}/os-instance-actions`;
    const { body } = await this.call(path);
    const latest = (body?.instanceActions ?? [])
      .filter((a: any) => !actions || actions.includes(a.action))
      .sort((a: any, b: any) =>
        String(b.start_time).localeCompare(String(a.start_time)),
      )[0];
    if (!latest) return undefined;
    const { body: one } = await this.call(
      `${path}/${encodeURIComponent(latest.request_id)}`,
    );
    const action = one?.instanceAction ?? latest;
    const failed = (action.events ?? []).filter(
      (e: any) => e.result && e.result !== 'Success',
    );
    if (!action.message && failed.length === 0) return undefined;
    const reason = [
      action.message,
      ...failed.map(
        (e: any) =>
          `${e.event}: ${e.result}${e.details ? ` (${e.details})` : ''}`,
      ),
    ]
      .filter(Boolean)
      .join('; ');
    return { action: latest.action, requestId: latest.request_id, reason };
  }

  /**
   * Deletes a compute service (`DELETE /os-services/{id}`): for nova-compute also its compute
   * nodes and their Placement resource providers. Nova refuses while instances are on the host.
   * A service already gone is fine. Not retried.
   */
  async deleteComputeService(serviceId: string): Promise<void> {
    try {
      await this.call(`os-services/${encodeURIComponent(serviceId)}`, {
        method: 'DELETE',
      });
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }

  /** Fails naming the call when the cloud's compute API is older than `min`. */
  private async requireMicroversion(min: string, what: string): Promise<void> {
    const mv = await this.microversion();
    if (!mv || compareMicroversions(mv, min) < 0) {
      throw new NotImplementedError(
        `OpenStack cloud "${this.session.cloud.key}": compute ${what} needs compute microversion ${min} or later; the cloud offers up to ${mv ?? 'none (legacy v2)'}`,
      );
    }
  }

  /**
   * A request with the negotiated microversion headers (or `microversion`, one the cloud
   * supports below the negotiated one).
   */
  async call(
    path: string,
    options: {
      method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
      query?: QueryParams;
      body?: unknown;
    } = {},
    microversion?: string,
  ) {
    const mv = microversion ?? (await this.microversion());
    const headers: Record<string, string> = mv
      ? {
          'OpenStack-API-Version': `compute ${mv}`,
          'X-OpenStack-Nova-API-Version': mv,
        }
      : {};
    return this.session.request('compute', path, { ...options, headers });
  }

  /** Follows `<key>_links` rel=next (marker) until the last page. */
  private async paginate(
    path: string,
    key: string,
    options: NovaPageOptions,
    query: QueryParams = {},
    microversion?: string,
  ): Promise<any[]> {
    const limit = options.pageSize ?? 1000;
    const items: any[] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    for (;;) {
      const { body } = await this.call(
        path,
        { query: { ...query, limit, marker } },
        microversion,
      );
      const page: any[] = body?.[key] ?? [];
      items.push(...page);
      const next = nextPageQuery(body?.[`${key}_links`])?.marker;
      if (!next || page.length === 0 || seen.has(next)) return items;
      seen.add(next);
      marker = next;
    }
  }

  /** The compute endpoint without a trailing project id (`/v2.1/<project>` → `/v2.1`). */
  private async rootUrl(): Promise<string> {
    const endpoint = await this.session.endpoint('compute');
    const project = await this.session.projectId();
    return endpoint.endsWith(`/${project}`)
      ? endpoint.slice(0, -project.length - 1)
      : endpoint;
  }
}

/** The hypervisor belongs to `host`: its service host, or its node name (maybe an FQDN). */
function sameHost(h: Hypervisor, host: string): boolean {
  return (
    h.serviceHost === host ||
    h.hostname === host ||
    h.hostname?.startsWith(`${host}.`) === true
  );
}

function toComputeService(s: any): ComputeService {
  return {
    ...toServiceRecord(s),
    id: String(s.id),
    forcedDown: !!s.forced_down,
  };
}

function toServer(s: any): ServerOnHost {
  return {
    id: String(s.id),
    name: s.name,
    status: s.status,
    taskState: s['OS-EXT-STS:task_state'] ?? null,
    host: s['OS-EXT-SRV-ATTR:host'] ?? null,
    ...(s.fault?.message ? { fault: String(s.fault.message) } : {}),
  };
}

function toHypervisor(h: any): Hypervisor {
  const out: Hypervisor = {
    id: String(h.id),
    hostname: h.hypervisor_hostname,
    type: h.hypervisor_type,
    version: h.hypervisor_version,
    hostIp: h.host_ip,
    state: h.state,
    status: h.status,
    serviceId: h.service?.id !== undefined ? String(h.service.id) : undefined,
    serviceHost: h.service?.host,
    disabledReason: h.service?.disabled_reason,
  };
  if ('uptime' in h) out.uptime = h.uptime ?? null;
  const legacy: Array<[keyof Hypervisor, string]> = [
    ['vcpus', 'vcpus'],
    ['vcpusUsed', 'vcpus_used'],
    ['memoryMb', 'memory_mb'],
    ['memoryMbUsed', 'memory_mb_used'],
    ['localGb', 'local_gb'],
    ['localGbUsed', 'local_gb_used'],
    ['runningVms', 'running_vms'],
  ];
  for (const [to, from] of legacy) {
    if (typeof h[from] === 'number') (out as any)[to] = h[from];
  }
  return out;
}

function toAggregate(a: any): Aggregate {
  return {
    id: a.id,
    uuid: a.uuid,
    name: a.name,
    availabilityZone: a.availability_zone ?? null,
    hosts: a.hosts ?? [],
    metadata: a.metadata ?? {},
  };
}
