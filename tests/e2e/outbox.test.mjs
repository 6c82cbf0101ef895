// Delivery: events wait in localStorage while the collector is down, survive a reload, arrive exactly
// once when it is back, and the widget then stops sending. Loading the script twice mounts one widget.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT, addToBasket, assertNoPageErrors, dialog, openShop, openWidget, reliefEvents, setUp,
  staysTrue, waitFor,
} from './helpers.mjs';

const DELIVERED = ['relief:answer', 'relief:offer', 'relief:accept', 'relief:dismiss'];
const OUTBOX = 'relief:outbox';

// The DOM event is "relief:answer"; the event object's own `type` is "answer".
const fullType = (type) => (String(type).startsWith('relief:') ? type : `relief:${type}`);
const outbox = (page) => page.evaluate((key) => localStorage.getItem(key) ?? '', OUTBOX);

test('events wait in the outbox while the collector is down and arrive once', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  server.setCollectorUp(false);
  const page = await newPage();
  await openShop(page, server);
  await addToBasket(page);
  await openWidget(page);
  await page.getByRole('button', { name: 'Paying all at once is hard right now' }).click();
  await page.getByRole('button', { name: /^Pay in 3 monthly instalments/ }).click();
  await dialog(page, 'All set').waitFor();

  const sent = await waitFor(async () => {
    const all = (await reliefEvents(page)).filter((e) => DELIVERED.includes(e.type));
    return all.some((e) => e.type === 'relief:accept') && all;
  }, { message: 'the accept event' });
  const expected = new Map(sent.map((e) => [e.detail.id, e.type]));
  const types = [...expected.values()];
  for (const type of ['relief:answer', 'relief:offer', 'relief:accept']) {
    assert.equal(types.filter((x) => x === type).length, 1, `one ${type} event: ${JSON.stringify(types)}`);
  }

  // Queued in localStorage before any request, and still queued while the collector answers 503.
  await waitFor(async () => {
    const stored = await outbox(page);
    return [...expected.keys()].every((id) => stored.includes(id));
  }, { message: `every event id in localStorage["${OUTBOX}"]` });
  await waitFor(() => server.received().requests > 0, { timeout: 30_000, message: 'a delivery attempt' });
  assert.deepEqual(server.received().events, [], 'nothing is stored while the collector is down');

  // A reload keeps the queue.
  await page.reload();
  await page.getByRole('button', { name: 'Need a hand?', exact: true }).waitFor();
  const afterReload = await outbox(page);
  for (const id of expected.keys()) {
    assert.ok(afterReload.includes(id), `event ${id} (${expected.get(id)}) survives the reload`);
  }

  server.setCollectorUp(true);
  await waitFor(() => {
    const got = new Set(server.received().events.map((e) => e.id));
    return [...expected.keys()].every((id) => got.has(id));
  }, { timeout: 90_000, interval: 250, message: 'every queued event at the collector' });

  const received = server.received();
  const deliveredIds = received.events.filter((e) => DELIVERED.includes(fullType(e.type))).map((e) => e.id).sort();
  assert.deepEqual(deliveredIds, [...expected.keys()].sort(), 'exactly the queued events, each once');
  for (const e of received.events) {
    // CONTRACT.md: the event object's `type` has no "relief:" prefix.
    if (expected.has(e.id)) assert.equal(e.type, expected.get(e.id).slice('relief:'.length), `event ${e.id} type`);
  }
  const accept = received.events.find((e) => fullType(e.type) === 'relief:accept');
  assert.equal(accept.offer.kind, 'payment_terms');
  assert.equal(accept.offer.plan.reduce((s, a) => s + a, 0), accept.offer.total);

  // Delivered events leave the outbox, and then the widget goes quiet.
  await waitFor(async () => {
    const stored = await outbox(page);
    return [...expected.keys()].every((id) => !stored.includes(id));
  }, { timeout: 30_000, message: 'the outbox to empty after delivery' });
  await new Promise((r) => setTimeout(r, 1000)); // let a request already in flight land
  const requests = server.received().requests;
  await staysTrue(() => server.received().requests === requests, {
    duration: 5000,
    message: `the request count to stay at ${requests} (no endless resending)`,
  });
  assertNoPageErrors(assert, page);
});

const injectLoader = () => new Promise((resolve, reject) => {
  const s = document.createElement('script');
  s.src = 'dist/relief.js';
  s.async = true;
  s.dataset.config = 'demo-config.json';
  s.onload = () => resolve();
  s.onerror = () => reject(new Error('dist/relief.js failed to load'));
  document.body.append(s);
});

test('loading the script twice makes exactly one widget', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);

  // Late: a second copy after the first has mounted.
  const late = await newPage();
  await openShop(late, server);
  await late.evaluate(injectLoader);
  await late.evaluate(() => window.ReliefWidget.open());
  await dialog(late).waitFor();
  await staysTrue(async () => (await late.locator('relief-widget').count()) === 1, {
    duration: 3000, message: 'one <relief-widget> after a second copy of the loader',
  });
  assert.equal(await dialog(late).count(), 1, 'one dialog');
  assert.equal((await reliefEvents(late, 'ready')).length, 1, 'one relief:ready');
  assertNoPageErrors(assert, late);

  // Early: a second copy racing the first, both before either has loaded the wasm.
  const early = await newPage();
  await early.addInitScript(`document.addEventListener('DOMContentLoaded', () => (${injectLoader})());`);
  await openShop(early, server);
  await early.evaluate(() => window.ReliefWidget.open());
  await dialog(early).waitFor();
  await staysTrue(async () => (await early.locator('relief-widget').count()) === 1, {
    duration: 3000, message: 'one <relief-widget> with two loaders racing',
  });
  assert.equal(await dialog(early).count(), 1, 'one dialog');
  assert.equal((await reliefEvents(early, 'ready')).length, 1, 'one relief:ready');
  assertNoPageErrors(assert, early);
});
