import { SuiteEntityRecord } from '@backstage-openstack/plugin-openstack-common';
import { EntityName } from '@backstage-openstack/plugin-openstack-node';
import { Knex } from 'knex';

const TABLE = 'openstack_suite_entities';

interface EntityRow {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  entity: string;
  updated_by: string;
  updated_at: Date | string | number;
}

/** `<kind>:<namespace>/<name>` with the kind in lower case, as the catalog writes refs. */
export function suiteEntityRef(n: EntityName): string {
  return `${n.kind.toLocaleLowerCase('en-US')}:${n.namespace}/${n.name}`;
}

const toRecord = (row: EntityRow): SuiteEntityRecord => ({
  entityRef: row.entity_ref,
  entity: JSON.parse(row.entity),
  updatedBy: row.updated_by,
  updatedAt: new Date(row.updated_at).toISOString(),
});

/**
 * The catalog entities the suite's actions made (clouds, compute hosts), in the plugin's database:
 * they survive restarts and every replica reads the same rows. The suite's entity provider (the
 * catalog module) serves them to the catalog.
 */
export class SuiteEntityStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(): Promise<SuiteEntityRecord[]> {
    return (await this.db<EntityRow>(TABLE).orderBy('entity_ref')).map(toRecord);
  }

  async get(ref: string): Promise<SuiteEntityRecord | undefined> {
    const row = await this.db<EntityRow>(TABLE).where({ entity_ref: ref }).first();
    return row && toRecord(row);
  }

  /** Stores the entity under its ref, replacing what was there (a re-run writes the same row). */
  async put(name: EntityName, entity: Record<string, unknown>, updatedBy: string): Promise<string> {
    const entityRef = suiteEntityRef(name);
    await this.db<EntityRow>(TABLE)
      .insert({
        entity_ref: entityRef,
        kind: name.kind,
        namespace: name.namespace,
        name: name.name,
        entity: JSON.stringify(entity),
        updated_by: updatedBy,
        updated_at: this.now(),
      })
      .onConflict('entity_ref')
      .merge();
    return entityRef;
  }

  /** Removes the entity; false when none of that ref was kept. */
  async remove(ref: string): Promise<boolean> {
    return (await this.db<EntityRow>(TABLE).where({ entity_ref: ref }).delete()) > 0;
  }
}
