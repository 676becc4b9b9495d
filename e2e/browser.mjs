// Shared helpers of the browser tests: Debian's chromium driven by playwright-core, never a
// downloaded browser. Screenshots land in e2e-artifacts/ (git-ignored).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PORTAL_URL = process.env.BSO_PORTAL_URL ?? 'http://localhost:3000';
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e-artifacts');

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.BSO_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
}

/** A fresh page of a fresh context, 1440×900, with a generous default timeout for the dev server. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

/** Signs in with the guest provider (only valid at http://localhost:3000, the CORS origin). */
export async function signInAsGuest(page) {
  await page.goto(PORTAL_URL);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByText('My Company Catalog').or(page.getByText('Platform Catalog')).first().waitFor();
}

/** Signs in as one of the example users (development sign-in, auth.providers.demo-users). */
export async function signInAs(page, user) {
  await page.goto(PORTAL_URL);
  await page.getByRole('button', { name: `Sign in as ${user}` }).click();
  await page.getByText('Platform Catalog').first().waitFor();
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
