// What a visitor downloads: the loader alone until they reach for help; the widget on intent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, assertNoPageErrors, launcher, openShop, setUp, staysTrue, waitFor } from './helpers.mjs';

const widgetFiles = (urls) => urls.filter((u) => /relief_core/.test(u));

test('only the loader loads until the visitor reaches for the launcher', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await openShop(page, server);
  assert.ok(requested.some((u) => u.endsWith('/dist/relief.js')), 'the loader is fetched');
  // Without a `font` in the config the launcher speaks in the system's UI font, not the browser's default.
  const font = await launcher(page).evaluate((b) => getComputedStyle(b).fontFamily);
  assert.match(font, /^system-ui/, `the launcher's font: ${font}`);
  await staysTrue(() => widgetFiles(requested).length === 0, {
    duration: 3000,
    message: `no widget file before any interaction: ${widgetFiles(requested).join(', ')}`,
  });

  await launcher(page).hover();
  await waitFor(() => widgetFiles(requested).length === 2, { message: 'the glue and the wasm after hovering' });
  assert.ok(widgetFiles(requested).some((u) => u.endsWith('relief_core_bg.wasm')));
  assertNoPageErrors(assert, page);
});

test('ReliefWidget.open() before the widget loaded opens it once it has', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await page.evaluate(() => window.ReliefWidget.open());
  await page.getByRole('dialog').waitFor({ state: 'visible' });
  const opened = await page.evaluate(() => window.__reliefEvents.filter((e) => e.type === 'relief:open'));
  assert.equal(opened.length, 1);
  assert.equal(opened[0].detail.trigger, 'api');
  assert.match(await page.evaluate(() => window.ReliefWidget.version), /^\d+\.\d+\.\d+$/);
  assertNoPageErrors(assert, page);
});

test('a page whose widget files are missing keeps working and says why once', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await page.route(/relief_core_bg\.wasm$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await openShop(page, server);
  await launcher(page).click();
  const errors = await waitFor(() => {
    const lines = page.consoleErrors.filter((l) => l.startsWith('[relief] '));
    return lines.length > 0 && lines;
  }, { message: 'a [relief] console error' });
  assert.equal(errors.length, 1, `one line: ${errors.join('\n')}`);
  await waitFor(async () => (await page.locator('relief-widget').count()) === 0, { message: 'the launcher to go' });
  const failed = await page.evaluate(() => window.__reliefEvents.filter((e) => e.type === 'relief:error'));
  assert.equal(failed.length, 1);
  await page.getByRole('button', { name: /^Add to basket/ }).first().click();
  await waitFor(async () => Number.parseInt(await page.locator('[data-cart-count]').first().textContent(), 10) > 0, {
    message: 'the shop still works',
  });
  assertNoPageErrors(assert, page);
});

test('on/off, dataLayer without personal data, and single-page navigation', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await page.addInitScript(() => {
    window.__seen = [];
    // Before the loader: the queue stub takes on() too.
    window.ReliefWidget = { q: [], on(t, f) { this.q.push(['on', t, f]); } };
    window.ReliefWidget.on('open', (d) => window.__seen.push(['early', d.type]));
  });
  await openShop(page, server);
  const stop = await page.evaluateHandle(() => window.ReliefWidget.on('relief:answer', (d) => window.__seen.push(['answer', d.frustration])));
  await page.evaluate(() => history.pushState({}, '', '/another-view'));
  await launcher(page).click();
  await page.getByRole('button', { name: "I'm worried about returns" }).click();
  await waitFor(async () => (await page.evaluate(() => window.__seen.length)) >= 2, { message: 'on() listeners to run' });
  assert.deepEqual(await page.evaluate(() => window.__seen), [['early', 'open'], ['answer', 'returns']]);
  const answers = await page.evaluate(() => window.__reliefEvents.filter((e) => e.type === 'relief:answer'));
  assert.equal(answers[0].detail.page, '/another-view', 'events carry the page the single-page app is on');
  await page.evaluate((off) => off(), stop);
  await page.keyboard.press('Escape');
  await launcher(page).click();
  await page.getByRole('button', { name: "I'm worried about returns" }).click();
  await waitFor(async () => (await page.evaluate(() => window.__reliefEvents.filter((e) => e.type === 'relief:answer').length)) === 2);
  assert.equal((await page.evaluate(() => window.__seen)).filter(([k]) => k === 'answer').length, 1, 'off() stops the listener');
  const layer = await page.evaluate(() => JSON.stringify(window.dataLayer || []));
  const demoUsesDataLayer = JSON.parse(await (await fetch(new URL('demo-config.json', server.url))).text()).data_layer === true;
  if (demoUsesDataLayer) {
    assert.match(layer, /relief_answer/);
    assert.match(layer, /"frustration":"returns"/);
  }
  assertNoPageErrors(assert, page);
});

// Release wasm traps at once on a Rust panic (no hook runs): the loader is what reports it. A stand-in
// dialog module throws the RuntimeError a trap throws: into a loader call, from one of the dialog's
// own listeners, from a promise callback (an answer from the network), and from the text
// understanding, whose failures the dialog otherwise takes as "ask the visitor".
const TRAPPING_DIALOG = `
export default async function init() {}
export function mount(config, words, understand) {
  document.addEventListener('click', (e) => {
    if (e.target.id === 'trap') throw new WebAssembly.RuntimeError('unreachable');
    if (e.target.id === 'trap-later') Promise.resolve().then(() => { throw new WebAssembly.RuntimeError('unreachable'); });
    if (e.target.id === 'write') understand('the delivery is too dear', 'en').then(() => {}, () => {});
  });
}
export function learn() { return true; }
export function classify() { throw new WebAssembly.RuntimeError('unreachable'); }
export function open_from() { throw new WebAssembly.RuntimeError('unreachable'); }
export function set_cart() {}
export function close() {}
export function set_page() {}
`;

test('a panic in the dialog removes the widget, says so once, and leaves the page working', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  for (const how of ['call', 'listener', 'promise', 'understanding']) {
    const page = await newPage();
    await page.route(/relief_core\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: TRAPPING_DIALOG }));
    await openShop(page, server);
    if (how === 'call') {
      await page.evaluate(() => window.ReliefWidget.open());
    } else {
      await launcher(page).hover();
      await page.evaluate(() => window.ReliefWidget.setCart({ total: 1, currency: 'GBP', items: [] }));
      await waitFor(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => /relief_core\.js$/.test(e.name))), { message: 'the dialog module' });
      await page.waitForTimeout(200);
      await page.evaluate((how) => {
        const b = document.body.appendChild(document.createElement('button'));
        b.id = { listener: 'trap', promise: 'trap-later', understanding: 'write' }[how];
        b.click();
      }, how);
    }
    const said = await waitFor(() => {
      const lines = page.consoleErrors.filter((l) => l.startsWith('[relief] '));
      return lines.length > 0 && lines;
    }, { message: `${how}: a [relief] console error` });
    assert.deepEqual(said, ['[relief] the widget stopped after an internal error; the page is unaffected'], how);
    await waitFor(async () => (await page.locator('relief-widget').count()) === 0, { message: `${how}: the widget to go` });
    await page.evaluate(() => window.ReliefWidget.open());
    await staysTrue(() => page.consoleErrors.length === 1, { duration: 500, message: `${how}: later calls do nothing` });
    const errors = await page.evaluate(() => window.__reliefEvents.filter((e) => e.type === 'relief:error').map((e) => e.detail.reason));
    assert.deepEqual(errors, ['internal'], how);
    assert.deepEqual(page.pageErrors.filter((e) => !/RuntimeError: unreachable/.test(e)), [], `${how}: nothing else reached the page`);
    await page.getByRole('button', { name: /^Add to basket/ }).first().click();
    await waitFor(async () => Number.parseInt(await page.locator('[data-cart-count]').first().textContent(), 10) > 0, {
      message: `${how}: the shop still works`,
    });
  }
});
