// Shared set-up for the end-to-end tests: a server per test, headless Chromium from Debian,
// event recording, and polling waits (no fixed sleeps for correctness).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Generous: the wasm loads when the browser is idle, and CI machines are slow. */
export const WIDGET_TIMEOUT = 20_000;
export const TEST_TIMEOUT = 180_000;

export const LAUNCHER = 'Need a hand?';
export const ASKING = 'Is something making this harder than it should be?';

/**
 * Poll `fn` until it returns a truthy value (or stops throwing) and return that value.
 * Fails with `message` and the last value or error after `timeout` ms.
 */
export async function waitFor(fn, { timeout = WIDGET_TIMEOUT, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await fn();
      lastError = undefined;
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${message} (${detail})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Check that `fn` stays truthy for `duration` ms (for "nothing more happens" checks), polling as waitFor.
 */
export async function staysTrue(fn, { duration = 3000, interval = 100, message = 'condition' } = {}) {
  const end = Date.now() + duration;
  do {
    const value = await fn();
    if (!value) throw new Error(`expected ${message} to hold for ${duration} ms, but it stopped holding`);
    await new Promise((r) => setTimeout(r, interval));
  } while (Date.now() < end);
}

/** Records every relief:* event on document into window.__reliefEvents, from before any page script. */
export function recordReliefEvents() {
  const types = ['ready', 'open', 'answer', 'offer', 'accept', 'dismiss', 'error', 'nudge'];
  window.__reliefEvents = [];
  for (const t of types) {
    document.addEventListener(`relief:${t}`, (e) => {
      let detail;
      try {
        detail = JSON.parse(JSON.stringify(e.detail));
      } catch {
        detail = String(e.detail);
      }
      window.__reliefEvents.push({ type: e.type, detail });
    });
  }
}

/**
 * Start a server and a browser for one test; `t.after` closes both.
 * Returns { server, browser, newPage(options) }; newPage records relief events, console errors and
 * uncaught page errors on the page object (page.consoleErrors, page.pageErrors).
 */
export async function setUp(t) {
  const server = await startServer({ port: 0, quiet: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  t.after(async () => {
    await browser.close().catch(() => {});
    await server.close();
  });
  async function newPage(contextOptions = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
    context.setDefaultTimeout(WIDGET_TIMEOUT);
    await context.addInitScript(recordReliefEvents);
    const page = await context.newPage();
    page.consoleErrors = [];
    page.pageErrors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') page.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => page.pageErrors.push(String(err?.stack ?? err)));
    return page;
  }
  return { server, browser, newPage };
}

/** Relief events seen by the page so far, optionally only those of one type ("accept" or "relief:accept"). */
export async function reliefEvents(page, type) {
  const all = await page.evaluate(() => window.__reliefEvents ?? []);
  if (!type) return all;
  const want = type.startsWith('relief:') ? type : `relief:${type}`;
  return all.filter((e) => e.type === want).map((e) => e.detail);
}

/** Wait for the first relief event of `type` matching `pred`, and return its detail. */
export async function waitForEvent(page, type, pred = () => true, options = {}) {
  return waitFor(async () => (await reliefEvents(page, type)).find(pred), {
    message: `a relief:${type.replace(/^relief:/, '')} event`,
    ...options,
  });
}

export function launcher(page) {
  return page.getByRole('button', { name: LAUNCHER, exact: true });
}

export function dialog(page, name) {
  return name === undefined ? page.getByRole('dialog') : page.getByRole('dialog', { name });
}

/** Go to `path` (relative to the server root) and wait until the launcher is there. */
export async function openShop(page, server, path = 'index.html') {
  await page.goto(new URL(path, server.url).href);
  await launcher(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT });
}

/** Click the first "Add to basket" button and wait for the basket count to show it. */
export async function addToBasket(page) {
  const before = await basketCount(page);
  await page.getByRole('button', { name: /^Add to basket/ }).first().click();
  await waitFor(async () => (await basketCount(page)) > before, { message: 'the basket count to go up' });
}

export async function basketCount(page) {
  const text = await page.locator('[data-cart-count]').first().textContent();
  return Number.parseInt((text ?? '').trim(), 10) || 0;
}

/** Open the widget with its launcher and wait for the asking dialog. */
export async function openWidget(page) {
  await launcher(page).click();
  await dialog(page, ASKING).waitFor({ state: 'visible' });
  return dialog(page, ASKING);
}

/** Fail with a useful message when the widget threw into the host page. */
export function assertNoPageErrors(assert, page) {
  assert.deepEqual(page.pageErrors, [], `uncaught errors in the page:\n${page.pageErrors.join('\n')}`);
}

export async function axeSource() {
  return readFile(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
}

/** axe-core's violations on the page (with the widget's shadow root), as plain data. */
export async function axe(page, source) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
    }));
  });
}
