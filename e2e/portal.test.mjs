// The portal on its embedded defaults: guest sign-in, the example catalog, the demo cloud's
// OpenStack tab and the template list.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, PORTAL_URL, screenshot, signInAsGuest } from './browser.mjs';

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
});
after(async () => browser?.close());

test('signs in as guest and lists the example catalog', async () => {
  await signInAsGuest(page);
  await page.goto(`${PORTAL_URL}/?filters%5Bkind%5D=resource&filters%5Buser%5D=all`);
  await page.getByRole('link', { name: 'Demo cloud (simulated)' }).waitFor();
  assert.ok(await page.getByRole('link', { name: 'cmp-az1-01' }).isVisible());
  await screenshot(page, 'catalog-resources');
});

test("opens the demo cloud's OpenStack tab from the catalog", async () => {
  await page.getByRole('link', { name: 'Demo cloud (simulated)' }).click();
  await page.getByRole('link', { name: 'OpenStack', exact: true }).click();
  await page.getByText('Control plane').first().waitFor();
  assert.match(page.url(), /\/catalog\/default\/resource\/demo-cloud\/openstack$/);
  await screenshot(page, 'demo-cloud-openstack-tab');
});

test('lists the OpenStack templates', async () => {
  await page.goto(`${PORTAL_URL}/create`);
  await page.getByText('New OpenStack cloud').first().waitFor();
  assert.ok(await page.getByText('Create an OpenStack cloud whose control plane runs on Kubernetes').first().isVisible());
  await screenshot(page, 'templates');
});
