// The visitor's journey on the demo shop: ask, listen, offer, accept, and the checkout applying it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ASKING, TEST_TIMEOUT, addToBasket, assertNoPageErrors, dialog, launcher, openShop, openWidget,
  reliefEvents, setUp, waitFor, waitForEvent,
} from './helpers.mjs';

const PAY_IN_3 = /^Pay in 3 monthly instalments/;
const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const pounds = (minor) => gbp.format(minor / 100);
const minorUnits = (text) => Math.round(Number(String(text).replace(/[^0-9.]/g, '')) * 100);

test('add to basket, ask, accept pay in 3, and see the plan at checkout', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await addToBasket(page);

  const asking = await openWidget(page);
  await asking.getByRole('heading', { name: ASKING }).waitFor();
  await asking.getByRole('button', { name: 'Close', exact: true }).waitFor();
  assert.equal((await waitForEvent(page, 'open')).trigger, 'launcher');

  await page.getByRole('button', { name: 'Paying all at once is hard right now' }).click();
  const offer = page.getByRole('button', { name: PAY_IN_3 });
  await offer.waitFor();
  await page.getByRole('button', { name: 'No thanks', exact: true }).waitFor();
  const answered = await waitForEvent(page, 'answer');
  assert.equal(answered.frustration, 'paying_all_at_once');
  const offered = await waitForEvent(page, 'offer');
  assert.ok(offered.offers.includes('pay-in-3'), `offer event lists pay-in-3: ${JSON.stringify(offered)}`);

  await offer.click();
  const done = dialog(page, 'All set');
  await done.getByRole('heading', { name: 'All set' }).waitFor();
  await done.getByRole('button', { name: 'Done', exact: true }).waitFor();

  const accepted = await waitForEvent(page, 'accept');
  assert.equal(accepted.frustration, 'paying_all_at_once');
  assert.equal(accepted.offer.kind, 'payment_terms');
  assert.equal(accepted.offer.id, 'pay-in-3');
  assert.equal(accepted.offer.currency, 'GBP');
  const plan = accepted.offer.plan;
  assert.ok(Array.isArray(plan) && plan.length === 3, `a plan of 3 payments: ${JSON.stringify(plan)}`);
  assert.ok(plan.every((a) => Number.isInteger(a) && a > 0), `plan amounts are minor units: ${plan}`);
  const planSum = plan.reduce((s, a) => s + a, 0);
  assert.equal(planSum, accepted.offer.total, 'the plan adds up to the total the widget was given');
  assert.deepEqual([answered.type, offered.type, accepted.type], ['answer', 'offer', 'accept']);
  for (const e of [accepted, answered, offered]) {
    assert.match(e.id, /^[0-9a-f]{32}$/);
    assert.equal(e.page, '/index.html');
    assert.ok(Number.isInteger(e.at) && e.at > 1.6e12, `at is ms since epoch: ${e.at}`);
  }

  await done.getByRole('button', { name: 'Done', exact: true }).click();
  await waitFor(async () => (await dialog(page).count()) === 0 || !(await dialog(page).isVisible()), {
    message: 'the dialog to close after Done',
  });

  await page.getByRole('link', { name: /^Checkout/ }).click();
  await page.waitForURL(/checkout\.html$/);
  const applied = page.locator('#relief-applied');
  await applied.waitFor({ state: 'visible' });
  await applied.getByRole('heading', { name: 'Pay in 3 monthly instalments' }).waitFor();
  // The shop's own total is what the widget planned for: the cart total, delivery included.
  const shopTotal = minorUnits(await page.locator('[data-total="total"]').textContent());
  assert.equal(planSum, shopTotal, `plan ${plan} adds up to the checkout total ${shopTotal}`);
  const shown = await applied.locator('.plan-table tbody td.num').allTextContents();
  assert.deepEqual(shown.map((s) => s.trim()), plan.map(pounds), 'the checkout shows the plan as accepted');
  assertNoPageErrors(assert, page);
});

test('Escape closes the dialog and focus returns to the launcher', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await openWidget(page);
  await waitFor(
    () => dialog(page).evaluate((d) => d.contains(d.getRootNode().activeElement)),
    { message: 'focus to move into the dialog when it opens' },
  );

  await page.keyboard.press('Escape');
  await waitFor(async () => (await dialog(page).count()) === 0 || !(await dialog(page).isVisible()), {
    message: 'the dialog to close on Escape',
  });
  await waitFor(
    () => launcher(page).evaluate((el) => {
      const root = el.getRootNode();
      return root.activeElement === el && document.activeElement === root.host;
    }),
    { message: 'focus back on the launcher' },
  );
  const dismissed = await waitForEvent(page, 'dismiss');
  assert.equal(dismissed.stage, 'asking');
  assertNoPageErrors(assert, page);
});

test('"Something else" sends the typed text with the e-mail address redacted', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  const address = 'jane.doe@example.org';
  await openShop(page, server);
  await openWidget(page);

  await page.getByRole('button', { name: 'Something else', exact: true }).click();
  const box = page.getByRole('textbox', { name: /^What.s getting in the way\?$/ });
  await box.waitFor();
  await page.getByRole('button', { name: 'Back', exact: true }).waitFor();
  await box.fill(`The sizes run really small, please write to ${address} about it`);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  // Sizing is not among this shop's answers: rather than guess, the widget asks.
  await page.getByRole('dialog', { name: 'Thank you. Which of these is closest?' }).waitFor();
  await page.getByRole('button', { name: 'None of these', exact: true }).click();

  const answer = await waitForEvent(page, 'answer');
  assert.equal(answer.frustration, 'other');
  assert.equal(answer.category, 'sizing', 'the shop still learns what it was about');
  assert.equal(typeof answer.text, 'string');
  assert.ok(answer.text.includes('[email]'), `redacted text has [email]: ${answer.text}`);
  assert.ok(!answer.text.includes(address) && !answer.text.includes('jane.doe'), `no address: ${answer.text}`);

  // What left the browser (the collector) and what waits in storage carry no address either.
  const delivered = await waitFor(
    () => server.received().events.find((e) => e.id === answer.id),
    { message: 'the answer event at the collector' },
  );
  assert.equal(delivered.text, answer.text);
  assert.ok(!JSON.stringify(server.received()).includes('jane.doe'));
  const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  assert.ok(!stored.includes('jane.doe'), 'localStorage holds no address');
  const seen = JSON.stringify(await reliefEvents(page));
  assert.ok(!seen.includes('jane.doe'), 'no host event carries the address');
  assertNoPageErrors(assert, page);
});

test('words typed in "Something else" are understood on the device and pick the relief', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await openShop(page, server);
  await addToBasket(page);
  await openWidget(page);
  assert.ok(!requested.some((u) => u.includes('relief_understand')), 'the text understanding is not loaded before it is needed');

  await page.getByRole('button', { name: 'Something else', exact: true }).click();
  await page.getByRole('textbox', { name: /^What.s getting in the way\?$/ }).fill('honestly I just cant pay the whole lot in one go this month');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('button', { name: /^Pay in 3 monthly instalments/ }).waitFor();

  const answer = await waitForEvent(page, 'answer');
  assert.equal(answer.frustration, 'paying_all_at_once');
  assert.equal(answer.category, 'paying_all_at_once');
  assert.ok(answer.confidence >= 60, `confident: ${answer.confidence}`);
  assert.ok(requested.some((u) => u.endsWith('relief_understand.en.bin')), 'the model of the page\'s language loaded when the visitor wrote');
  assertNoPageErrors(assert, page);
});

test('when the understanding\'s model cannot be fetched, the widget asks instead of guessing', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  let asked = 0;
  // An error page where the model should be: its bytes are not a model, and nothing is guessed from them.
  await page.route('**/relief_understand.*.bin', (route) => {
    asked += 1;
    return route.fulfill({ status: 404, contentType: 'text/html', body: '<!doctype html><title>Not found</title>' });
  });
  await openShop(page, server);
  await addToBasket(page);
  await openWidget(page);

  await page.getByRole('button', { name: 'Something else', exact: true }).click();
  await page.getByRole('textbox', { name: /^What.s getting in the way\?$/ }).fill('honestly I just cant pay the whole lot in one go this month');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('dialog', { name: 'Thank you. Which of these is closest?' }).waitFor();
  assert.equal(asked, 1, 'the model was asked for once');
  await page.getByRole('button', { name: /^Paying all at once/ }).click();
  await page.getByRole('button', { name: /^Pay in 3 monthly instalments/ }).waitFor();

  const answer = await waitForEvent(page, 'answer');
  assert.equal(answer.frustration, 'paying_all_at_once');
  assert.equal(answer.category, undefined, 'no category was guessed');
  assertNoPageErrors(assert, page);
});

test('a model the network failed to bring is fetched again the next time the visitor writes', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  let asked = 0;
  await page.route('**/relief_understand.*.bin', (route) => (++asked === 1 ? route.abort('connectionfailed') : route.continue()));
  await openShop(page, server);
  await addToBasket(page);
  const write = async () => {
    await openWidget(page);
    await page.getByRole('button', { name: 'Something else', exact: true }).click();
    await page.getByRole('textbox', { name: /^What.s getting in the way\?$/ }).fill('honestly I just cant pay the whole lot in one go this month');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
  };

  await write();
  await page.getByRole('dialog', { name: 'Thank you. Which of these is closest?' }).waitFor();
  await page.keyboard.press('Escape');
  await write();
  await page.getByRole('button', { name: /^Pay in 3 monthly instalments/ }).waitFor();
  assert.equal(asked, 2, 'the model was asked for again');
  const answer = await waitForEvent(page, 'answer');
  assert.equal(answer.category, 'paying_all_at_once');
  assertNoPageErrors(assert, page);
});

test('"No thanks" shows the thank-you', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await openWidget(page);

  await page.getByRole('button', { name: 'Delivery costs too much' }).click();
  const noThanks = page.getByRole('button', { name: 'No thanks', exact: true });
  await noThanks.waitFor();
  await noThanks.click();
  const thanks = dialog(page, 'Thank you for telling us');
  await thanks.getByRole('heading', { name: 'Thank you for telling us' }).waitFor();
  await thanks.getByRole('button', { name: 'Done', exact: true }).waitFor();
  assert.deepEqual(await reliefEvents(page, 'accept'), [], 'nothing was accepted');
  assertNoPageErrors(assert, page);
});
