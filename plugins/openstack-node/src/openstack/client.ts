import { Config } from '@backstage/config';
import { CinderClient } from './cinder';
import { OpenStackCloudConfig, readOpenStackClouds } from './config';
import { GlanceClient } from './glance';
import { NeutronClient } from './neutron';
import { NovaClient } from './nova';
import { PlacementClient } from './placement';
import { OpenStackSession, OpenStackSessionOptions } from './session';
import { ApiHealth } from './types';
import { parseVersionDocument } from './util';

/**
 * Options of {@link OpenStackClient}.
 *
 * @public
 */
export type OpenStackClientOptions = OpenStackSessionOptions;

/**
 * The services {@link OpenStackClient.checkApi} knows how to probe.
 *
 * @public
 */
export const OPENSTACK_API_SERVICES = [
  'identity',
  'compute',
  'placement',
  'network',
  'block-storage',
  'image',
] as const;

/**
 * The client of one cloud: one session (token, transport, concurrency limit) shared by the
 * per-service clients.
 *
 * @public
 */
export class OpenStackClient {
  readonly session: OpenStackSession;
  readonly nova: NovaClient;
  readonly placement: PlacementClient;
  readonly neutron: NeutronClient;
  readonly cinder: CinderClient;
  readonly glance: GlanceClient;

  constructor(
    readonly cloud: OpenStackCloudConfig,
    options: OpenStackClientOptions = {},
  ) {
    this.session = new OpenStackSession(cloud, options);
    this.nova = new NovaClient(this.session);
    this.placement = new PlacementClient(this.session);
    this.neutron = new NeutronClient(this.session);
    this.cinder = new CinderClient(this.session);
    this.glance = new GlanceClient(this.session);
  }

  /** One client per `openstack.clouds.<key>`, by key. */
  static fromConfig(
    config: Config,
    options: OpenStackClientOptions = {},
  ): Map<string, OpenStackClient> {
    return new Map(
      readOpenStackClouds(config).map(c => [
        c.key,
        new OpenStackClient(c, options),
      ]),
    );
  }

  /**
   * Whether the catalog endpoint of `service` answers its version document (one GET, not
   * retried), with the latency of that GET. Never throws.
   */
  async checkApi(service: string): Promise<ApiHealth> {
    const started = performance.now();
    let url: string | undefined;
    try {
      url = await this.versionUrl(service);
      const t0 = performance.now();
      const res = await this.session.request(service, url, {
        retries: 0,
        acceptStatuses: [300],
      });
      return {
        service,
        url,
        ok: true,
        status: res.status,
        latencyMs: Math.round(performance.now() - t0),
        version: parseVersionDocument(res.body),
      };
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      const status = /HTTP (\d{3})/.exec(message)?.[1];
      return {
        service,
        url,
        ok: false,
        status: status ? Number(status) : undefined,
        latencyMs: Math.round(performance.now() - started),
        error: message,
      };
    }
  }

  /** {@link OpenStackClient.checkApi} of every known service, in parallel. */
  async checkApis(
    services: readonly string[] = OPENSTACK_API_SERVICES,
  ): Promise<ApiHealth[]> {
    return Promise.all(services.map(s => this.checkApi(s)));
  }

  /** Closes the connections of a custom CA agent. */
  async close(): Promise<void> {
    await this.session.transport.close();
  }

  private async versionUrl(service: string): Promise<string> {
    const endpoint = await this.session.endpoint(service);
    const project = await this.session.projectId();
    let root = endpoint.endsWith(`/${project}`)
      ? endpoint.slice(0, -project.length - 1)
      : endpoint;
    if (service === 'image') {
      root = root.replace(/\/v2(\.\d+)?$/, '');
      return `${root}/versions`;
    }
    return `${root}/`;
  }
}
