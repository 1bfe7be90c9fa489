// What the dashboard's browser tests share: the browser to drive (skipped with a printed reason
// when Debian's chromium is missing, unless SALESCAST_REQUIRE_BROWSER=1), opening the page and
// waiting for every panel, the page rules, console errors, screenshots.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { pageProblems } from './page-rules';

export const CHROMIUM = process.env.SALESCAST_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRED = process.env.SALESCAST_REQUIRE_BROWSER === '1';
const available = fs.existsSync(CHROMIUM);
if (!available) {
  const reason = `dashboard browser test: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`;
  if (REQUIRED) throw new Error(`${reason}, and SALESCAST_REQUIRE_BROWSER=1 requires it`);
  console.log(`SKIPPED ${reason}`);
}
export const suite = available ? describe : describe.skip;

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const shot = (name: string) => path.join(os.tmpdir(), `salescast-dashboard${name}.png`);

/** Console errors and uncaught page errors, collected for the whole visit. */
export function watchErrors(page: Page, ignore: RegExp[] = []): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    const line = `${m.text()} @ ${m.location().url}`;
    if (m.type() === 'error' && !ignore.some((re) => re.test(line))) errors.push(`console: ${line}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return errors;
}

export async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  expect(await page.getAttribute('body', 'data-ready')).toBe('true');
}

/** The page passes the rules: no leaked value, one money format per column, no sideways overflow. */
export async function expectCleanPage(page: Page) {
  expect(await pageProblems(page)).toEqual({ leaks: [], money: [], overflow: null });
}

export const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
