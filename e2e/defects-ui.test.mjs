// Two things a new user lost work to, in a real browser:
//
// 1. The review workspace: a facilitator edits the impact and "where we got
//    lucky", then presses the save button of "what happened": every change is
//    saved and the page says what was saved; leaving the page with changes not
//    sent asks first (and sending them does not); without JavaScript one press
//    saves every changed section too.
// 2. Case times, with the browser in Berlin: a time typed into the timeline or
//    the time-correction form is read in Berlin time (winter and summer), shown
//    back in Berlin time and stored in UTC; the correction form is pre-filled
//    with the recorded times in Berlin time.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, launchBrowser, login, startServer } from './lib.mjs';

const PASSWORD = 'debrief-demo-2026';
const FACILITATOR = { email: 'priya.raman@demo.debrief.example', password: PASSWORD };
const LEAD = { email: 'amara.okafor@demo.debrief.example', password: PASSWORD }; // security lead and responder

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

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

const url = (p) => new URL(p, server.baseUrl).href;

/** A signed-in page; options go to the browser context (timezoneId, javaScriptEnabled, …). */
async function signIn(account, options = {}) {
  const context = await browser.newContext({
    bypassCSP: true, // axe-core is injected
    viewport: DESKTOP,
    locale: 'en-GB',
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  const res = await login(page, server.baseUrl, account.email, account.password);
  assert.equal(res.status(), 303);
  await page.waitForURL((u) => u.pathname === '/');
  return { context, page };
}

/** Clicks something that loads a page, and waits for that page. */
async function submit(page, target) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
  return response;
}

/** Screenshots and axe at desktop and phone sizes. */
async function a11y(t, page, name) {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    const results = await checkA11y(page, `${name}-${size}`);
    for (const v of results.violations) {
      t.diagnostic(`axe (${v.impact}) ${v.id} on ${name}-${size}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  await page.setViewportSize(DESKTOP);
}

/** A demo case in review whose review can still be edited. */
async function editableReview(page) {
  await page.goto(url('/cases?status=in_review'));
  const links = await page.locator('table a[href^="/cases/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const found = [];
  for (const href of links) {
    await page.goto(url(`${href}/review`));
    if ((await page.getByLabel('What happened (facts)').count()) > 0) found.push(`${href}/review`);
    if (found.length === 2) break;
  }
  assert.ok(found.length > 0, 'the demo has a case in review whose review can still be edited');
  return [found[0], found[1] || found[0]];
}

const section = (page, heading) => page.getByRole('region', { name: heading });
const saveIn = (page, heading) => section(page, heading).getByRole('button', { name: 'Save changes' }).first();

test('one save keeps every changed section, says what it saved and warns before changes are lost', { timeout: 180_000 }, async (t) => {
  const { context, page } = await signIn(FACILITATOR);
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    d.dismiss().catch(() => {});
  });
  try {
    const [reviewPath, otherReview] = await editableReview(page);
    await page.goto(url(reviewPath));
    const IMPACT = `billing-api, CI ${Date.now()}`;
    const LUCKY = `The token had no write scope (${Date.now()}).`;

    // edits in two sections, then the save button of a third
    await page.getByLabel('Services affected').fill(IMPACT);
    await page.getByLabel('Where we got lucky').fill(LUCKY);
    const res = await submit(page, saveIn(page, /What happened\?/));
    assert.equal(res.status(), 200);
    await page.getByRole('status').filter({ hasText: 'Saved: impact, where we got lucky.' }).waitFor();
    assert.deepEqual(dialogs, [], 'sending the form does not ask');
    // back at the section whose button was pressed, with the confirmation in view
    assert.equal(new URL(page.url()).hash, '#what');
    assert.ok(await page.getByRole('status').isVisible());
    await page.screenshot({ path: new URL('./screenshots/defects-review-saved-view.png', import.meta.url).pathname });
    await t.test('a11y: saved confirmation', (st) => a11y(st, page, 'defects-review-saved'));

    // nothing was lost: both edits are stored
    await page.goto(url(reviewPath));
    assert.equal(await page.getByLabel('Services affected').inputValue(), IMPACT);
    assert.equal(await page.getByLabel('Where we got lucky').inputValue(), LUCKY);

    // a page without changes is left without a question
    await submit(page, page.getByRole('link', { name: /^← Case/ }));
    assert.deepEqual(dialogs, []);

    // with changes not sent, leaving asks first; staying keeps the text
    await page.goto(url(reviewPath));
    const lucky = page.getByLabel('Where we got lucky');
    await lucky.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' And the log was rotated early.');
    const typed = await lucky.inputValue();
    await page.getByRole('link', { name: /^← Case/ }).click();
    await page.waitForTimeout(500);
    assert.deepEqual(dialogs, ['beforeunload'], 'leaving with unsaved changes asks first');
    assert.equal(new URL(page.url()).pathname, reviewPath, 'dismissing the question stays on the page');
    assert.equal(await lucky.inputValue(), typed);
    // a change typed into an item's form counts too, and undoing a change means nothing is lost
    await lucky.fill(LUCKY);
    await page.goto(url('/'));
    assert.deepEqual(dialogs, ['beforeunload'], 'no question once the text is back as it was');

    // sending another form (assigning the facilitator) while the review has changes asks too
    await page.goto(url(reviewPath));
    await page.getByLabel('What went well').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Paging worked.');
    await page.getByRole('button', { name: 'Assign' }).click();
    await page.waitForTimeout(500);
    assert.deepEqual(dialogs, ['beforeunload', 'beforeunload']);
    assert.equal(await page.getByLabel('What went well').inputValue().then((v) => v.endsWith('Paging worked.')), true);
    // saving them sends them without a question
    await submit(page, saveIn(page, /What did we learn\?/));
    await page.getByRole('status').filter({ hasText: /^Saved: what went well\.$/ }).waitFor();
    assert.equal(dialogs.length, 2);

    // without JavaScript: one press saves every changed section
    const plain = await signIn(FACILITATOR, { javaScriptEnabled: false });
    try {
      const p = plain.page;
      await p.goto(url(otherReview));
      const WHAT = `The CI log kept the token for 95 minutes (${Date.now()}).`;
      const COST = `EUR ${Date.now() % 10000} (estimate)`;
      await p.getByLabel('What happened (facts)').fill(WHAT);
      await p.getByLabel('Cost, where known').fill(COST);
      const LUCKY2 = `Nobody had pulled the image yet (${Date.now()}).`;
      await p.getByLabel('Where we got lucky').fill(LUCKY2);
      await submit(p, saveIn(p, /What was the impact\?/));
      await p.getByRole('status').filter({ hasText: 'Saved: what happened, impact, where we got lucky.' }).waitFor();
      assert.equal(await p.getByLabel('What happened (facts)').inputValue(), WHAT);
      assert.equal(await p.getByLabel('Cost, where known').inputValue(), COST);
      assert.equal(await p.getByLabel('Where we got lucky').inputValue(), LUCKY2);
      // axe needs JavaScript: the same page was checked above; here it is only photographed
      await p.screenshot({ path: new URL('./screenshots/defects-review-nojs.png', import.meta.url).pathname, fullPage: false });
    } finally {
      await plain.context.close();
    }
  } finally {
    await context.close();
  }
});

/** "2026-01-05 10:00" for a UTC instant, as a clock in Berlin shows it (computed here, not by the page). */
function berlin(iso) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (k) => parts.find((x) => x.type === k).value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

test('with the browser in Berlin, case times are typed and shown in Berlin time and stored in UTC', { timeout: 180_000 }, async (t) => {
  const { context, page } = await signIn(LEAD, { timezoneId: 'Europe/Berlin' });
  try {
    await page.goto(url('/cases'));
    await page.getByLabel('Title').fill(`Phishing wave reached the finance team ${Date.now()}`);
    await submit(page, page.getByRole('button', { name: 'Open case' }));
    assert.match(new URL(page.url()).pathname, /^\/cases\/\d+$/);
    const casePath = new URL(page.url()).pathname;

    // the field names the zone it reads
    const when = page.getByLabel(/^When .*leave empty for now/);
    await page.getByRole('region', { name: 'Times' }).getByText('shown and entered in Europe/Berlin (UTC+01:00)').waitFor();
    assert.match(await page.locator('label[for="entry_at"]').innerText(), /Europe\/Berlin/);

    const timeline = page.getByRole('region', { name: 'Timeline' });
    for (const [body, typed, stored, offset] of [
      ['Winter fact: the first mail arrived', '2026-01-05T10:00', '2026-01-05T09:00:00Z', 'UTC+01:00'],
      ['Summer fact: the second wave arrived', '2026-07-06T10:00', '2026-07-06T08:00:00Z', 'UTC+02:00'],
    ]) {
      await page.getByLabel('Entry').fill(body);
      await when.fill(typed);
      // the label gives the offset in force at the time typed
      assert.match(await page.locator('label[for="entry_at"]').innerText(), new RegExp(`Europe/Berlin, ${offset.replace('+', '\\+')}`));
      await submit(page, page.getByRole('button', { name: 'Add to timeline' }));
      await page.getByRole('status').filter({ hasText: 'Added to the timeline.' }).waitFor();
      const entry = timeline.getByRole('listitem').filter({ hasText: body });
      const time = entry.locator('time');
      assert.equal(await time.getAttribute('datetime'), stored, `${body}: stored in UTC`);
      assert.equal(await time.innerText(), `${typed.replace('T', ' ')} ${offset}`, `${body}: shown in Berlin time`);
    }
    await t.test('a11y: case page in Berlin', (st) => a11y(st, page, 'defects-case-times'));

    // the correction form: typed in Berlin time, winter and summer
    const times = page.getByRole('region', { name: 'Times' });
    await page.locator('summary', { hasText: 'Correct when it occurred or was detected' }).click();
    await page.getByLabel(/^Occurred/).fill('2026-01-05T08:15');
    await page.getByLabel(/^Detected/).fill('2026-07-06T10:00');
    await page.getByLabel('Why the times change (kept in the audit log)').fill('Mail gateway logs');
    await submit(page, page.getByRole('button', { name: 'Correct times' }));
    await page.getByRole('status').filter({ hasText: 'Times corrected' }).waitFor();
    const recorded = async (label) =>
      times.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]').locator('time');
    assert.equal(await (await recorded('Occurred')).getAttribute('datetime'), '2026-01-05T07:15:00Z');
    assert.equal(await (await recorded('Detected')).getAttribute('datetime'), '2026-07-06T08:00:00Z');
    assert.equal(await (await recorded('Occurred')).innerText(), '2026-01-05 08:15 UTC+01:00');

    // pre-filled with the recorded times, in Berlin time
    await page.goto(url(casePath));
    assert.equal(await page.getByLabel(/^Occurred/).inputValue(), '2026-01-05T08:15');
    assert.equal(await page.getByLabel(/^Detected/).inputValue(), '2026-07-06T10:00');
    assert.equal(await page.getByLabel(/^Occurred/).inputValue(), berlin('2026-01-05T07:15:00Z'));

    // correcting one time leaves the other exactly as recorded
    await page.locator('summary', { hasText: 'Correct when it occurred or was detected' }).click();
    await page.getByLabel(/^Detected/).fill('2026-07-06T11:30');
    await page.getByLabel('Why the times change (kept in the audit log)').fill('Second look at the logs');
    await submit(page, page.getByRole('button', { name: 'Correct times' }));
    assert.equal(await (await recorded('Occurred')).getAttribute('datetime'), '2026-01-05T07:15:00Z');
    assert.equal(await (await recorded('Detected')).getAttribute('datetime'), '2026-07-06T09:30:00Z');
    await page.locator('summary', { hasText: 'Correct when it occurred or was detected' }).click();
    await t.test('a11y: time correction form', (st) => a11y(st, page, 'defects-case-correction'));
  } finally {
    await context.close();
  }
});
