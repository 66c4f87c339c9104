// The application shell: login page, main navigation, account page, logout.
// Run through scripts/e2e (or: DEBRIEF_BIN=... node --test e2e/*.test.mjs).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ADMIN,
  checkA11y,
  launchBrowser,
  login,
  nameForPath,
  newPage,
  startServer,
} from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const pathnameIs = (p) => (url) => url.pathname === p;

test('log in, navigate, log out', { timeout: 240_000 }, async (t) => {
  const { baseUrl } = server;
  const { context, page } = await newPage(browser);
  const url = (p) => new URL(p, baseUrl).href;

  // Things worth knowing when a step fails, reported as diagnostics.
  const pageErrors = [];
  const badResponses = [];
  page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') {
      badResponses.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });

  try {
    // 1. Logged out, "/" redirects to the login page.
    const home = await page.goto(url('/'));
    assert.equal(
      new URL(page.url()).pathname,
      '/login',
      `GET / while logged out should end on /login, ended on ${page.url()}`,
    );
    assert.equal(home.status(), 200, `GET ${page.url()} status`);
    await t.test('a11y: login page', () => checkA11y(page, 'login'));

    // 2. Wrong password: generic error, 401, typed email kept.
    const failed = await login(page, baseUrl, ADMIN.email, 'not the password');
    assert.equal(failed.status(), 401, 'POST /login with a wrong password should answer 401');
    await page.getByText('Incorrect email or password').first().waitFor();
    const bodyText = await page.locator('body').innerText();
    assert.ok(
      bodyText.includes('Incorrect email or password'),
      `login page should say "Incorrect email or password", body text was:\n${bodyText}`,
    );
    assert.equal(
      await page.getByLabel('Email', { exact: true }).inputValue(),
      ADMIN.email,
      'the Email input should still hold the typed email',
    );
    assert.equal(
      await page.getByLabel('Password', { exact: true }).inputValue(),
      '',
      'the Password input should not be filled back in',
    );
    await t.test('a11y: login page with error', () => checkA11y(page, 'login-error'));

    // 3. Correct password: lands on "/".
    const ok = await login(page, baseUrl, ADMIN.email, ADMIN.password);
    assert.ok(
      ok.status() < 400,
      `POST /login with the right password answered ${ok.status()}`,
    );
    await page.waitForURL(pathnameIs('/'));
    await page.waitForLoadState('load');

    // 4. Every link in the main navigation: 200, an <h1>, no serious a11y issue.
    const nav = page.locator('nav[aria-label="Main"]');
    assert.equal(await nav.count(), 1, 'expected exactly one <nav aria-label="Main">');
    const hrefs = await nav.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
    assert.ok(hrefs.length > 0, 'the main navigation has no links');
    const origin = new URL(baseUrl).origin;
    for (const href of hrefs) {
      assert.equal(new URL(href).origin, origin, `nav link ${href} is not same-origin`);
    }
    const links = [...new Set(hrefs.map((h) => new URL(h).href.replace(/#.*$/, '')))];
    t.diagnostic(`main nav links: ${links.map((h) => new URL(h).pathname).join(' ')}`);

    for (const href of links) {
      const p = new URL(href).pathname + new URL(href).search;
      await t.test(`nav page ${p}`, async () => {
        const res = await page.goto(href);
        assert.equal(res.status(), 200, `GET ${p} status`);
        assert.equal(
          new URL(page.url()).pathname,
          new URL(href).pathname,
          `GET ${p} ended on ${page.url()}`,
        );
        const h1s = await page.locator('h1').allInnerTexts();
        assert.ok(h1s.length >= 1, `${p} has no <h1>`);
        assert.ok(h1s.some((s) => s.trim() !== ''), `${p} has only empty <h1>s`);
        await checkA11y(page, `page-${nameForPath(p)}`);
      });
    }

    // 5. The account page.
    const account = await page.goto(url('/account'));
    assert.equal(account.status(), 200, 'GET /account status');
    assert.equal(new URL(page.url()).pathname, '/account', `/account ended on ${page.url()}`);
    await t.test('a11y: account page', () => checkA11y(page, 'account'));

    // 6. Sign out (a POST form in the header) -> /login; /account is then closed.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(pathnameIs('/login'));
    await page.goto(url('/account'));
    assert.equal(
      new URL(page.url()).pathname,
      '/login',
      `GET /account after signing out should end on /login, ended on ${page.url()}`,
    );
  } finally {
    if (pageErrors.length) t.diagnostic(`page errors:\n${pageErrors.join('\n')}`);
    if (badResponses.length) t.diagnostic(`failed sub-resource responses:\n${badResponses.join('\n')}`);
    await context.close();
  }
});
