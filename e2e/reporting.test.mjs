// Reporting end to end in a real browser: an anonymous report on /report, its
// receipt code, a responder who triages it and asks a question, the reporter who
// answers through the receipt, and the responder who reads the answer.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, launchBrowser, login, newPage, startServer } from './lib.mjs';

const RESPONDER = { email: 'lukas.becker@demo.debrief.example', password: 'debrief-demo-2026' };
const XSS_TITLE = '<img src=x onerror="window.__pwned=1">Token in <b>logs</b>';

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

test('anonymous report → receipt → triage question → answer', { timeout: 180_000 }, async (t) => {
  const url = (p) => new URL(p, server.baseUrl).href;
  const reporter = await newPage(browser);
  const responder = await newPage(browser);
  try {
    const rp = reporter.page;
    await rp.goto(url('/report'));
    await t.test('a11y: report form', () => checkA11y(rp, 'report'));
    // logged out, only the anonymous mode can be chosen
    assert.ok(await rp.getByRole('radio', { name: /Anonymous/ }).isChecked());
    assert.ok(await rp.getByRole('radio', { name: /Named/ }).isDisabled());

    // a first try with a missing description keeps what was typed
    await rp.getByRole('radio', { name: /Near-miss/ }).check();
    await rp.getByLabel('In a few words').fill(XSS_TITLE);
    await rp.getByRole('button', { name: 'Send report' }).click();
    await rp.getByText('Some answers need another look').waitFor();
    assert.equal(await rp.getByLabel('In a few words').inputValue(), XSS_TITLE);
    assert.ok(await rp.getByRole('radio', { name: /Near-miss/ }).isChecked());
    assert.equal(await rp.getByLabel('What happened?').getAttribute('aria-invalid'), 'true');
    await t.test('a11y: report form with errors', () => checkA11y(rp, 'report-errors'));

    await rp.getByLabel('What happened?').fill('A CI job printed a deploy token into its public log. I revoked it.');
    await rp.getByRole('button', { name: 'Send report' }).click();
    await rp.getByRole('heading', { name: /your report is in/ }).waitFor();
    const receipt = await rp.getByRole('textbox', { name: 'Receipt code' }).inputValue();
    assert.match(receipt, /^\d{4}(-\d{4}){6}$/);
    await t.test('a11y: receipt shown once', () => checkA11y(rp, 'report-sent'));

    // the responder triages it and asks a question
    const sp = responder.page;
    await login(sp, server.baseUrl, RESPONDER.email, RESPONDER.password);
    await sp.waitForURL((u) => u.pathname === '/');
    await sp.goto(url('/triage'));
    await t.test('a11y: triage', () => checkA11y(sp, 'triage'));
    const link = sp.getByRole('link', { name: /Token in/ });
    await link.click();
    await sp.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await sp.evaluate(() => window.__pwned), undefined, 'markup in a report is never executed');
    assert.match(await sp.getByRole('heading', { level: 1 }).innerText(), /<img src=x/);
    await sp.getByLabel('Message to the reporter').fill('Thank you! Which CI project was it?');
    await sp.getByRole('button', { name: 'Send to the reporter' }).click();
    await sp.getByText('Sent. The reporter sees it').waitFor();
    await t.test('a11y: report in triage', () => checkA11y(sp, 'triage-report'));

    // the reporter answers through the receipt
    await rp.goto(url('/receipt'));
    await rp.getByLabel('Receipt code').fill(receipt);
    await rp.getByRole('button', { name: 'Show my report' }).click();
    await rp.getByText('Which CI project was it?').waitFor();
    await t.test('a11y: receipt page', () => checkA11y(rp, 'receipt'));
    await rp.getByLabel('Answer or add information').fill('The billing-api project, job "publish".');
    await rp.getByRole('button', { name: 'Send', exact: true }).click();
    await rp.getByText('The billing-api project').waitFor();

    // the responder sees the answer and opens a case from the report
    await sp.reload();
    await sp.getByText('The billing-api project, job "publish".').waitFor();
    await sp.getByRole('button', { name: 'Open case' }).click();
    await sp.waitForURL(/\/cases\/\d+$/);
    await sp.getByText('first reporter').waitFor();
    await sp.getByRole('radio', { name: 'Investigating' }).check();
    await sp.getByRole('button', { name: 'Move' }).click();
    await sp.getByText('The case is now: Investigating.').waitFor();
    await t.test('a11y: case', () => checkA11y(sp, 'case'));

    // the reporter sees that the report is being worked on
    await rp.goto(url('/receipt'));
    await rp.getByLabel('Receipt code').fill(receipt);
    await rp.getByRole('button', { name: 'Show my report' }).click();
    await rp.getByText('The security team is working on it.').waitFor();
    assert.equal(await rp.getByText('Investigating').count(), 0, 'no internal case states for the reporter');
  } finally {
    await reporter.context.close();
    await responder.context.close();
  }
});
