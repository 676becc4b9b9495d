import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CloudStatus, ComputeHostStatus } from '@backstage-openstack/plugin-openstack-common';

/** A cloud's full view: its status and every compute host. */
export interface CloudView {
  status: CloudStatus;
  hosts: ComputeHostStatus[];
}

/** Where a cloud's view comes from: the demo simulation or the live Kubernetes + OpenStack APIs. */
export interface CloudSource {
  /** True when this source serves the cloud key. */
  has(cloud: string): Promise<boolean>;
  read(cloud: string): Promise<CloudView>;
}

/**
 * Serves cloud views with short-lived caching (the cache service, shared by replicas where it
 * is backed by Redis/Memcached) and coalescing of identical in-flight reads, so a hundred users
 * opening one page cost one upstream fetch.
 */
export class StatusService {
  private readonly inFlight = new Map<string, Promise<CloudView>>();
  /** This replica's copy of recent views: a warm read neither fetches nor parses anything. */
  private readonly local = new Map<string, { view: CloudView; expires: number }>();

  constructor(
    private readonly sources: CloudSource[],
    private readonly cache: CacheService,
    private readonly logger: LoggerService,
    private readonly ttlMs = 10_000,
  ) {}

  async view(cloud: string, opts: { refresh?: boolean } = {}): Promise<CloudView> {
    const key = `view:${cloud}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    if (!opts.refresh) {
      const mine = this.local.get(key);
      if (mine && mine.expires > Date.now()) return mine.view;
      const cached = (await this.cache.get(key)) as CloudView | undefined;
      if (cached) {
        this.local.set(key, { view: cached, expires: Date.now() + this.ttlMs / 2 });
        return cached;
      }
    }
    const p = (async () => {
      const source = await this.sourceFor(cloud);
      const t0 = Date.now();
      const view = await source.read(cloud);
      this.logger.debug(`read cloud ${cloud} in ${Date.now() - t0} ms`);
      this.local.set(key, { view, expires: Date.now() + this.ttlMs });
      await this.cache.set(key, view as any, { ttl: this.ttlMs });
      return view;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /** Drops the cached view, e.g. after an operation changed the cloud. */
  async invalidate(cloud: string) {
    this.local.delete(`view:${cloud}`);
    await this.cache.delete(`view:${cloud}`);
  }

  private async sourceFor(cloud: string): Promise<CloudSource> {
    for (const s of this.sources) {
      if (await s.has(cloud)) return s;
    }
    throw new NotFoundError(
      `Cloud "${cloud}" is not configured: add openstack.clouds.${cloud} (authUrl and an application credential) to app-config`,
    );
  }
}
