// Four eyes end to end, in two phases: bob (application team) asks for a new cloud; his task
// files the request and ENDS (it holds no task slot while the request waits). alice (platform
// team) approves on the Approvals page; the backend starts the run as a new task on her behalf,
// it creates the cloud, its log names both of them, and both see request and run in the cloud's
// history.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, PORTAL_URL, screenshot, signInAs } from './browser.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => browser?.close());

/** The cloud's OpenStack tab once its history shows the approved run (the catalog picks a new cloud up shortly). */
async function historyOf(page, cloud) {
  for (let attempt = 0; ; attempt++) {
    await page.goto(`${PORTAL_URL}/catalog/default/resource/${cloud}/openstack`);
    try {
      await page.getByText('create (approved run)').first().waitFor({ timeout: 10_000 });
      return;
    } catch (e) {
      if (attempt >= 12) throw e;
    }
  }
}

test('a requester asks and his task ends; another user approves and the run starts as hers', async () => {
  const cloud = `edge-${Date.now() % 100000}`;
  const bob = await newPage(browser);
  await signInAs(bob, 'bob');
  await bob.goto(`${PORTAL_URL}/create/templates/default/openstack-new-cloud`);
  await bob.getByLabel('Name').first().fill(cloud);
  await bob.getByRole('button', { name: 'Next' }).click();
  await bob.getByLabel('Wait until every service is Healthy').uncheck();
  await bob.getByRole('button', { name: 'Review' }).click();
  await bob.getByRole('button', { name: 'Create' }).click();
  // the request phase completes: its output links to the request
  await bob.getByRole('link', { name: /Approval request/ }).waitFor({ timeout: 120_000 });
  await screenshot(bob, 'approval-requester-filed');

  const alice = await newPage(browser);
  await signInAs(alice, 'alice');
  await alice.goto(`${PORTAL_URL}/openstack/approvals`);
  await alice.getByRole('link', { name: new RegExp(`New cloud ${cloud}`) }).click();
  await alice.getByText('user:default/bob').first().waitFor();
  await alice.getByLabel('Comment').fill('ok for the edge pilot');
  await screenshot(alice, 'approval-approver-view');
  await alice.getByRole('button', { name: 'Approve' }).click();
  await alice.getByText('approved by user:default/alice: ok for the edge pilot').waitFor();
  assert.equal(await alice.getByRole('button', { name: 'Approve' }).count(), 0);
  // the run started on approval, as alice's task; the request links to it
  await alice.getByTestId('approval-run-link').waitFor({ timeout: 60_000 });
  await screenshot(alice, 'approval-decided');
  await alice.getByTestId('approval-run-link').click();
  await alice.getByRole('link', { name: 'Open the cloud' }).waitFor({ timeout: 120_000 });
  // The log viewer is virtualized and follows the log's end: search it, as a user would. The
  // scaffolder shows a finished task's log by itself (and hides its button bar); a task still
  // finishing has the button.
  const search = alice.getByPlaceholder('Search');
  if (!(await search.isVisible())) {
    const show = alice.getByRole('button', { name: 'Show logs' });
    if (await show.isVisible()) await show.click();
  }
  await search.waitFor({ timeout: 60_000 });
  await alice.getByPlaceholder('Search').fill('Requested by');
  await alice.getByText(/Requested by user:default\/bob \(task .*\), approved by user:default\/alice \("ok for the edge pilot"\)/).first().waitFor();
  await screenshot(alice, 'approval-run-finished');

  // both see the request phase, the request and the run in the cloud's history
  for (const [page, who] of [
    [bob, 'bob'],
    [alice, 'alice'],
  ]) {
    await historyOf(page, cloud);
    await page.getByText('create (request)').first().waitFor();
    await page.getByText('approval (create)').first().waitFor();
    await page.getByText('ok for the edge pilot').first().waitFor();
    await screenshot(page, `approval-history-${who}`);
  }

  // bob may not decide: no buttons for him, even on a pending request
  await bob.goto(`${PORTAL_URL}/openstack/approvals`);
  await bob.getByTestId('approval-filter-approved').click();
  await bob.getByRole('link', { name: new RegExp(`New cloud ${cloud}`) }).click();
  await bob.getByText('Audit trail').waitFor();
  assert.equal(await bob.getByRole('button', { name: 'Approve' }).count(), 0);
});
