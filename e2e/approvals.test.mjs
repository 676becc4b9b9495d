// Four eyes end to end: bob (application team) asks for a new cloud, the task waits; alice
// (platform team) approves on the Approvals page; bob's task goes on and the cloud appears.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, PORTAL_URL, screenshot, signInAs } from './browser.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => browser?.close());

test('a requester asks, another user approves, the task goes on', async () => {
  const cloud = `edge-${Date.now() % 100000}`;
  const bob = await newPage(browser);
  await signInAs(bob, 'bob');
  await bob.goto(`${PORTAL_URL}/create/templates/default/openstack-new-cloud`);
  await bob.getByLabel('Name').first().fill(cloud);
  await bob.getByRole('button', { name: 'Next' }).click();
  await bob.getByLabel('Wait until every service is Healthy').uncheck();
  await bob.getByRole('button', { name: 'Review' }).click();
  await bob.getByRole('button', { name: 'Create' }).click();
  await bob.getByRole('button', { name: 'Show logs' }).click();
  await bob.getByText(/Waiting for group:default\/platform-team to approve/).first().waitFor({ timeout: 90_000 });
  await screenshot(bob, 'approval-requester-waiting');

  const alice = await newPage(browser);
  await signInAs(alice, 'alice');
  await alice.goto(`${PORTAL_URL}/openstack/approvals`);
  await alice.getByRole('link', { name: new RegExp(`New cloud ${cloud}`) }).click();
  await alice.getByText('user:default/bob').first().waitFor();
  await alice.getByLabel('Comment').fill('ok for the edge pilot');
  await screenshot(alice, 'approval-approver-view');
  await alice.getByRole('button', { name: 'Approve' }).click();
  await alice.getByText('approved by user:default/alice: ok for the edge pilot').waitFor();
  await alice.getByRole('cell', { name: 'approved', exact: true }).first().waitFor();
  assert.equal(await alice.getByRole('button', { name: 'Approve' }).count(), 0);
  await screenshot(alice, 'approval-decided');

  await bob.getByRole('link', { name: 'Open the cloud' }).waitFor({ timeout: 120_000 });
  // The log viewer is virtualized and follows the log's end: once the steps after the approval
  // have logged, its line may be scrolled out of the DOM. Search the log for it, as a user would.
  await bob.getByPlaceholder('Search').fill('Approved by');
  await bob.getByText('Approved by user:default/alice: ok for the edge pilot').first().waitFor();
  await screenshot(bob, 'approval-task-finished');

  // bob may not decide: no buttons for him, even on a pending request
  await bob.goto(`${PORTAL_URL}/openstack/approvals`);
  await bob.getByTestId('approval-filter-approved').click();
  await bob.getByRole('link', { name: new RegExp(`New cloud ${cloud}`) }).click();
  await bob.getByText('Audit trail').waitFor();
  assert.equal(await bob.getByRole('button', { name: 'Approve' }).count(), 0);
});
