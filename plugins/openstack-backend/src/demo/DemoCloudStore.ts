import { Knex } from 'knex';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { DemoCloudState } from './model';
import { seedDemoCloud } from './seed';

const TABLE = 'openstack_demo_clouds';

/** The demo clouds' definitions in the plugin's database (SQLite by default, PostgreSQL in production). */
export class DemoCloudStore {
  constructor(private readonly db: Knex) {}

  /** Puts the embedded demo cloud in place on first start; later starts keep what is there. */
  async ensureSeeded(now: Date, hostCount?: number): Promise<void> {
    const seed = seedDemoCloud(now, hostCount);
    await this.db(TABLE)
      .insert({ name: seed.name, state: JSON.stringify(seed), updated_at: now })
      .onConflict('name')
      .ignore();
  }

  async get(name: string): Promise<DemoCloudState> {
    const row = await this.db(TABLE).where({ name }).first();
    if (!row) throw new NotFoundError(`No demo cloud "${name}"`);
    return JSON.parse(row.state);
  }

  async has(name: string): Promise<boolean> {
    return !!(await this.db(TABLE).where({ name }).first('name'));
  }

  async list(): Promise<DemoCloudState[]> {
    const rows = await this.db(TABLE).orderBy('name');
    return rows.map(r => JSON.parse(r.state));
  }

  async create(state: DemoCloudState, now: Date): Promise<void> {
    try {
      await this.db(TABLE).insert({ name: state.name, state: JSON.stringify(state), updated_at: now });
    } catch (e) {
      if (await this.has(state.name)) {
        throw new ConflictError(`A demo cloud named "${state.name}" exists already`);
      }
      throw e;
    }
  }

  /** Read-modify-write in one transaction, so two operations on one cloud do not lose each other's change. */
  async update(
    name: string,
    now: Date,
    change: (state: DemoCloudState) => DemoCloudState,
  ): Promise<DemoCloudState> {
    return this.db.transaction(async tx => {
      const row = await tx(TABLE).where({ name }).forUpdate().first();
      if (!row) throw new NotFoundError(`No demo cloud "${name}"`);
      const next = change(JSON.parse(row.state));
      await tx(TABLE).where({ name }).update({ state: JSON.stringify(next), updated_at: now });
      return next;
    });
  }
}
