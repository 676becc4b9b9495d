import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CloudZones,
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_HOST,
  ANNOTATION_OPENSTACK_NAMESPACE,
  ANNOTATION_OPENSTACK_RELEASE,
  findRelease,
  OPENSTACK_COMPUTE_HOST_TYPE,
} from '@backstage-openstack/plugin-openstack-common';
import {
  ClusterClient,
  LiveCloudTarget,
  OpenStackClient,
  OpenStackClientOptions,
  readLiveCloudView,
} from '@backstage-openstack/plugin-openstack-node';
import { CloudSource, CloudView, StatusTarget } from './StatusService';

/** Where a cloud's control plane runs, and where that was learnt from. */
interface ControlPlaneLocation {
  cluster?: string;
  namespace?: string;
  from: string;
}

/**
 * The live clouds: one per `openstack.clouds.<key>`, read from its OpenStack APIs and its
 * control plane's Kubernetes namespace.
 *
 * Which cluster and namespace (one rule): each of `openstack.clouds.<key>.cluster` and
 * `.namespace` from app-config when set there, else from the annotations
 * `openstack.backstage.io/cluster` and `openstack.backstage.io/namespace` of the cloud's
 * Resource, which the route's resolver read (`ResolvedCloud`). The cluster is a name under
 * `kubernetes.clusterLocatorMethods` (configured once for the kubernetes plugin too). When
 * neither names both, the status is read from OpenStack alone and says how to fix it.
 */
export class LiveClouds implements CloudSource {
  private readonly clusters = new Map<string, ClusterClient>();

  static fromConfig(
    config: Config,
    deps: {
      catalog: CatalogService;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
    },
    options: OpenStackClientOptions = {},
  ): LiveClouds {
    return new LiveClouds(
      config,
      OpenStackClient.fromConfig(config, options),
      deps,
    );
  }

  constructor(
    private readonly config: Config,
    private readonly clients: Map<string, OpenStackClient>,
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
    },
  ) {}

  /** The configured cloud keys. */
  keys(): string[] {
    return [...this.clients.keys()];
  }

  /** The cloud's availability zones and aggregates from its Nova; undefined for a key not configured. */
  zones(cloudKey: string): Promise<CloudZones> | undefined {
    const openstack = this.clients.get(cloudKey);
    if (!openstack) return undefined;
    return (async () => {
      const [zones, aggregates] = await Promise.all([openstack.nova.listAvailabilityZones(), openstack.nova.listAggregates()]);
      return {
        availabilityZones: zones.sort((a, b) => a.name.localeCompare(b.name)),
        aggregates: aggregates
          .map(a => ({ name: a.name, availabilityZone: a.availabilityZone ?? undefined, hosts: a.hosts.length }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    })();
  }

  async has(cloudKey: string): Promise<boolean> {
    return this.clients.has(cloudKey);
  }

  async read(cloud: StatusTarget): Promise<CloudView> {
    const { cloudKey } = cloud;
    const openstack = this.clients.get(cloudKey)!;
    const where = this.locate(cloud);
    const hostReleases = await this.hostReleases(cloudKey);
    const target: LiveCloudTarget = { cloudKey, openstack, hostReleases };
    if (where.cluster && where.namespace) {
      try {
        target.kubernetes = {
          cluster: this.cluster(where.cluster),
          namespace: where.namespace,
        };
      } catch (e) {
        target.kubernetesMissing = `OpenStack cloud "${cloudKey}": its control plane's cluster "${
          where.cluster
        }" (from ${where.from}) cannot be used: ${(e as Error).message}`;
      }
    } else {
      target.kubernetesMissing =
        `OpenStack cloud "${cloudKey}": no Kubernetes cluster and namespace known for its control plane (${where.from}); ` +
        `set openstack.clouds.${cloudKey}.cluster and .namespace, or the annotations ${ANNOTATION_OPENSTACK_CLUSTER} and ${ANNOTATION_OPENSTACK_NAMESPACE} on its catalog Resource`;
    }
    return readLiveCloudView(target);
  }

  private cluster(name: string): ClusterClient {
    let c = this.clusters.get(name);
    if (!c) {
      // the cluster as the Kubernetes backend knows it, through its proxy
      c = ClusterClient.viaKubernetesBackend(name, this.deps);
      this.clusters.set(name, c);
    }
    return c;
  }

  /** The catalog Resources of a type whose `openstack.backstage.io/cloud` is the key (names and annotations). */
  private async resourcesOf(cloudKey: string, type: string) {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: {
          kind: 'Resource',
          'spec.type': type,
          [`metadata.annotations.${ANNOTATION_OPENSTACK_CLOUD}`]: cloudKey,
        },
        fields: ['metadata.annotations', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    return items;
  }

  /**
   * nova-compute's release per host, from the `openstack.backstage.io/release` annotation of the
   * cloud's compute-host Resources (no OpenStack API reports it). A value that is no release of
   * the catalog is skipped with a warning naming the entity; an unreadable catalog gives none.
   */
  private async hostReleases(cloudKey: string): Promise<Record<string, string>> {
    try {
      const items = await this.resourcesOf(cloudKey, OPENSTACK_COMPUTE_HOST_TYPE);
      const releases: Record<string, string> = {};
      for (const e of items) {
        const a = e.metadata.annotations ?? {};
        const release = a[ANNOTATION_OPENSTACK_RELEASE];
        if (!release) continue;
        if (!findRelease(release)) {
          this.deps.logger.warn(
            `resource:${e.metadata.namespace ?? 'default'}/${e.metadata.name}: ${ANNOTATION_OPENSTACK_RELEASE} "${release}" is no OpenStack release (e.g. 2025.1); ignored`,
          );
          continue;
        }
        releases[a[ANNOTATION_OPENSTACK_HOST] ?? e.metadata.name] = release;
      }
      return releases;
    } catch (e) {
      this.deps.logger.warn(
        `Could not read the compute-host Resources of cloud ${cloudKey}: ${(e as Error).message}`,
      );
      return {};
    }
  }

  /**
   * Where the control plane runs: app-config first, else the annotations of the cloud's entity,
   * which the resolver has already read (no second catalog lookup).
   */
  private locate(cloud: StatusTarget): ControlPlaneLocation {
    const cfg = this.config.getOptionalConfig(`openstack.clouds.${cloud.cloudKey}`);
    const cluster = cfg?.getOptionalString('cluster');
    const namespace = cfg?.getOptionalString('namespace');
    if (cluster && namespace)
      return { cluster, namespace, from: `openstack.clouds.${cloud.cloudKey}` };
    return {
      cluster: cluster ?? cloud.cluster,
      namespace: namespace ?? cloud.namespace,
      from: `catalog ${cloud.entityRef}`,
    };
  }
}
