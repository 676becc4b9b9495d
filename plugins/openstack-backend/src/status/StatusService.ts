import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  CloudStatus,
  ComputeHostStatus,
} from '@backstage-openstack/plugin-openstack-common';
import type { ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';

/** A cloud's full view: its status and every compute host. */
export interface CloudView {
  status: CloudStatus;
  hosts: ComputeHostStatus[];
}

/** Where a cloud's view comes from: the demo simulation or the live Kubernetes + OpenStack APIs. */
export interface CloudSource {
  /** True when this source serves the cloud key. */
  has(cloudKey: string): Promise<boolean>;
  /** Reads the cloud by its cloud key; a live source takes the cluster and namespace the resolver read. */
  read(cloud: StatusTarget): Promise<CloudView>;
}

/** The sources by driver: the demo store and the live clouds, each keyed by cloud key. */
export type CloudSources = Partial<Record<'demo' | 'live', CloudSource>>;

/** A cloud as the status service reads it: its ref (for messages), driver, key and control plane. */
export type StatusTarget = Pick<
  ResolvedCloud,
  'entityRef' | 'driver' | 'cloudKey' | 'cluster' | 'namespace'
>;

/** A view and when it was read. */
interface Stamped {
  view: CloudView;
  readAt: number;
}

/**
 * Serves cloud views with short-lived caching (the cache service, shared by replicas where it
 * is backed by Redis/Memcached) and coalescing of identical in-flight reads, so a hundred users
 * opening one page cost one upstream fetch.
 *
 * Stale while revalidate: a view older than `ttlMs` but younger than `maxStaleMs` is served at
 * once while one background read refreshes it (a cold read of a 2,000-host cloud takes seconds,
 * mostly Placement); the view carries its `fetchedAt`, which the page shows. `refresh` waits for
 * a fresh read; `invalidate` (after an operation) drops the view so the next read is fresh.
 */
export class StatusService {
  private readonly inFlight = new Map<string, Promise<CloudView>>();
  /** This replica's copy of recent views: a warm read neither fetches nor parses anything. */
  private readonly local = new Map<string, Stamped>();

  constructor(
    private readonly sources: CloudSources,
    private readonly cache: CacheService,
    private readonly logger: LoggerService,
    private readonly ttlMs = 10_000,
    private readonly maxStaleMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
    /**
     * Whether the cache service is shared with other replicas (Redis, Memcached, …). With the
     * default in-memory store it is this process's own: views stay in `local` only, never
     * serialized into it (a second copy of every view, and CPU on every cold read).
     */
    private readonly shareViews = true,
  ) {}

  /** The view of a resolved cloud, from the source its driver names, by its cloud key. */
  async view(
    cloud: StatusTarget,
    opts: { refresh?: boolean } = {},
  ): Promise<CloudView> {
    const key = StatusService.cacheKey(cloud);
    if (opts.refresh) return this.read(cloud, key);

    let known = this.local.get(key);
    if (this.shareViews && (!known || this.now() - known.readAt >= this.ttlMs)) {
      // another replica may have read it more recently: its stamp says so without the whole
      // view being fetched and parsed (thousands of hosts) on every read of a stale copy
      const sharedAt = (await this.cache.get(StatusService.stampKey(key))) as
        | number
        | undefined;
      if (typeof sharedAt === 'number' && (!known || sharedAt > known.readAt)) {
        const shared = (await this.cache.get(key)) as Stamped | undefined;
        if (shared && (!known || shared.readAt > known.readAt)) {
          known = shared;
          this.local.set(key, shared);
        }
      }
    }
    if (!known) return this.read(cloud, key);
    const age = this.now() - known.readAt;
    if (age < this.ttlMs) return known.view;
    if (age < this.maxStaleMs) {
      if (!this.inFlight.has(key)) {
        this.read(cloud, key).catch(e =>
          this.logger.warn(
            `Background refresh of cloud ${
              cloud.entityRef
            } failed; serving the view read ${Math.round(age / 1000)} s ago: ${
              (e as Error).message
            }`,
          ),
        );
      }
      return known.view;
    }
    return this.read(cloud, key);
  }

  /** Drops the cached view, e.g. after an operation changed the cloud. */
  async invalidate(cloud: StatusTarget) {
    const key = StatusService.cacheKey(cloud);
    this.local.delete(key);
    await Promise.all([
      this.cache.delete(key),
      this.cache.delete(StatusService.stampKey(key)),
    ]);
  }

  /** The cache key of a cloud's view: its driver and cloud key, the source's own name for it. */
  private static cacheKey(cloud: StatusTarget): string {
    return `view:${cloud.driver}:${cloud.cloudKey}`;
  }

  /** The key of when the shared view was read (a number, cheap to compare). */
  private static stampKey(key: string): string {
    return `${key}:readAt`;
  }

  /** One upstream read of `cloud`, shared by everyone asking while it runs. */
  private read(cloud: StatusTarget, key: string): Promise<CloudView> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = (async () => {
      const source = await this.sourceFor(cloud);
      const t0 = this.now();
      const view = await source.read(cloud);
      this.logger.debug(
        `read cloud ${cloud.entityRef} (${cloud.driver} ${cloud.cloudKey}) in ${
          this.now() - t0
        } ms`,
      );
      const stamped: Stamped = { view, readAt: this.now() };
      this.local.set(key, stamped);
      if (this.shareViews) this.share(cloud, key, stamped);
      return view;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /**
   * Writes a new view to the shared cache for the other replicas, after the callers have their
   * answer: the cache serializes the whole view (thousands of hosts), a cost no reader needs to
   * wait for. The view first, then its stamp, so a replica that sees the stamp finds the view.
   * A view invalidated or replaced meanwhile is not written. A failed write only leaves the
   * other replicas to read for themselves.
   */
  private share(cloud: StatusTarget, key: string, stamped: Stamped) {
    setImmediate(async () => {
      if (this.local.get(key) !== stamped) return;
      try {
        await this.cache.set(key, stamped as any, { ttl: this.maxStaleMs });
        await this.cache.set(StatusService.stampKey(key), stamped.readAt, {
          ttl: this.maxStaleMs,
        });
      } catch (e) {
        this.logger.warn(
          `Could not share the view of cloud ${cloud.entityRef} with other replicas: ${
            (e as Error).message
          }`,
        );
      }
    });
  }

  /** The source of the cloud's driver, when it serves the cloud's key. */
  private async sourceFor(cloud: StatusTarget): Promise<CloudSource> {
    const source = this.sources[cloud.driver];
    if (source && (await source.has(cloud.cloudKey))) return source;
    if (cloud.driver === 'demo') {
      throw new NotFoundError(
        `${
          cloud.entityRef
        } is a demo cloud (openstack.backstage.io/delivery: demo), but the demo store has no cloud "${
          cloud.cloudKey
        }"${
          source ? '' : ' (the demo is off: openstack.demo.enabled)'
        }; fix its openstack.backstage.io/cloud annotation or create it with the New OpenStack cloud template`,
      );
    }
    throw new NotFoundError(
      `${cloud.entityRef}: cloud "${cloud.cloudKey}" is not configured: add openstack.clouds.${cloud.cloudKey} (authUrl and an application credential) to app-config`,
    );
  }
}
