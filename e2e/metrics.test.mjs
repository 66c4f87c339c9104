// What the learning metrics add to pages, in a real browser: the
// organisation's time zone on the settings page (a refused name is shown again
// with its error), and on a case page the drill flag a security lead sets and
// the "has this happened before?" section every case reader sees.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, launchBrowser, login, newPage, startServer } from './lib.mjs';

const PASSWORD = 'debrief-demo-2026';
const ADMIN = 'admin@demo.debrief.example';
const LEAD = 'amara.okafor@demo.debrief.example';
const LEADER = 'helen.carter@demo.debrief.example';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an administrator sets the time zone the metrics count in', { timeout: 120_000 }, async () => {
  const { page, context } = await newPage(browser);
  try {
    await login(page, server.baseUrl, ADMIN, PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(new URL('/admin/settings', server.baseUrl).href);
    const zone = page.getByRole('textbox', { name: 'Time zone' });
    assert.equal(await zone.inputValue(), 'UTC', 'UTC until one is chosen');
    await zone.fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save the time zone' }).click();
    await page.getByText('is not a time zone name').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Time zone' }).inputValue(), 'Mars/Olympus');
    assert.equal(await page.getByRole('textbox', { name: 'Time zone' }).getAttribute('aria-invalid'), 'true');
    await checkA11y(page, 'admin-settings-time-zone-error');
    await page.getByRole('textbox', { name: 'Time zone' }).fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save the time zone' }).click();
    await page.getByText('now count days and quarters in Europe/Berlin').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Time zone' }).inputValue(), 'Europe/Berlin');
    // the promise form beside it is untouched
    assert.ok((await page.getByRole('textbox', { name: 'Promise', exact: true }).inputValue()).length > 0);
    await checkA11y(page, 'admin-settings');
  } finally {
    await context.close();
  }
});

test('a security lead marks a drill; readers see the badge and recurrence', { timeout: 120_000 }, async () => {
  const { page, context } = await newPage(browser);
  let casePath;
  try {
    await login(page, server.baseUrl, LEAD, PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(new URL('/cases', server.baseUrl).href);
    casePath = await page.locator('table a[href^="/cases/"]').first().getAttribute('href');
    await page.goto(new URL(casePath, server.baseUrl).href);
    await page.getByRole('heading', { name: 'Has this happened before?' }).waitFor();
    await page.getByRole('button', { name: 'Mark as a drill or exercise' }).click();
    await page.getByText('Marked as a drill or exercise').waitFor();
    await page.getByText('Drill or exercise', { exact: true }).waitFor();
    await checkA11y(page, 'case-drill');
    await page.goto(new URL('/cases', server.baseUrl).href);
    const row = page.locator(`tr:has(a[href="${casePath}"])`);
    assert.match(await row.innerText(), /Drill/);
  } finally {
    await context.close();
  }
  // a leader reads the case with its badge, without the form
  const { page: p2, context: c2 } = await newPage(browser);
  try {
    await login(p2, server.baseUrl, LEADER, PASSWORD);
    await p2.waitForURL((u) => u.pathname === '/');
    await p2.goto(new URL(casePath, server.baseUrl).href);
    await p2.getByText('Drill or exercise', { exact: true }).waitFor();
    assert.equal(await p2.getByRole('button', { name: /drill|real case/i }).count(), 0);
    await p2.getByRole('heading', { name: 'Has this happened before?' }).waitFor();
    await checkA11y(p2, 'case-leader-recurrence');
  } finally {
    await c2.close();
  }
});
