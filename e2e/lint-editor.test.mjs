// The blameless-language checker live in the review editor, under the server's
// real Content-Security-Policy: a facilitator types blameful wording into a
// draft review, the finding appears under the field with its reason, "Apply
// rewrite" replaces exactly the flagged words, and after saving the findings are
// also listed on the page (which is what a browser without JavaScript sees).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, launchBrowser, login, newPage, startServer } from './lib.mjs';

const FACILITATOR = { email: 'priya.raman@demo.debrief.example', password: 'debrief-demo-2026' };

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

test('findings appear as the facilitator types and a rewrite applies in one click', { timeout: 120_000 }, async (t) => {
  const url = (p) => new URL(p, server.baseUrl).href;
  const { context, page } = await newPage(browser, { enforceCSP: true });
  let editable = null;
  try {
    const res = await login(page, server.baseUrl, FACILITATOR.email, FACILITATOR.password);
    assert.equal(res.status(), 303);
    await page.waitForURL((u) => u.pathname === '/');

    // a demo case in review whose review is still being written
    await page.goto(url('/cases?status=in_review'));
    const links = await page.locator('table a[href^="/cases/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of links) {
      await page.goto(url(`${href}/review`));
      if ((await page.getByLabel('What happened (facts)').count()) > 0) {
        editable = href;
        break;
      }
    }
    assert.ok(editable, 'the demo has a case in review with a review that can still be edited');

    const field = page.getByLabel('What happened (facts)');
    await field.fill('Gabriel misconfigured the firewall rule during the change window.');
    const live = page.locator('.lint-live[data-lint-for="what_happened"]');
    const finding = live.getByRole('listitem').filter({ hasText: 'Gabriel misconfigured' });
    await finding.waitFor();
    assert.match(await finding.innerText(), /warning/);

    await finding.getByRole('button', { name: /^Apply rewrite/ }).click();
    const rewritten = await field.inputValue();
    assert.ok(!rewritten.includes('Gabriel'), rewritten);
    assert.match(rewritten, /firewall rule was misconfigured/i);
    assert.ok(rewritten.endsWith('during the change window.'), 'only the flagged words change');
    // the rewrite is checked again: nothing left to flag
    await live.getByRole('listitem').filter({ hasText: 'Gabriel' }).waitFor({ state: 'detached' });

    // saved wording that still judges someone is listed on the page itself
    await field.fill('The on-call engineer was careless and should have checked the rule first.');
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('region', { name: /What happened\?/ }).getByRole('button', { name: 'Save changes' }).click(),
    ]);
    const checker = page.getByRole('region', { name: 'Blameless-language checker' });
    await checker.getByText(/careless/).first().waitFor();
    await checker.getByText(/should have/).first().waitFor();
  } finally {
    await context.close();
  }

  // accessibility of both views (axe is injected, so without the enforced policy)
  const plain = await newPage(browser);
  try {
    const p = plain.page;
    await login(p, server.baseUrl, FACILITATOR.email, FACILITATOR.password);
    await p.waitForURL((u) => u.pathname === '/');
    await p.goto(url(`${editable}/review`));
    await p.getByRole('region', { name: 'Blameless-language checker' }).getByText(/careless/).first().waitFor();
    await t.test('a11y: findings after saving', () => checkA11y(p, 'review-lint-saved'));
    await p.getByLabel('What happened (facts)').fill('Gabriel forgot to renew the certificate.');
    await p
      .locator('.lint-live[data-lint-for="what_happened"]:not(.stale)')
      .getByRole('listitem')
      .filter({ hasText: 'Gabriel forgot' })
      .waitFor();
    await t.test('a11y: live findings', () => checkA11y(p, 'review-lint-live'));
  } finally {
    await plain.context.close();
  }
});
