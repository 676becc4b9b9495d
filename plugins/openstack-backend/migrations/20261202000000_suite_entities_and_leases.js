// @ts-check
/**
 * Required string columns, each with its bound (name → maximum length).
 * @param {import('knex').Knex.CreateTableBuilder} table
 * @param {Record<string, number>} columns
 */
function requiredStrings(table, columns) {
  for (const [name, length] of Object.entries(columns)) {
    table.string(name, length).notNullable();
  }
}

/**
 * The catalog entities the suite's actions made (served to the catalog by the suite's entity
 * provider), and one lease per cloud: the operation running on it. Every string column is bounded
 * (the routes refuse longer values first).
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('openstack_suite_entities', table => {
    // <kind>:<namespace>/<name>, each at most 63 characters
    table.string('entity_ref', 200).primary().notNullable();
    requiredStrings(table, { kind: 63, namespace: 63, name: 63 });
    // the entity as JSON (at most 64 KiB, checked by the route)
    table.text('entity').notNullable();
    requiredStrings(table, { updated_by: 255 });
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('openstack_cloud_leases', table => {
    table.string('cloud_ref', 200).primary().notNullable();
    requiredStrings(table, { task_id: 64, kind: 16, initiator: 255 });
    // milliseconds since the epoch: compared as numbers on every database
    table.bigInteger('acquired_at').notNullable();
    table.bigInteger('renewed_at').notNullable();
    table.bigInteger('expires_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('openstack_cloud_leases');
  await knex.schema.dropTable('openstack_suite_entities');
};
