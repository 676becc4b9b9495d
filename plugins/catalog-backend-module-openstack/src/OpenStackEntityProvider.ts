import { LoggerService, SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, Entity } from '@backstage/catalog-model';
import { DeferredEntity, EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { OPENSTACK_SUITE_LOCATION, SuiteEntityRecord } from '@backstage-openstack/plugin-openstack-common';
import { SuiteEntityChange } from '@backstage-openstack/plugin-openstack-node';

/**
 * What the provider needs: the suite's entities (its backend plugin's database), a schedule, a logger.
 * @public
 */
export interface OpenStackEntityProviderOptions {
  /** Every entity the suite keeps: `GET /api/openstack/catalog/entities`. */
  read: () => Promise<SuiteEntityRecord[]>;
  /** When the full read runs (`coreServices.scheduler`, a task shared by the replicas). */
  schedule: SchedulerServiceTaskRunner;
  /** Where the provider says how many entities each full read handed the catalog. */
  logger: LoggerService;
}

/** The entity as the catalog gets it: managed by the suite's location, which is also its origin. */
function deferred(entity: Record<string, unknown>): DeferredEntity {
  const e = entity as unknown as Entity;
  return {
    locationKey: OPENSTACK_SUITE_LOCATION,
    entity: {
      ...e,
      metadata: {
        ...e.metadata,
        annotations: {
          ...e.metadata.annotations,
          [ANNOTATION_LOCATION]: OPENSTACK_SUITE_LOCATION,
          [ANNOTATION_ORIGIN_LOCATION]: OPENSTACK_SUITE_LOCATION,
        },
      },
    },
  };
}

/**
 * The catalog's source of the clouds and compute hosts the suite's actions made: no files, no
 * locations. The entities live in the suite's backend plugin's database (they survive restarts,
 * every replica reads the same rows); on its schedule the provider reads them all and hands the
 * catalog the full set (an entity removed there leaves the catalog), and a change made on this
 * backend is applied at once as a delta.
 *
 * @public
 */
export class OpenStackEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(private readonly options: OpenStackEntityProviderOptions) {}

  /** `openstack-suite`. */
  getProviderName(): string {
    return 'openstack-suite';
  }

  /** Called by the catalog: keeps the connection and schedules the full read. */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.schedule.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Reads every entity the suite keeps and replaces the provider's set with it. */
  async refresh(): Promise<void> {
    if (!this.connection) throw new Error('OpenStackEntityProvider is not connected to the catalog yet');
    const records = await this.options.read();
    await this.connection.applyMutation({ type: 'full', entities: records.map(r => deferred(r.entity)) });
    this.options.logger.debug(`openstack-suite: ${records.length} entities`);
  }

  /** Applies one change made on this backend at once (the next full read confirms it). */
  async apply(change: SuiteEntityChange): Promise<void> {
    if (!this.connection) return; // not connected yet: the first full read brings it
    await this.connection.applyMutation(
      change.type === 'upsert'
        ? { type: 'delta', added: [deferred(change.entity)], removed: [] }
        : { type: 'delta', added: [], removed: [{ entityRef: change.entityRef, locationKey: OPENSTACK_SUITE_LOCATION }] },
    );
  }
}
