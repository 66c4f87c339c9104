// The dashboards in a real browser, on the demo data, signed in as the demo's
// leadership reader: the headline figures with their charts and data tables,
// the analyst page's filter form (a bad date keeps what was typed and names
// the field; a good choice shows every figure), the CSV links, and no
// serious accessibility violation, under the server's real
// Content-Security-Policy.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, launchBrowser, login, newPage, startServer } from './lib.mjs';

const LEADER = { email: 'helen.carter@demo.debrief.example', password: 'debrief-demo-2026' };

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

/** Every chart on the page has an accessible name, a description and a table beside it. */
async function checkCharts(page) {
  const charts = page.locator('svg.chart');
  const n = await charts.count();
  assert.ok(n > 0, 'charts are drawn');
  for (let i = 0; i < n; i++) {
    const svg = charts.nth(i);
    assert.equal(await svg.getAttribute('role'), 'img');
    const title = (await svg.locator('title').textContent()).trim();
    const desc = (await svg.locator('desc').textContent()).trim();
    assert.ok(title.length > 0 && desc.length > 0, 'each chart has a title and a description');
    assert.doesNotMatch(desc, /NaN|undefined/);
    const id = (await svg.getAttribute('id')).replace(/^chart-/, '');
    const table = page.locator(`#table-${id}`);
    assert.equal(await table.count(), 1, `chart ${id} has its table`);
    assert.equal(await table.locator('caption').textContent(), title, 'the table is captioned as the chart');
  }
  return n;
}

test('leadership figures and the analyst page with its filters', { timeout: 180_000 }, async () => {
  // axe-core is injected into the page, which the real CSP would refuse: the
  // accessibility checks run in a context that bypasses it, and a second
  // context checks that nothing on the pages is blocked by the real policy
  const { page, context } = await newPage(browser);
  try {
    await login(page, server.baseUrl, LEADER.email, LEADER.password);
    await page.waitForURL((u) => u.pathname === '/');

    // the leadership page, for the last full quarter of the demo data
    await page.goto(new URL('/dashboards', server.baseUrl).href);
    await page.getByRole('heading', { name: 'Is the learning culture working?' }).waitFor();
    for (const name of ['Near-miss reports', 'Time to report', 'Time to resolve', 'Repeat-incident rate', 'Action-item completion']) {
      await page.locator('.figures h2', { hasText: name }).first().waitFor();
    }
    const readings = await page.locator('.figures .reading').allTextContents();
    assert.ok(readings.length >= 5, 'each headline has its reading');
    for (const r of readings) assert.doesNotMatch(r, /NaN|undefined/);
    const shown = await checkCharts(page);
    assert.ok(shown >= 3, `near-miss trend and two durations are charted (${shown})`);
    await checkA11y(page, 'dashboards');

    // the quarter picker is a plain GET form
    const quarter = page.getByLabel('Quarter', { exact: true });
    const options = await quarter.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(options.length >= 4, 'recent quarters are offered');
    await quarter.selectOption(options[1]);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('quarter') === options[1]);
    assert.match(await page.locator('#scope').innerText(), new RegExp(options[1].replace('-', ' ')));

    // the analyst page: a bad date is named and kept
    await page.getByRole('link', { name: 'Every figure, with filters and tables' }).click();
    await page.getByRole('heading', { name: 'Every figure' }).waitFor();
    await page.getByLabel('Quarter', { exact: true }).selectOption('');
    await page.getByLabel(/From \(first day\)/).fill('2026-02-30');
    await page.getByLabel(/To \(last day\)/).fill('2026-03-31');
    await page.getByRole('button', { name: 'Show the figures' }).click();
    await page.locator('#from-error').waitFor();
    assert.match(await page.locator('#from-error').innerText(), /not a day of the calendar/);
    assert.equal(await page.getByLabel(/From \(first day\)/).inputValue(), '2026-02-30');
    assert.equal(await page.getByLabel(/From \(first day\)/).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('svg.chart').count(), 0, 'no figures for a refused choice');
    await checkA11y(page, 'dashboards-analyst-error');

    // a good choice: a span of days and a severity
    const firstQuarter = options[options.length - 1];
    const [year, q] = firstQuarter.split('-Q').map(Number);
    const from = `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
    await page.getByLabel(/From \(first day\)/).fill(from);
    await page.getByLabel(/To \(last day\)/).fill('');
    await page.getByLabel('Severity', { exact: true }).selectOption('high');
    await page.getByRole('button', { name: 'Show the figures' }).click();
    await page.waitForURL((u) => u.searchParams.get('severity') === 'high');
    await page.locator('#scope').waitFor();
    assert.match(await page.locator('#scope').innerText(), /severity High/);
    assert.equal(await page.getByLabel('Severity', { exact: true }).inputValue(), 'high', 'the choice stays chosen');
    for (const id of ['durations', 'reports', 'repeats', 'action-items', 'cases']) {
      await page.locator(`section h2#${id}`).waitFor();
    }
    const charts = await checkCharts(page);
    assert.ok(charts >= 10, `every duration and trend is charted (${charts})`);
    // a CSV link beside every table, keeping the choice
    const links = await page.getByRole('link', { name: /Download this table as CSV/ }).evaluateAll((as) => as.map((a) => a.href));
    assert.equal(links.length, await page.locator('table').count(), 'one CSV link per table');
    for (const l of links) assert.match(l, /severity=high/);
    const csv = await page.request.get(links[0]);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /^text\/csv/);
    assert.match(await csv.text(), /^Measure,Between,Ended,Still open/);
    await checkA11y(page, 'dashboards-analyst');
  } finally {
    await context.close();
  }

  // under the real policy: nothing blocked, the charts still drawn
  const { page: strict, context: c2 } = await newPage(browser, { enforceCSP: true });
  const blocked = [];
  strict.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
  });
  try {
    await login(strict, server.baseUrl, LEADER.email, LEADER.password);
    await strict.waitForURL((u) => u.pathname === '/');
    for (const p of ['/dashboards', '/dashboards/analyst']) {
      await strict.goto(new URL(p, server.baseUrl).href);
      assert.ok((await strict.locator('svg.chart').count()) > 0, `${p} draws its charts`);
      const box = await strict.locator('svg.chart').first().boundingBox();
      assert.ok(box && box.width > 300 && box.height > 50, `${p}: the chart has a size (${JSON.stringify(box)})`);
    }
    assert.deepEqual(blocked, [], 'nothing was blocked by the Content-Security-Policy');
  } finally {
    await c2.close();
  }
});
