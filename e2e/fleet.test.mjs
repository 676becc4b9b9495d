// The fleet page (/openstack) and the pages that must fit: at 1280 and 1920 px every column of
// the fleet table and of the hosts table is visible without scrolling sideways, and no cell's
// content overflows its column (long host names and reasons are cut, whole in a tooltip).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, PORTAL_URL, screenshot, signInAsGuest } from './browser.mjs';

const WIDTHS = [1280, 1920];

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  await signInAsGuest(page);
});
after(async () => browser?.close());

/**
 * The cells of `table` whose content is wider than the cell (scrollWidth > clientWidth), and
 * whether the table is wider than its container: both must be empty/false.
 */
async function overflow(table) {
  return table.evaluate(t => {
    const cells = [...t.querySelectorAll('th, td')]
      .filter(c => c.scrollWidth > c.clientWidth)
      .map(c => `${c.textContent?.slice(0, 40)} (${c.scrollWidth} > ${c.clientWidth})`);
    const container = t.parentElement;
    return { cells, tableWidth: t.scrollWidth, containerWidth: container.clientWidth, containerScroll: container.scrollWidth };
  });
}

function assertFits(o, what) {
  assert.deepEqual(o.cells, [], `${what}: cells wider than their column`);
  assert.ok(o.tableWidth <= o.containerWidth, `${what}: table ${o.tableWidth} px in a container of ${o.containerWidth} px`);
  assert.ok(o.containerScroll <= o.containerWidth, `${what}: its container scrolls sideways (${o.containerScroll} > ${o.containerWidth})`);
}

test('the fleet page lists the demo cloud with its figures, linked from the sidebar', async () => {
  await page.goto(`${PORTAL_URL}/catalog`);
  await page.getByRole('link', { name: 'OpenStack fleet' }).first().click();
  await page.waitForURL(/\/openstack$/);
  const row = page.locator('[data-testid="fleet-row"][data-cloud="resource:default/demo-cloud"]');
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /2025\.1/);
  assert.match(text, /23 \/ 24/);
  assert.match(text, /2025\.2, 2026\.1/);
  // the two lagging hosts of the demo cloud block its next hop
  assert.match(await row.locator('[data-column="blockers"]').innerText(), /compute-lag/);
  assert.ok(await row.locator('[data-verdict="Healthy"]').isVisible());
  // the cloud's name leads to its OpenStack tab, which links back to the fleet
  await row.getByRole('link', { name: /Demo cloud/ }).click();
  await page.getByText('Control plane').first().waitFor();
  await page.getByRole('link', { name: 'All clouds (fleet)' }).click();
  await row.waitFor();
});

for (const width of WIDTHS) {
  test(`at ${width} px the fleet table and the hosts table fit: every column visible, no cell overflows`, async () => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${PORTAL_URL}/openstack`);
    const fleet = page.getByTestId('fleet-table');
    await fleet.locator('[data-testid="fleet-row"]').first().waitFor();
    for (const title of ['Cloud', 'Release', 'Verdict', 'Hosts up', 'vCPU used', 'RAM used', 'Next hops', 'Blocks next upgrade', 'Approvals', 'Running', 'Read at']) {
      assert.ok(await fleet.getByRole('columnheader', { name: title }).isVisible(), `fleet column ${title}`);
    }
    assertFits(await overflow(fleet), `fleet table at ${width} px`);
    await screenshot(page, `fleet-${width}`);

    await page.goto(`${PORTAL_URL}/catalog/default/resource/demo-cloud/openstack`);
    await page.getByRole('link', { name: 'cmp-az1-01' }).waitFor();
    const hosts = page.getByTestId('hosts-table').locator('table').first();
    for (const title of ['Host', 'Zone', 'State', 'Status', 'vCPU', 'RAM', 'VMs', 'OVN', 'nova-compute', 'Heartbeat']) {
      const header = hosts.getByRole('columnheader', { name: title, exact: true });
      assert.ok(await header.isVisible(), `hosts column ${title}`);
      const box = await header.boundingBox();
      assert.ok(box && box.x + box.width <= width, `hosts column ${title} ends at ${box?.x + box?.width} px, past ${width}`);
    }
    assertFits(await overflow(hosts), `hosts table at ${width} px`);
    // a long disabled reason stays on one line, whole in its tooltip
    await page.getByTestId('host-filter-disabled').click();
    const reason = hosts.locator('[data-truncated][aria-label^="disabled: maintenance"]').first();
    await reason.waitFor();
    const shape = await reason.evaluate(e => ({ height: e.getBoundingClientRect().height, font: parseFloat(getComputedStyle(e).fontSize), wrap: getComputedStyle(e).whiteSpace }));
    assert.equal(shape.wrap, 'nowrap');
    assert.ok(shape.height < 2 * shape.font, `the disabled reason is ${shape.height} px high (font ${shape.font} px): more than one line`);
    await page.getByTestId('host-filter-all').click();
    await page.getByRole('link', { name: 'cmp-az1-01' }).waitFor();
    await screenshot(page, `hosts-${width}`);
  });
}

test("the cloud's Overview tab leads with its summary card, linked to the fleet", async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${PORTAL_URL}/catalog/default/resource/demo-cloud`);
  const card = page.getByTestId('cloud-summary');
  await card.getByText('2025.1').waitFor();
  assert.match(await card.innerText(), /23 up of 24/);
  assert.ok(await card.locator('[data-verdict]').isVisible());
  assert.ok(await page.getByRole('link', { name: 'All clouds (fleet)' }).first().isVisible());
  await screenshot(page, 'cloud-overview-summary');
});
