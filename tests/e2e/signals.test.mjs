// Frustration signals in a real page: rage clicks raise a quiet nudge, its reason travels with the
// answer, and a visitor who waves it away is left alone, also on the next page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, assertNoPageErrors, openShop, reliefEvents, setUp, staysTrue, waitFor } from './helpers.mjs';

const NUDGE = /Something not working\? We'd like to help\./;

/** The watcher is running once its wasm has been fetched and the page had time to settle. */
async function watcherReady(page, requested) {
  await waitFor(() => requested.some((u) => u.endsWith('relief_signals_bg.wasm')), { message: 'the watcher to load' });
  // The policy holds nudges back for the first seconds of a page.
  await new Promise((r) => setTimeout(r, 5500));
}

/** Five quick clicks on the product picture, which does nothing when clicked. */
async function rageClick(page) {
  const picture = page.locator('main img').first();
  const box = await picture.boundingBox();
  for (let i = 0; i < 5; i++) {
    await page.mouse.click(box.x + box.width / 2 + (i % 2) * 3, box.y + box.height / 2, { delay: 20 });
    await new Promise((r) => setTimeout(r, 90));
  }
}

function recordRequests(page) {
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  return requested;
}

test('rage clicks raise a nudge, and its reason travels with the answer', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  const requested = recordRequests(page);
  await openShop(page, server);
  await watcherReady(page, requested);
  assert.equal(requested.filter((u) => /relief_core/.test(u)).length, 0, 'the dialog is not loaded by the watcher');

  await rageClick(page);
  const nudge = page.getByRole('status').filter({ hasText: NUDGE });
  await nudge.waitFor({ state: 'visible' });
  const [shown] = await reliefEvents(page, 'nudge');
  assert.equal(shown.detector, 'rage_click');
  assert.match(shown.reason, /^rage_click: \d+ clicks in \d+ ms/);
  // A nudge is not a dialog and does not take focus.
  assert.equal(await page.getByRole('dialog').count(), 0);

  await nudge.getByRole('button', { name: 'Tell us' }).click();
  await page.getByRole('dialog').waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'The site is confusing' }).click();
  const [answer] = await waitFor(async () => {
    const answers = await reliefEvents(page, 'answer');
    return answers.length && answers;
  }, { message: 'the answer event' });
  assert.equal(answer.trigger.detector, 'rage_click');
  assert.equal(answer.trigger.reason, shown.reason);
  const [opened] = await reliefEvents(page, 'open');
  assert.equal(opened.trigger.detector, 'rage_click');
  assertNoPageErrors(assert, page);
});

test('a dismissed nudge stays away on the next page, and quiet pages get none', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  const requested = recordRequests(page);
  await openShop(page, server);
  await watcherReady(page, requested);
  // Reading and scrolling calmly raises nothing.
  await page.mouse.wheel(0, 600);
  await page.mouse.move(300, 300, { steps: 10 });
  await staysTrue(async () => (await reliefEvents(page, 'nudge')).length === 0, {
    duration: 2000,
    message: 'no nudge on a calm visit',
  });

  await rageClick(page);
  const nudge = page.getByRole('status').filter({ hasText: NUDGE });
  await nudge.waitFor({ state: 'visible' });
  await nudge.getByRole('button', { name: 'Not now' }).click();
  await nudge.waitFor({ state: 'detached' });
  const dismissals = await reliefEvents(page, 'dismiss');
  assert.equal(dismissals.at(-1).stage, 'nudge');

  // A new tab: a new session, so only the dismissal can keep the nudge away.
  const next = await page.context().newPage();
  const nextRequests = recordRequests(next);
  await openShop(next, server);
  await watcherReady(next, nextRequests);
  await rageClick(next);
  await staysTrue(async () => (await reliefEvents(next, 'nudge')).length === 0, {
    duration: 4000,
    message: 'no nudge after a dismissal',
  });
  assert.equal(await next.getByRole('status').filter({ hasText: NUDGE }).count(), 0);
  assertNoPageErrors(assert, page);
});
