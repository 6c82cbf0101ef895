// Every visitor, every shop: the keyboard alone, a strict Content-Security-Policy, a page whose CSS
// attacks everything, a single-page app that replaces its body, any accent colour, and no layout shift.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  ASKING, LAUNCHER, TEST_TIMEOUT, assertNoPageErrors, launcher, openShop, setUp, staysTrue, waitFor,
} from './helpers.mjs';

const demoConfig = JSON.parse(await readFile(new URL('../../www/demo-config.json', import.meta.url), 'utf8'));

/** The element focused inside the widget's shadow root, as "tag: text". */
const focused = (page) => page.evaluate(() => {
  const el = document.querySelector('relief-widget')?.shadowRoot?.activeElement;
  return el ? `${el.tagName.toLowerCase()}: ${el.getAttribute('aria-label') || el.textContent.trim()}` : 'outside';
});

test('the whole flow works with the keyboard alone, and focus stays in the dialog', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await launcher(page).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: ASKING }).waitFor({ state: 'visible' });
  assert.equal(await focused(page), 'button: Delivery costs too much', 'focus starts on the first answer');

  // Tab goes round the dialog: past the last answer back to its first control, never out to the page.
  const seen = new Set();
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    assert.notEqual(now, 'outside', `Tab ${i + 1} left the widget`);
    assert.notEqual(now, `button: ${LAUNCHER}`, 'Tab does not leave the open dialog for the launcher');
    seen.add(now);
  }
  assert.ok(seen.has('button: Close') && seen.has('button: Something else'), [...seen].join(', '));
  await page.keyboard.press('Shift+Tab');
  assert.notEqual(await focused(page), 'outside');

  // Choose with Space, decline with Enter, close with Escape: focus goes back to the launcher.
  while ((await focused(page)) !== "button: I'm worried about returns") await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: /^Free return postage/ }).waitFor();
  while ((await focused(page)) !== 'button: No thanks') await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Thank you for telling us' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  assert.equal(await focused(page), `button: ${LAUNCHER}`);
  assertNoPageErrors(assert, page);
});

test('a strict Content-Security-Policy with Trusted Types needs nothing unsafe', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  const policy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    + "require-trusted-types-for 'script'; trusted-types 'none'";
  await page.route(/\/index\.html$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await openShop(page, server);
  await launcher(page).click();
  await page.getByRole('dialog', { name: ASKING }).waitFor({ state: 'visible' });
  await page.getByRole('button', { name: "I'm worried about returns" }).click();
  await page.getByRole('button', { name: /^Free return postage/ }).waitFor();
  const styled = await page.evaluate(() => getComputedStyle(document.querySelector('relief-widget').shadowRoot.querySelector('.panel')).borderRadius);
  assert.notEqual(styled, '0px', 'the widget is styled under style-src self');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assertNoPageErrors(assert, page);
});

const HOSTILE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hostile</title>
<style>
  * { all: unset !important; font-family: "Comic Sans MS", cursive !important; color: red !important; }
  relief-widget { display: none !important; position: absolute !important; top: -9999px !important; }
  html, body { display: block !important; transform: translateZ(0) !important; }
  .top { position: fixed !important; top: 0 !important; left: 0 !important; width: 50px !important;
         height: 50px !important; z-index: 2147483647 !important; background: black !important; }
  p { display: block !important; height: 2000px !important; }
</style></head>
<body><div class="top"></div><p>Some shop.</p>
<script src="dist/relief.js" async data-config="demo-config.json"></script></body></html>`;

test('a page whose CSS attacks everything cannot hide, move or restyle the widget', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await page.route(/\/hostile\.html$/, (route) => route.fulfill({ contentType: 'text/html', body: HOSTILE }));
  await page.goto(new URL('hostile.html', server.url).href);
  const button = launcher(page);
  await button.waitFor({ state: 'visible' });
  const box = await button.boundingBox();
  assert.ok(box.x > 1000 && box.y > 650, `the launcher keeps its corner: ${JSON.stringify(box)}`);
  const look = await page.evaluate(() => {
    const el = document.querySelector('relief-widget').shadowRoot.querySelector('.launcher');
    const style = getComputedStyle(el);
    return { font: style.fontFamily, color: style.color };
  });
  assert.doesNotMatch(look.font, /Comic/);
  assert.notEqual(look.color, 'rgb(255, 0, 0)');
  await button.click();
  await page.getByRole('dialog', { name: ASKING }).waitFor({ state: 'visible' });
  assertNoPageErrors(assert, page);
});

test('a single-page app that replaces its body keeps the widget', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await page.evaluate(() => {
    document.body.innerHTML = '<main><h1>Another view</h1></main>';
    history.pushState({}, '', '/another-view');
  });
  await launcher(page).click();
  await page.getByRole('dialog', { name: ASKING }).waitFor({ state: 'visible' });
  assertNoPageErrors(assert, page);
});

test('text on any accent colour stays readable, and the page never shifts', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  for (const [accent, ink] of [['#ffd400', 'dark'], ['#1a237e', 'light'], ['#7fdbff', 'dark'], ['#c2185b', 'light']]) {
    const page = await newPage();
    // Shifts from the moment the loader adds the widget: before relief:ready nothing of it is on the
    // page, and the demo page's own late layout on a loaded machine is not the widget's doing.
    await page.addInitScript(() => {
      window.__shifts = [];
      document.addEventListener('relief:ready', () => { window.__readyAt = performance.now(); });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (!entry.hadRecentInput) window.__shifts.push({ at: entry.startTime, value: entry.value, nodes: entry.sources.map((s) => s.node && s.node.nodeName) });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.addInitScript((config) => { window.reliefConfig = config; }, { ...demoConfig, accent });
    await openShop(page, server);
    const rgb = await page.evaluate(() => {
      const el = document.querySelector('relief-widget').shadowRoot.querySelector('.launcher');
      const probe = document.createElement('canvas').getContext('2d');
      probe.fillStyle = getComputedStyle(el).color;
      probe.fillRect(0, 0, 1, 1);
      return [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    });
    const lightness = (rgb[0] + rgb[1] + rgb[2]) / 3;
    assert.ok(ink === 'dark' ? lightness < 60 : lightness > 200, `${accent}: text ${rgb} should be ${ink}`);
    await launcher(page).click();
    await page.getByRole('dialog', { name: ASKING }).waitFor({ state: 'visible' });
    await waitFor(() => true);
    assert.equal(await page.evaluate(() => typeof window.__readyAt), 'number', 'relief:ready was seen');
    const shifts = await page.evaluate(() => window.__shifts.filter((s) => s.at >= window.__readyAt));
    assert.deepEqual(shifts, [], 'no layout shift on the host page once the widget is there');
    await page.context().close();
  }
});
