// Blameless reviews end to end in a real browser: the security lead moves a case
// to "in review"; a facilitator who did not take part writes the review (the
// Five Questions: what happened, impact, a five-whys chain, two contributing
// factors, a lesson at each level, three action items) with private interview
// notes; a second facilitator saving the same section from the same version
// gets the conflict view with both texts; the review is published, and an
// ordinary employee reads it in the learning library without the interview
// notes, downloads its one-page summary and finds their action item.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { checkA11y, launchBrowser, login, newPage, startServer } from './lib.mjs';

const PASSWORD = 'debrief-demo-2026';
const demo = (local) => ({ email: `${local}@demo.debrief.example`, password: PASSWORD });
const LEAD = demo('amara.okafor'); // security lead and responder
const FACILITATOR = demo('priya.raman'); // facilitator, not a responder: never on the case
const SECOND_FACILITATOR = demo('mei.tanaka'); // responder and facilitator, not on this case
const EMPLOYEE = demo('tomasz.nowak'); // no roles beyond reporter

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const CASE_TITLE = 'Deploy token readable in a public CI log';
const THEIR_WHAT =
  'At 09:12 the publish job of billing-api printed its environment, including a deploy token, into a public CI log.';
const THEIR_INTERPRETATION = 'The template looked safe because staging hid debug output.';
const MY_WHAT =
  'The deploy token stayed readable in the public log for 95 minutes until the on-call responder revoked it.';
const INTERVIEW_NOTES =
  'Private interview zq7: the responder said the template had looked safe because debug output was off in staging.';
const WHY_PROBLEM = 'A deploy token was readable in a public CI log';
const WHY_STEPS = [
  'The publish job printed its whole environment',
  'The shared CI template enables debug output by default',
  'Template changes are reviewed only for build speed',
];
const WHY_SYSTEMIC = 'CI templates are not reviewed for secret handling';
const FACTORS = [
  { category: /^Tooling and design/, label: 'Tooling and design', text: 'The CI template made printing secrets the default.' },
  { category: /^Procedure/, label: 'Procedure', text: 'The token-rotation runbook linked to a page that no longer exists.' },
];
const LESSONS = [
  { level: /^Organisation/, heading: 'Organisation', text: 'Shared build templates need an owner with time to maintain them.' },
  { level: /^Business process/, heading: 'Business process', text: 'Template changes get a security review, like application code.' },
  {
    level: /^Information system/,
    heading: 'Information system',
    text: `The log viewer must escape markup such as ${HOSTILE} instead of rendering it.`,
  },
];

/** A day `n` days from today (UTC, as the server counts days), as YYYY-MM-DD. */
const inDays = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const ITEMS = [
  { title: 'Turn off debug output in the shared CI template', owner: 'Tomasz Nowak', due: inDays(14), priority: 'High', factor: 0 },
  { title: 'Mask secrets in CI logs by default', owner: 'Oliver Hughes', due: inDays(30), priority: 'Urgent', factor: 0 },
  { title: 'Fix the token-rotation runbook link', owner: 'Lukas Becker', due: inDays(7), priority: 'Medium', factor: 1 },
];

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

/** Clicks a button or link that loads a page, and waits for that page. */
async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ]);
  return response;
}

/** The "Save changes" button of the review section headed `heading`. */
function saveIn(page, heading) {
  return page.getByRole('region', { name: heading }).getByRole('button', { name: 'Save changes' }).first();
}

/** The <details> whose summary reads `summary`, opened. */
async function openDetails(page, summary) {
  const details = page.locator('details', {
    has: page.locator('summary', { hasText: new RegExp(`^${summary}$`) }),
  });
  if ((await details.getAttribute('open')) === null) {
    await details.locator('summary').click();
  }
  return details;
}

/** checkA11y, with the moderate and minor findings it lets through noted in the test output. */
async function a11y(t, page, name) {
  const results = await checkA11y(page, name);
  for (const v of results.violations) {
    t.diagnostic(`axe (${v.impact}) ${v.id} on ${name}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
}

/** Chooses a radio button with the keyboard, as a keyboard user does. */
async function choose(radio) {
  await radio.focus();
  await radio.press('Space');
  assert.ok(await radio.isChecked());
}

async function signIn(account) {
  const { context, page } = await newPage(browser);
  const res = await login(page, server.baseUrl, account.email, account.password);
  assert.equal(res.status(), 303, `${account.email} signs in`);
  await page.waitForURL((u) => u.pathname === '/');
  return { context, page };
}

test('facilitator writes and publishes a review; an employee reads it in the library', { timeout: 180_000 }, async (t) => {
  const url = (p) => new URL(p, server.baseUrl).href;
  const contexts = [];
  try {
    // ---- the security lead opens a case and moves it to "In review"
    const lead = await signIn(LEAD);
    contexts.push(lead.context);
    const lp = lead.page;
    await lp.goto(url('/cases'));
    await lp.getByLabel('Title', { exact: true }).fill(CASE_TITLE);
    await lp.getByLabel('Severity', { exact: true }).selectOption({ label: 'High' });
    await submit(lp, lp.getByRole('button', { name: 'Open case' }));
    await lp.waitForURL(/\/cases\/\d+$/);
    const caseId = Number(new URL(lp.url()).pathname.split('/').pop());
    for (const to of ['Investigating', 'Resolved', 'In review']) {
      await lp.getByRole('radio', { name: to, exact: true }).check();
      await submit(lp, lp.getByRole('button', { name: 'Move', exact: true }));
      await lp.getByText(`The case is now: ${to}.`).waitFor();
    }
    const reviewPath = `/cases/${caseId}/review`;

    // ---- the facilitator, who took no part in the case, assigns themself
    const fac = await signIn(FACILITATOR);
    contexts.push(fac.context);
    const fp = fac.page;
    await fp.goto(url(reviewPath));
    await fp.getByRole('heading', { level: 1, name: `Review: ${CASE_TITLE}` }).waitFor();
    await fp.getByText('Not assigned yet.').waitFor();
    await t.test('a11y: empty review workspace', (st) => a11y(st, fp, 'review-empty'));
    await fp
      .getByLabel('Facilitator (ideally someone who was not involved)')
      .selectOption({ label: 'Priya Raman' });
    await submit(fp, fp.getByRole('button', { name: 'Assign' }));
    await fp.getByRole('status').filter({ hasText: 'Facilitator assigned.' }).waitFor();
    assert.equal(await fp.getByRole('alert').count(), 0, 'no warning: the facilitator was not involved');
    await fp.getByRole('region', { name: 'Facilitator' }).getByRole('paragraph').filter({ hasText: /^Priya Raman$/ }).waitFor();

    // ---- a second facilitator opens the same review: both start from the same version
    const second = await signIn(SECOND_FACILITATOR);
    contexts.push(second.context);
    const mp = second.page;
    await mp.goto(url(reviewPath));
    await mp.getByLabel('What happened (facts)').waitFor();

    // the first facilitator saves "What happened" first …
    await fp.getByLabel('What happened (facts)').fill(THEIR_WHAT);
    await fp.getByLabel(/^Interpretations/).fill(THEIR_INTERPRETATION);
    await submit(fp, saveIn(fp, /What happened\?/));
    await fp.getByRole('status').filter({ hasText: 'Saved: what happened, interpretations.' }).waitFor();
    assert.equal(await fp.getByLabel('What happened (facts)').inputValue(), THEIR_WHAT);

    // … the second one saves from the old version and gets the conflict view
    await mp.getByLabel('What happened (facts)').fill(MY_WHAT);
    const conflictRes = await submit(mp, saveIn(mp, /What happened\?/));
    assert.equal(conflictRes.status(), 409, 'a stale save answers 409 Conflict');
    await mp.getByRole('alert').filter({ hasText: 'Someone else saved this part while you were editing it.' }).waitFor();
    const conflictBox = mp.getByRole('region', { name: 'Conflicting edit' });
    await conflictBox.getByText(THEIR_WHAT).waitFor();
    assert.equal(await conflictBox.getByText(THEIR_INTERPRETATION).count(), 0, 'only fields both changed are in conflict');
    assert.equal(await mp.getByLabel('What happened (facts)').inputValue(), MY_WHAT, 'what I typed is kept');
    assert.equal(
      await mp.getByLabel(/^Interpretations/).inputValue(),
      THEIR_INTERPRETATION,
      'a field I did not touch takes their newer text',
    );
    await t.test('a11y: conflict view', (st) => a11y(st, mp, 'review-conflict'));

    // merging both and saving again goes through
    const MERGED = `${THEIR_WHAT}\n\n${MY_WHAT}`;
    await mp.getByLabel('What happened (facts)').fill(MERGED);
    const mergedRes = await submit(mp, saveIn(mp, /What happened\?/));
    assert.equal(mergedRes.status(), 200);
    assert.equal(await mp.getByRole('region', { name: 'Conflicting edit' }).count(), 0);
    assert.equal(
      (await mp.getByLabel('What happened (facts)').inputValue()).replace(/\r\n/g, '\n'),
      MERGED,
    );
    await second.context.close();

    // ---- the facilitator writes the rest of the review
    await fp.reload();
    await fp.getByLabel('Duration (minutes)').fill('95');
    await fp.getByLabel('People affected').fill('1200');
    await fp.getByLabel('Records affected').fill('3400');
    await fp.getByLabel('Services affected').fill('billing-api, CI');
    await fp.getByLabel('Cost, where known').fill('EUR 4,000 (estimate)');
    await submit(fp, saveIn(fp, /What was the impact\?/));
    await fp.getByRole('status').filter({ hasText: 'Saved: impact.' }).waitFor();
    assert.equal(await fp.getByLabel('Duration (minutes)').inputValue(), '95');

    // a five-whys chain
    {
      const d = await openDetails(fp, 'Add a five-whys chain');
      await d.getByLabel('Problem', { exact: true }).fill(WHY_PROBLEM);
      await d.getByLabel('Why? answers, one per line').fill(WHY_STEPS.join('\n'));
      await d.getByLabel('Systemic condition it ends in').fill(WHY_SYSTEMIC);
      await submit(fp, d.getByRole('button', { name: 'Add chain' }));
      const chain = fp.locator('article.chain', { hasText: WHY_PROBLEM });
      await chain.waitFor();
      assert.deepEqual(
        await chain.locator('ol > li').allInnerTexts(),
        WHY_STEPS.map((s) => `Why? ${s}`),
      );
      await chain.getByText(WHY_SYSTEMIC).waitFor();
    }

    // two contributing factors
    for (const f of FACTORS) {
      const d = await openDetails(fp, 'Add a contributing factor');
      await choose(d.getByRole('radio', { name: f.category }));
      await d.getByLabel('Explanation', { exact: true }).fill(f.text);
      await submit(fp, d.getByRole('button', { name: 'Add factor' }));
      const li = fp.locator('ul.factors > li', { hasText: f.text });
      assert.equal(await li.locator('.tag').first().innerText(), f.label);
    }

    // a lesson at each level (one of them carries markup that must stay text)
    for (const l of LESSONS) {
      const d = await openDetails(fp, 'Add a lesson');
      await choose(d.getByRole('radio', { name: l.level }));
      await d.getByLabel('Lesson', { exact: true }).fill(l.text);
      await submit(fp, d.getByRole('button', { name: 'Add lesson' }));
      // listed under its own level's heading
      const li = fp.locator(`h4:text-is("${l.heading}") + p + ul > li`, { hasText: l.text });
      await li.waitFor();
      // shown as the text that was typed, markup included
      assert.ok((await li.innerText()).startsWith(l.text));
    }
    assert.equal(await fp.evaluate(() => window.__pwned), undefined, 'markup in a lesson is never executed');
    assert.equal(await fp.locator('main img[src="x"], img[src="x"]').count(), 0, 'markup in a lesson is not an element');

    // interview notes, private to facilitators
    {
      const d = await openDetails(fp, 'Add interview notes');
      await d.getByLabel('Participant').fill('On-call responder');
      await d.getByLabel('Notes', { exact: true }).fill(INTERVIEW_NOTES);
      await submit(fp, d.getByRole('button', { name: 'Add notes' }));
      const section = fp.getByRole('region', { name: 'Debrief interview notes' });
      await section.getByText('Private to facilitators.').waitFor();
      assert.equal(await section.getByRole('textbox', { name: 'Notes' }).first().inputValue(), INTERVIEW_NOTES);
    }

    // three action items, each with one owner and a due date
    for (const item of ITEMS) {
      const d = await openDetails(fp, 'Add an action item');
      await d.getByLabel('What will be done').fill(item.title);
      await d.getByLabel('Owner', { exact: true }).selectOption({ label: item.owner });
      await d.getByLabel('Due date').fill(item.due);
      await d.getByLabel('Priority').selectOption({ label: item.priority });
      await d
        .getByLabel('Contributing factor it addresses')
        .selectOption({ label: `${FACTORS[item.factor].label}: ${FACTORS[item.factor].text}` });
      await submit(fp, d.getByRole('button', { name: 'Add action item' }));
      const row = fp.getByRole('region', { name: /What are we doing about it/ }).getByRole('row', { name: new RegExp(item.title) });
      await row.waitFor();
      const cells = await row.getByRole('cell').allInnerTexts();
      assert.equal(cells[1], item.owner);
      assert.equal(cells[2], item.due);
      assert.equal(cells[3], item.priority);
      assert.equal(cells[4], 'Open');
      assert.ok(cells[5].startsWith(`${FACTORS[item.factor].label}: `), cells[5]);
    }
    await t.test('a11y: filled review workspace', (st) => a11y(st, fp, 'review-filled'));

    // ---- to "In review", then "Published"
    const stateForm = fp.locator('form[action$="/review/state"]');
    for (const [to, said] of [
      ['In review', 'The review is ready for peers to read and comment.'],
      ['Published', 'Published: everyone can now read this review in the learning library.'],
    ]) {
      await stateForm.getByRole('radio', { name: to, exact: true }).check();
      const ack = stateForm.getByRole('checkbox', { name: /publish anyway/ });
      if (to === 'Published' && (await ack.count()) > 0) await ack.check();
      await submit(fp, stateForm.getByRole('button', { name: 'Change state' }));
      await fp.getByRole('status').filter({ hasText: said }).waitFor();
    }
    await fp.getByText('Review: Published').waitFor();
    // a published review is final: no more forms
    assert.equal(await fp.getByRole('button', { name: 'Save changes' }).count(), 0);
    await fp.getByRole('link', { name: 'learning library', exact: true }).waitFor();

    // the one-page summary downloads as a PDF
    {
      const link = fp.getByRole('link', { name: 'one-page summary (PDF)' });
      const [download] = await Promise.all([fp.waitForEvent('download'), link.click()]);
      const bytes = await readFile(await download.path());
      assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      const res = await fp.request.get(url(await link.getAttribute('href')));
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], /^application\/pdf/);
      assert.equal((await res.body()).subarray(0, 4).toString('latin1'), '%PDF');
    }

    // ---- an ordinary employee reads it in the learning library
    const emp = await signIn(EMPLOYEE);
    contexts.push(emp.context);
    const ep = emp.page;
    await ep.goto(url('/library'));
    const entry = ep.getByRole('link', { name: CASE_TITLE, exact: true });
    await entry.waitFor();
    await t.test('a11y: learning library', (st) => a11y(st, ep, 'library'));
    await submit(ep, entry);
    assert.equal(new URL(ep.url()).pathname, `/library/${caseId}`);
    await ep.getByRole('heading', { level: 1, name: CASE_TITLE }).waitFor();
    await ep.getByText(THEIR_WHAT).waitFor();
    await ep.getByText(MY_WHAT).waitFor();
    await ep.getByRole('heading', { level: 3, name: 'Interpretations' }).waitFor();
    await ep.getByText(THEIR_INTERPRETATION).waitFor();
    await ep.getByText(WHY_PROBLEM).waitFor();
    for (const s of WHY_STEPS) await ep.getByText(`Why? ${s}`).waitFor();
    await ep.getByText(WHY_SYSTEMIC).waitFor();
    for (const f of FACTORS) await ep.getByRole('listitem').filter({ hasText: f.text }).first().waitFor();
    for (const l of LESSONS) {
      await ep.getByRole('heading', { level: 3, name: `Lessons: ${l.heading}` }).waitFor();
      await ep.getByText(l.text).waitFor();
    }
    for (const item of ITEMS) await ep.getByRole('link', { name: item.title }).waitFor();
    assert.equal(await ep.evaluate(() => window.__pwned), undefined, 'markup in a lesson is never executed');
    assert.equal(await ep.locator('img[src="x"]').count(), 0);
    const html = await ep.content();
    assert.ok(!html.includes('zq7'), 'the interview notes are not in the library page');
    assert.ok(!html.includes('Debrief interview notes'), 'nor is the interview section');
    await t.test('a11y: library review page', (st) => a11y(st, ep, 'library-review'));

    // the library's downloads carry no interview notes either
    {
      const summary = ep.getByRole('link', { name: 'one-page summary (PDF)' });
      const res = await ep.request.get(url(await summary.getAttribute('href')));
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], /^application\/pdf/);
      assert.equal((await res.body()).subarray(0, 4).toString('latin1'), '%PDF');
      const md = await ep.request.get(url(await ep.getByRole('link', { name: 'full review (Markdown)' }).getAttribute('href')));
      assert.equal(md.status(), 200);
      const text = await md.text();
      assert.ok(text.includes(LESSONS[0].text), 'the Markdown export has the lessons');
      assert.ok(!text.includes('zq7'), 'the Markdown export has no interview notes');
    }

    // the review workspace itself is refused to them
    {
      const res = await ep.goto(url(reviewPath));
      assert.equal(res.status(), 403);
      await ep.getByText('Your roles do not give access to this page.').waitFor();
      assert.ok(!(await ep.content()).includes('zq7'));
    }

    // their action item
    await ep.goto(url('/action-items'));
    const mine = ep.getByRole('region', { name: 'Items I own' });
    await mine.getByRole('link', { name: ITEMS[0].title }).waitFor();
    assert.equal(await mine.getByRole('link', { name: ITEMS[1].title }).count(), 0, 'only items they own');
    await t.test('a11y: my action items', (st) => a11y(st, ep, 'action-items'));
    await submit(ep, mine.getByRole('link', { name: ITEMS[0].title }));
    assert.match(new URL(ep.url()).pathname, /^\/action-items\/\d+$/);
    await ep.getByRole('heading', { level: 1, name: ITEMS[0].title }).waitFor();
    await ep.getByText(ITEMS[0].due, { exact: true }).waitFor();
    await t.test('a11y: action item', (st) => a11y(st, ep, 'action-item'));
    // the owner moves it along
    await ep.getByRole('radio', { name: 'In progress' }).check();
    await submit(ep, ep.getByRole('button', { name: 'Save status' }));
    await ep.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
});
