// Helpers for Debrief's browser tests.
//
// The browser is Debian's `chromium` package driven by playwright-core (no
// Playwright-downloaded browser builds), and accessibility is checked with
// axe-core injected into the page.
//
// Environment:
//   DEBRIEF_BIN      path of the debrief binary (default <repo>/target/debug/debrief)
//   CHROMIUM_BIN     path of the chromium binary (default /usr/bin/chromium)
//   E2E_KEEP_TMP=1   keep the server's temp dir (database, server.log) after stop()

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { createWriteStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(E2E_DIR, '..');
export const SCREENSHOT_DIR = path.join(E2E_DIR, 'screenshots');
export const DEBRIEF_BIN =
  process.env.DEBRIEF_BIN || path.join(REPO_ROOT, 'target', 'debug', 'debrief');
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

export const ADMIN = Object.freeze({
  email: 'admin@example.org',
  name: 'Ada Admin',
  password: 'correct horse battery staple',
});

const HEALTH_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const srv = net.createServer();
  srv.unref();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

/** Runs a command to completion, feeding `input` on stdin; rejects on non-zero exit. */
function run(cmd, args, { input = '', env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `${cmd} ${args.join(' ')} exited with ${code ?? signal}\n` +
              `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
          ),
        );
    });
    child.stdin.on('error', () => {}); // the child may exit before reading stdin
    child.stdin.end(input);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a fresh Debrief server on a temp SQLite database with one admin
 * user (ADMIN). `demo: true` passes `--demo` to `serve`.
 * Returns { baseUrl, tmpDir, logPath, admin, stop() }.
 */
export async function startServer({ demo = false } = {}) {
  if (!existsSync(DEBRIEF_BIN)) {
    throw new Error(
      `debrief binary not found at ${DEBRIEF_BIN}; build it (cargo build) or set DEBRIEF_BIN`,
    );
  }
  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'debrief-e2e-'));
  const database = `sqlite://${path.join(tmpDir, 'e2e.db')}`;
  const env = { ...process.env, RUST_BACKTRACE: '1' };

  const cleanup = () =>
    process.env.E2E_KEEP_TMP ? Promise.resolve() : rm(tmpDir, { recursive: true, force: true });

  try {
    await run(
      DEBRIEF_BIN,
      [
        'user', 'add',
        '--email', ADMIN.email,
        '--name', ADMIN.name,
        '--role', 'admin',
        '--password-stdin',
        '--database', database,
      ],
      { input: `${ADMIN.password}\n`, env },
    );
  } catch (err) {
    await cleanup();
    throw err;
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = path.join(tmpDir, 'server.log');
  const log = createWriteStream(logPath);
  const args = ['serve', '--database', database, '--listen', `127.0.0.1:${port}`];
  if (demo) args.push('--demo');
  const child = spawn(DEBRIEF_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: tmpDir });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { error: err };
      resolve(exited);
    });
  });

  const serverLog = async () => {
    try {
      return await readFile(logPath, 'utf8');
    } catch {
      return '';
    }
  };

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const res = await Promise.race([exitPromise, sleep(STOP_TIMEOUT_MS).then(() => null)]);
      if (!res) {
        child.kill('SIGKILL');
        await exitPromise;
        log.end();
        throw new Error(`debrief serve did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
      }
    }
    log.end();
    await cleanup();
  }

  // Wait for /healthz to answer 200.
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastErr = 'no attempt';
  for (;;) {
    if (exited) {
      const out = await serverLog();
      stopped = true;
      log.end();
      await cleanup();
      throw new Error(
        `debrief serve exited early (${JSON.stringify(exited)})\n--- server log ---\n${out}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
      lastErr = `status ${res.status}`;
    } catch (err) {
      lastErr = err.cause?.code || err.message;
    }
    if (Date.now() > deadline) {
      const out = await serverLog();
      await stop().catch(() => {});
      throw new Error(
        `GET ${baseUrl}/healthz did not answer 200 within ${HEALTH_TIMEOUT_MS} ms (last: ${lastErr})\n` +
          `--- server log ---\n${out}`,
      );
    }
    await sleep(200);
  }

  return { baseUrl, tmpDir, logPath, admin: ADMIN, stop, serverLog };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Debian chromium through playwright-core. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM_BIN)) {
    throw new Error(`chromium not found at ${CHROMIUM_BIN}; run scripts/e2e (installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A new browser context and page. By default bypassCSP lets axe-core be injected
 * even though the server sends a strict Content-Security-Policy; pass
 * { enforceCSP: true } to test behaviour under the real policy.
 */
export async function newPage(browser, { enforceCSP = false, javaScript = true } = {}) {
  const context = await browser.newContext({
    bypassCSP: !enforceCSP,
    javaScriptEnabled: javaScript,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  return { context, page };
}

/** Turns a URL path into a screenshot name: "/" -> "home", "/a/b" -> "a-b". */
export function nameForPath(p) {
  const s = p.replace(/[?#].*$/, '').replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return s || 'home';
}

function formatViolations(name, url, violations) {
  const lines = [`axe: ${violations.length} serious/critical violation(s) on "${name}" (${url})`];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help}`);
    lines.push(`    ${v.helpUrl}`);
    for (const node of v.nodes) {
      lines.push(`    - target: ${node.target.map((t) => JSON.stringify(t)).join(' ')}`);
      lines.push(`      html:   ${node.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      const summary = node.failureSummary?.replace(/\s+/g, ' ').trim();
      if (summary) lines.push(`      why:    ${summary.slice(0, 500)}`);
    }
  }
  return lines.join('\n');
}

/**
 * Takes a full-page screenshot to e2e/screenshots/<name>.png, runs axe-core on
 * the page, and throws if any violation has impact serious or critical.
 * Returns the full axe result.
 */
export async function checkA11y(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(() => window.axe.run());
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const err = new Error(formatViolations(name, page.url(), bad));
    Object.defineProperty(err, 'violations', { value: bad, enumerable: false });
    throw err;
  }
  return results;
}

/**
 * Opens /login, fills in the inputs labelled "Email" and "Password" and clicks
 * "Sign in". Resolves with the response to the POST /login (a redirect on
 * success); callers then wait for where they expect to land (page.waitForURL).
 */
export async function login(page, baseUrl, email, password) {
  await page.goto(new URL('/login', baseUrl).href);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
    ),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  return response;
}
