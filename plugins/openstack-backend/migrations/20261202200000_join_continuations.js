// @ts-check
/**
 * Two-phase enrollment of a joining host (issue 17): the token's record keeps what continues the
 * enrollment once the host reports: join_id (the hidden `joinId` form value of the continuation,
 * never the token), template_ref and run_parameters (the enroll task's validated form values, no
 * secrets), and where starting that continuation stands: continue_state ('to-start' set by the
 * report | 'starting' | 'started'), continue_claimed_at / continue_claimed_by (a replica's claim;
 * a stale one is taken over), continue_task_id (the one scaffolder task the record binds to) and
 * continue_error (why the last start failed).
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('openstack_join_tokens', table => {
    table.string('join_id', 36).nullable();
    table.string('template_ref', 255).nullable();
    table.text('run_parameters').nullable();
    table.string('continue_state', 16).nullable();
    table.bigInteger('continue_claimed_at').nullable();
    table.string('continue_claimed_by', 255).nullable();
    table.string('continue_task_id', 255).nullable();
    table.text('continue_error').nullable();
    table.unique(['join_id'], { indexName: 'openstack_join_tokens_join_id_idx' });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('openstack_join_tokens', table => {
    table.dropUnique(['join_id'], 'openstack_join_tokens_join_id_idx');
    for (const c of ['continue_error', 'continue_task_id', 'continue_claimed_by', 'continue_claimed_at', 'continue_state', 'run_parameters', 'template_ref', 'join_id']) {
      table.dropColumn(c);
    }
  });
};
