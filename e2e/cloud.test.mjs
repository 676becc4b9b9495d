// The demo cloud's OpenStack tab with live status, the hosts table with its filters, and a
// compute host's page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, PORTAL_URL, screenshot, signInAsGuest } from './browser.mjs';

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  await signInAsGuest(page);
});
after(async () => browser?.close());

test('the OpenStack tab shows the control plane with verdicts', async () => {
  await page.goto(`${PORTAL_URL}/catalog/default/resource/demo-cloud/openstack`);
  await page.getByText('Control plane').first().waitFor();
  const header = page.getByTestId('cloud-header');
  await header.getByText('DEMO (simulated cloud)').waitFor();
  assert.match(await header.innerText(), /Release 2025\.1/);
  assert.match(await header.innerText(), /Hosts: 24 \(23 up, 1 down, 1 disabled\)/);
  for (const service of ['keystone', 'nova', 'neutron', 'mariadb', 'ovn']) {
    assert.ok(await page.getByRole('cell', { name: service, exact: true }).first().isVisible(), service);
  }
  assert.ok((await page.locator('[data-verdict="Healthy"]').count()) >= 11);
  await page.getByText('Capacity by zone').waitFor();
  await screenshot(page, 'demo-cloud-status');
});

test('the hosts table filters down, disabled and lagging hosts on the server', async () => {
  await page.goto(`${PORTAL_URL}/catalog/default/resource/demo-cloud/openstack`);
  await page.getByRole('link', { name: 'cmp-az1-01' }).waitFor();
  // each host links to its entity, named as the enroll action names it (hostEntityName: <cloud key>.<host>)
  assert.equal(await page.getByRole('link', { name: 'cmp-az1-01' }).getAttribute('href'), '/catalog/default/resource/demo.cmp-az1-01');
  await page.getByTestId('host-filter-down').click();
  await page.getByRole('link', { name: 'cmp-az2-07' }).waitFor();
  await page.getByRole('link', { name: 'cmp-az1-01' }).waitFor({ state: 'detached' });
  await screenshot(page, 'hosts-filter-down');
  await page.getByTestId('host-filter-lagging').click();
  await page.getByRole('link', { name: 'cmp-az2-11' }).waitFor();
  assert.ok(await page.getByText('2024.2 (blocks upgrade)').first().isVisible());
  await page.getByTestId('host-filter-disabled').click();
  await page.getByText(/maintenance: DIMM replacement/).first().waitFor();
  await screenshot(page, 'hosts-filter-disabled');
});

test("a compute host's page shows its live status and its cloud", async () => {
  await page.goto(`${PORTAL_URL}/catalog/default/resource/demo.cmp-az1-04`);
  await page.getByText('Compute host cmp-az1-04').waitFor();
  await page.getByText(/disabled: maintenance: DIMM replacement/).waitFor();
  assert.ok(await page.getByRole('link', { name: 'resource:default/demo-cloud' }).isVisible());
  await screenshot(page, 'compute-host-cmp-az1-04');
});

test('the upgrade template offers only the hops the picked cloud can take', async () => {
  const formData = encodeURIComponent(JSON.stringify({ cloud: 'resource:default/demo-cloud' }));
  await page.goto(`${PORTAL_URL}/create/templates/default/openstack-upgrade-cloud?formData=${formData}`);
  // the demo cloud runs 2025.1 Epoxy (SLURP): one hop reaches 2025.2, or the next SLURP 2026.1
  await page.getByText('Running 2025.1 Epoxy (SLURP); one hop reaches 2025.2 Flamingo or 2026.1 Gazpacho (SLURP)').waitFor();
  await page.getByTestId('openstack-upgrade-target').getByRole('button').click();
  const options = await page.getByRole('option').allInnerTexts();
  assert.deepEqual(options, ['2025.2 Flamingo', '2026.1 Gazpacho (SLURP)']);
  await page.getByRole('option', { name: '2025.2 Flamingo' }).click();
  await screenshot(page, 'upgrade-target-picker');
});
