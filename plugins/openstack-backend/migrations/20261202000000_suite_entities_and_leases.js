// @ts-check
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
    table.string('kind', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('name', 63).notNullable();
    // the entity as JSON (at most 64 KiB, checked by the route)
    table.text('entity').notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('openstack_cloud_leases', table => {
    table.string('cloud_ref', 200).primary().notNullable();
    table.string('task_id', 64).notNullable();
    table.string('kind', 16).notNullable();
    table.string('initiator', 255).notNullable();
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
