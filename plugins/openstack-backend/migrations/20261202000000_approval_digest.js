// @ts-check
/**
 * Approvals bound to a plan: the digest of the plan the approver saw (approvalPlanDigest) and the
 * operation it lets run (create, upgrade, enroll). Requests made before have the digest of their
 * stored plan and no operation, so they let no action run.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('openstack_approvals', table => {
    table.string('digest', 80);
    table.string('operation', 16);
    table.index(['task_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('openstack_approvals', table => {
    table.dropIndex(['task_id']);
    table.dropColumn('operation');
    table.dropColumn('digest');
  });
};
