// axe-core on the product page with the dialog open, on a desktop and a phone, light and dark;
// screenshots of the open dialog go to target/screenshots/ for a human to look at.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  REPO, TEST_TIMEOUT, addToBasket, assertNoPageErrors, axe, axeSource, dialog, openShop, openWidget, setUp,
} from './helpers.mjs';

const SCREENS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
];
const SCHEMES = ['light', 'dark'];
const SHOTS = join(REPO, 'target', 'screenshots');

async function settle(page) {
  // Let finite animations and transitions end, so contrast is measured on the final colours.
  // Transitions start on the next style update: wait two frames, then for every finite animation in
  // the document and in open shadow roots, then one more frame for the final paint.
  await page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    await frame();
    await frame();
    const roots = [document, ...[...document.querySelectorAll('*')].map((e) => e.shadowRoot).filter(Boolean)];
    const animations = new Set(roots.flatMap((r) => r.getAnimations()));
    await Promise.all([...animations]
      .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
      .map((a) => a.finished.catch(() => {})));
    await frame();
  });
}

function describe(violations) {
  return violations.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes
    .map((n) => `    ${JSON.stringify(n.target)}: ${String(n.summary).replace(/\n/g, ' ')}`).join('\n')}`).join('\n');
}

for (const screen of SCREENS) {
  test(`no axe violations with the dialog open: ${screen.name}`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { server, newPage } = await setUp(t);
    const source = await axeSource();
    await mkdir(SHOTS, { recursive: true });
    const failures = [];
    for (const colorScheme of SCHEMES) {
      const { name, ...options } = screen;
      const page = await newPage({ ...options, colorScheme, reducedMotion: 'no-preference' });
      await openShop(page, server);
      await addToBasket(page);

      // The first question.
      const asking = await openWidget(page);
      await settle(page);
      await page.screenshot({ path: join(SHOTS, `dialog-${name}-${colorScheme}.png`) });
      let violations = await axe(page, source);
      if (violations.length) failures.push(`${name}, ${colorScheme}, asking:\n${describe(violations)}`);

      // The offers.
      await asking.getByRole('button', { name: 'Paying all at once is hard right now' }).click();
      await page.getByRole('button', { name: /^Pay in 3 monthly instalments/ }).waitFor();
      await settle(page);
      await page.screenshot({ path: join(SHOTS, `dialog-${name}-${colorScheme}-offers.png`) });
      violations = await axe(page, source);
      if (violations.length) failures.push(`${name}, ${colorScheme}, offering:\n${describe(violations)}`);

      assert.equal(await dialog(page).count(), 1);
      assertNoPageErrors(assert, page);
      await page.context().close();
    }
    assert.deepEqual(failures, [], `axe violations:\n${failures.join('\n')}`);
  });
}
