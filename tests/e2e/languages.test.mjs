// The visitor's language: wording from the language pack, prices in the visitor's format, Arabic laid
// out right to left; screenshots of each for a person to look at.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { REPO, TEST_TIMEOUT, addToBasket, assertNoPageErrors, axe, axeSource, setUp } from './helpers.mjs';

const demoConfig = JSON.parse(await readFile(new URL('../../www/demo-config.json', import.meta.url), 'utf8'));
const pack = async (lang) => JSON.parse(await readFile(new URL(`../../www/locales/${lang}.json`, import.meta.url), 'utf8'));
const SHOTS = `${REPO}target/screenshots`;

async function shopIn(newPage, server, locale, contextOptions = {}) {
  const page = await newPage(contextOptions);
  await page.addInitScript((config) => { window.reliefConfig = config; }, { ...demoConfig, locale });
  await page.goto(new URL('index.html', server.url).href);
  return page;
}

test('German: the pack words the widget and prices read as Germans write them', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const de = await pack('de');
  const page = await shopIn(newPage, server, 'de-DE');
  await addToBasket(page);
  await page.getByRole('button', { name: de.launcher, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: de.title });
  await dialog.waitFor({ state: 'visible' });
  await page.getByRole('button', { name: de['frustration.paying_all_at_once'] }).click();
  const offer = page.getByRole('button', { name: /^In 3 monatlichen Raten zahlen/ });
  await offer.waitFor();
  // 36,95 £ split in three: the first carries the extra penny, amounts in German number format.
  assert.match(await offer.textContent(), /12,33\s£/);
  assertNoPageErrors(assert, page);
});

test('German words typed on a German page are read with the German model and pick the relief', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const de = await pack('de');
  const page = await shopIn(newPage, server, 'de-DE');
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await addToBasket(page);
  await page.getByRole('button', { name: de.launcher, exact: true }).click();
  await page.getByRole('dialog', { name: de.title }).waitFor({ state: 'visible' });
  await page.getByRole('button', { name: de['frustration.other'], exact: true }).click();
  await page.getByRole('textbox').fill('ehrlich gesagt kann ich das diesen monat nicht auf einmal bezahlen, geht das in raten?');
  await page.getByRole('button', { name: de.send, exact: true }).click();
  await page.getByRole('button', { name: /^In 3 monatlichen Raten zahlen/ }).waitFor();
  const models = requested.filter((u) => u.includes('relief_understand'));
  assert.deepEqual(models.map((u) => u.split('/').pop()), ['relief_understand.de.bin'], 'only the German model');
  assertNoPageErrors(assert, page);
});

test('Arabic: right to left, mirrored to the other side, in every theme and size', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const ar = await pack('ar');
  await mkdir(SHOTS, { recursive: true });
  for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    for (const colorScheme of ['light', 'dark']) {
      const page = await shopIn(newPage, server, 'ar', { viewport, colorScheme });
      const launcher = page.getByRole('button', { name: ar.launcher, exact: true });
      await launcher.waitFor();
      const box = await launcher.boundingBox();
      assert.ok(box.x < viewport.width / 2, `the launcher sits on the left in RTL (${name}): x=${box.x}`);
      await launcher.click();
      const dialog = page.getByRole('dialog', { name: ar.title });
      await dialog.waitFor({ state: 'visible' });
      const direction = await page.evaluate(() => {
        const wrap = document.querySelector('relief-widget').shadowRoot.querySelector('.wrap');
        return getComputedStyle(wrap).direction;
      });
      assert.equal(direction, 'rtl');
      const violations = await axe(page, await axeSource());
      assert.deepEqual(violations, [], `axe in Arabic (${name}, ${colorScheme}): ${JSON.stringify(violations)}`);
      await page.getByRole('button', { name: ar['frustration.paying_all_at_once'] }).click();
      await page.getByRole('heading', { name: ar['thanks.title'] }).waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/dialog-${name}-${colorScheme}-rtl.png` });
      assertNoPageErrors(assert, page);
      await page.context().close();
    }
  }
});
