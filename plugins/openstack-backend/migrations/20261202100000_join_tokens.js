// @ts-check
/**
 * One-time join tokens of compute hosts (issue 17): stored only as the SHA-256 of the token; the
 * host's join bundle only encrypted with a key derived from the token (AES-256-GCM), cleared when
 * the token is used. Times are milliseconds since the epoch (compared as numbers on every database).
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('openstack_join_tokens', table => {
    table.string('token_hash', 64).primary().notNullable();
    table.string('cloud_ref', 200).notNullable();
    table.string('cloud_key', 63).notNullable();
    table.string('host', 63).notNullable();
    table.string('management_ip', 45).notNullable();
    // iv | tag | ciphertext, base64; '' once used
    table.text('payload').notNullable();
    table.string('created_by', 255).notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.bigInteger('used_at').nullable();
    table.string('used_from', 45).nullable();
    table.bigInteger('report_until').nullable();
    table.string('reported_version', 64).nullable();
    table.bigInteger('reported_at').nullable();
    table.index(['cloud_ref', 'host'], 'openstack_join_tokens_host_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('openstack_join_tokens');
};
