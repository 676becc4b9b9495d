// @ts-check
/**
 * Approval requests and their append-only audit trail.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('openstack_approvals', table => {
    table.string('id').primary().notNullable();
    table.string('task_id').notNullable();
    table.string('step_id').notNullable();
    table.string('template_ref');
    table.string('requester').notNullable();
    table.string('approver_group').notNullable();
    table.string('cloud');
    table.string('title').notNullable();
    table.text('summary').notNullable();
    table.text('plan').notNullable();
    table.string('state').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('decided_by');
    table.timestamp('decided_at', { useTz: true });
    table.text('comment');
    table.unique(['task_id', 'step_id']);
    table.index(['state']);
  });
  await knex.schema.createTable('openstack_approval_audit', table => {
    table.increments('seq');
    table.string('approval_id').notNullable().references('id').inTable('openstack_approvals');
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('actor').notNullable();
    table.string('event').notNullable();
    table.string('from_state');
    table.string('to_state');
    table.text('comment');
    table.index(['approval_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('openstack_approval_audit');
  await knex.schema.dropTable('openstack_approvals');
};
