// @ts-check
/**
 * The demo cloud's state: one row per simulated cloud, its definition and the operations under
 * way as JSON. What the portal shows is computed from it and the clock, so it survives restarts.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('openstack_demo_clouds', table => {
    table.string('name').primary().notNullable();
    table.text('state').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('openstack_demo_clouds');
};
