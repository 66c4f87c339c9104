// Administration in a real browser: finding people (live, in place, under the
// server's real Content-Security-Policy, and as a plain form without
// JavaScript), adding a person with a validation error that keeps what was
// typed, and creating a team.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, launchBrowser, login, newPage, startServer } from './lib.mjs';

const DEMO_ADMIN = { email: 'admin@demo.debrief.example', password: 'debrief-demo-2026' };

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

test('find people live, add a person, create a team', { timeout: 120_000 }, async () => {
  const { page, context } = await newPage(browser, { enforceCSP: true });
  const cspErrors = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  try {
    await login(page, server.baseUrl, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(new URL('/admin/users', server.baseUrl).href);
    const rows = page.locator('#people tbody tr');
    const all = await rows.count();
    assert.ok(all >= 17, `demo people listed (${all})`);

    // typing filters the list in place, without a page load
    let loads = 0;
    page.on('load', () => loads++);
    await page.getByLabel('Find a person').pressSequentially('priya', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#people tbody tr').length === 1);
    assert.equal(loads, 0, 'no full page load');
    assert.match(await rows.first().innerText(), /Priya Raman/);
    assert.match(page.url(), /q=priya/, 'the address records the search');
    assert.deepEqual(cspErrors, [], 'nothing was blocked by the Content-Security-Policy');

    // adding a person with a too-short password keeps what was typed
    await page.goto(new URL('/admin/users', server.baseUrl).href);
    await page.getByLabel('Name', { exact: true }).fill('Grace <b>Hopper</b>');
    await page.getByLabel('Email', { exact: true }).fill('grace@demo.debrief.example');
    await page.getByLabel('Initial password').fill('short');
    await page.getByLabel('Facilitator').check();
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByText('Use at least 12 characters').waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Grace <b>Hopper</b>');
    assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'grace@demo.debrief.example');
    assert.ok(await page.getByLabel('Facilitator').isChecked(), 'the chosen role stays chosen');
    assert.equal(await page.getByLabel('Initial password').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Initial password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByText('Added Grace <b>Hopper</b>.').waitFor();
    assert.equal(await page.locator('b', { hasText: 'Hopper' }).count(), 0, 'markup in names is shown as text');

    // a team
    await page.goto(new URL('/admin/teams', server.baseUrl).href);
    await page.getByLabel('Name', { exact: true }).fill('Incident Review Guild');
    await page.getByRole('button', { name: 'Add team' }).click();
    await page.getByRole('cell', { name: 'Incident Review Guild' }).waitFor();
  } finally {
    await context.close();
  }
  // without JavaScript the search is a plain form: Enter sends it and the page
  // answers with the same list
  const { page: nojs, context: c3 } = await newPage(browser, { enforceCSP: true, javaScript: false });
  try {
    await login(nojs, server.baseUrl, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await nojs.waitForURL((u) => u.pathname === '/');
    await nojs.goto(new URL('/admin/users', server.baseUrl).href);
    await nojs.getByLabel('Find a person').fill('priya');
    await Promise.all([nojs.waitForURL(/q=priya/), nojs.getByLabel('Find a person').press('Enter')]);
    assert.equal(await nojs.locator('#people tbody tr').count(), 1);
    assert.match(await nojs.locator('#people tbody tr').first().innerText(), /Priya Raman/);
  } finally {
    await c3.close();
  }
  // axe on the pages just used (needs the CSP bypass to inject axe)
  const { page: p2, context: c2 } = await newPage(browser);
  try {
    await login(p2, server.baseUrl, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await p2.waitForURL((u) => u.pathname === '/');
    for (const path of ['/admin/users?q=priya', '/admin/users/1', '/admin/teams', '/admin/audit', '/admin/jobs']) {
      await p2.goto(new URL(path, server.baseUrl).href);
      await checkA11y(p2, `admin-${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`);
    }
  } finally {
    await c2.close();
  }
});
