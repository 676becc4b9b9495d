// @ts-check
/**
 * Two-phase approvals: the request stores the form values of the run it lets start
 * (run_parameters, no secrets), and where starting that run stands: run_state
 * ('to-start' | 'starting' | 'started'), run_claimed_at (when a replica began starting it; a
 * stale claim is taken over), run_task_id (the one scaffolder task the approval binds to) and
 * run_error (why the last start failed).
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('openstack_approvals', table => {
    table.text('run_parameters');
    table.string('run_state', 16);
    table.timestamp('run_claimed_at', { useTz: true });
    table.string('run_task_id');
    table.text('run_error');
    table.index(['run_state']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('openstack_approvals', table => {
    table.dropIndex(['run_state']);
    table.dropColumn('run_error');
    table.dropColumn('run_task_id');
    table.dropColumn('run_claimed_at');
    table.dropColumn('run_state');
    table.dropColumn('run_parameters');
  });
};
