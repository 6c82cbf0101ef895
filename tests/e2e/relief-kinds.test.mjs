// Every kind of relief, accepted through the widget on the demo checkout, is applied by the shop; a
// discount's single-use code comes from the demo server's /codes, and its failure is said kindly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT, addToBasket, assertNoPageErrors, dialog, openShop, openWidget, reliefEvents, setUp, waitFor,
  waitForEvent,
} from './helpers.mjs';

const PAYING = 'Paying all at once is hard right now';
const DELIVERY = 'Delivery costs too much';

/** Open the widget, pick `frustration`, accept the offer whose name starts with `offer`. */
async function accept(page, frustration, offer) {
  await openWidget(page);
  await page.getByRole('button', { name: frustration, exact: true }).click();
  await page.getByRole('button', { name: offer }).click();
}

/** Wait for "All set", close it with Done, and return the newest accept event. */
async function done(page, count) {
  const allSet = dialog(page, 'All set');
  await allSet.getByRole('button', { name: 'Done', exact: true }).click();
  const accepts = await waitFor(async () => {
    const list = await reliefEvents(page, 'accept');
    return list.length === count && list;
  }, { message: `accept event number ${count}` });
  return accepts[count - 1];
}

async function applied(page, kind) {
  const item = page.locator(`#relief-applied li[data-kind="${kind}"]`);
  await item.waitFor({ state: 'visible' });
  return item;
}

test('the demo checkout applies each kind accepted through the widget', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await addToBasket(page); // a Boston Fern, £32.00 + £4.95 delivery
  await openShop(page, server, 'checkout.html');
  let n = 0;

  await accept(page, PAYING, /^Pay in 3 monthly instalments/);
  const terms = (await done(page, ++n)).offer;
  assert.equal(terms.kind, 'payment_terms');
  assert.equal(terms.plan.reduce((s, a) => s + a, 0), terms.payable);
  assert.equal(terms.payable, terms.total, 'pay in 3 costs nothing extra');
  assert.equal(terms.cost, 0);
  assert.equal((await (await applied(page, 'payment_terms')).locator('.plan-table tbody tr').count()), 3);

  await accept(page, PAYING, /^Pay a smaller deposit now/);
  const deposit = (await done(page, ++n)).offer;
  assert.equal(deposit.deposit + deposit.rest, deposit.total);
  assert.equal(deposit.deposit, 1000, 'the £10 floor is above 20% of £36.95');
  assert.match(await (await applied(page, 'deposit')).textContent(), /Pay £10\.00 now, £26\.95 on delivery/);

  await accept(page, 'I\'m worried about returns', /^Free return postage/);
  assert.equal((await done(page, ++n)).offer.method, 'qr');
  assert.match(await (await applied(page, 'free_return_postage')).textContent(), /QR code/);

  await accept(page, DELIVERY, /^10% more, on us/);
  const bonus = (await done(page, ++n)).offer;
  assert.deepEqual(bonus.applies_to, ['boston-fern']);
  assert.match(await (await applied(page, 'bonus_goods')).textContent(), /\+1 × Boston Fern/);

  await accept(page, DELIVERY, /^5% off your order/);
  const discount = (await done(page, ++n)).offer;
  assert.equal(discount.code_url, '/codes');
  assert.deepEqual(server.codes().map((c) => c.code), [discount.code], 'the code is the one the server issued');
  assert.equal(discount.saving, Math.floor((discount.total * 5 + 50) / 100));
  await applied(page, 'discount');
  assert.equal(await page.locator('[data-discount-code]').textContent(), discount.code);

  await accept(page, 'I can\'t find what I need', /^Have someone call you back/);
  const form = dialog(page, 'How can we reach you?');
  await form.getByRole('textbox', { name: 'Your name (optional)' }).fill('Ana');
  await form.getByRole('textbox', { name: 'Phone or email' }).fill('ana@example.com');
  await form.getByRole('combobox', { name: 'When suits you?' }).selectOption('morning');
  await form.getByRole('button', { name: 'Request a callback' }).click();
  // Without the consent line ticked nothing is accepted, and what was typed stays.
  await form.getByText('Please tick the box so we may contact you.').waitFor();
  assert.equal((await reliefEvents(page, 'accept')).length, n);
  assert.equal(await form.getByRole('textbox', { name: 'Phone or email' }).inputValue(), 'ana@example.com');
  await form.getByRole('checkbox', { name: 'Yes, you may contact me about this.' }).check();
  await form.getByRole('button', { name: 'Request a callback' }).click();
  await dialog(page, 'All set').getByText('in the morning').waitFor();
  const callback = (await done(page, ++n)).offer;
  assert.deepEqual([callback.contact, callback.name, callback.time, callback.consent], ['ana@example.com', 'Ana', 'morning', true]);
  assert.match(await (await applied(page, 'callback')).textContent(), /Ana, we’ll email you at ana@example\.com, in the morning/);

  // On the checkout, "confusing" puts the checkout's phone line first (priority, pages).
  await openWidget(page);
  await page.getByRole('button', { name: 'The site is confusing', exact: true }).click();
  const offered = await waitFor(async () => (await reliefEvents(page, 'offer')).at(-1)?.offers?.[0] === 'checkout-phone'
    && (await reliefEvents(page, 'offer')).at(-1), { message: 'the checkout phone offered first' });
  assert.deepEqual(offered.offers, ['checkout-phone', 'call-me', 'talk']);
  await page.getByRole('button', { name: /^Email our team/ }).click();
  assert.equal((await done(page, ++n)).offer.url, 'mailto:hello@example.com');
  await applied(page, 'human_help');

  // Deposit replaced the instalments (both answer "how do I pay?"); every other kind is there.
  const kinds = await page.locator('#relief-applied li[data-kind]').evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.deepEqual(kinds.sort(), ['bonus_goods', 'callback', 'deposit', 'discount', 'free_return_postage', 'human_help']);
  assertNoPageErrors(assert, page);
});

test('a code_url discount asks the demo server for a single-use code; a failure is said kindly', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await addToBasket(page);
  // The config in the page carries no code to harvest.
  const config = await (await page.request.get(new URL('demo-config.json', server.url).href)).json();
  assert.equal(config.offers.find((o) => o.id === 'thanks5').code, undefined);

  server.setCodesUp(false);
  await accept(page, DELIVERY, /^5% off your order/);
  const sorry = dialog(page, 'Sorry, we couldn\'t get your code');
  await sorry.getByText('You can try again, or choose something else.').waitFor();
  assert.deepEqual(await reliefEvents(page, 'accept'), [], 'nothing accepted without a code');

  // Something else: back to the offers.
  await sorry.getByRole('button', { name: 'Choose something else' }).click();
  await page.getByRole('button', { name: /^5% off your order/ }).click();
  await sorry.waitFor();

  server.setCodesUp(true);
  await sorry.getByRole('button', { name: 'Try again', exact: true }).click();
  const accepted = await waitForEvent(page, 'accept');
  const issued = server.codes();
  assert.equal(issued.length, 1);
  assert.deepEqual(issued[0], { code: accepted.offer.code, offer: 'thanks5', total: accepted.offer.total, currency: 'GBP' });
  await dialog(page, 'All set').getByText(`Your code is ${accepted.offer.code}.`).waitFor();
  await dialog(page, 'All set').getByRole('button', { name: 'Done', exact: true }).click();

  // Each accept gets its own code.
  await accept(page, DELIVERY, /^5% off your order/);
  const second = await waitFor(async () => (await reliefEvents(page, 'accept'))[1], { message: 'a second accept' });
  assert.notEqual(second.offer.code, accepted.offer.code);
  assert.equal(server.codes().length, 2);
  assertNoPageErrors(assert, page);
});

test('offers follow setCart live, and an APR is shown with the total payable', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await openShop(page, server);
  await addToBasket(page);
  await openWidget(page);
  await page.getByRole('button', { name: PAYING, exact: true }).click();
  await page.getByRole('button', { name: /^Pay in 3 monthly instalments/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Pay in 12 monthly instalments/ }).count(), 0);

  await page.evaluate(() => window.ReliefWidget.setCart({ total: 20000, currency: 'GBP', items: [] }));
  const finance = page.getByRole('button', { name: /^Pay in 12 monthly instalments/ });
  await finance.waitFor();
  const text = await finance.textContent();
  assert.match(text, /19\.9% APR: £\d+\.\d\d interest, £\d+\.\d\d in total\./, text);
  const offered = await waitFor(async () => (await reliefEvents(page, 'offer')).length === 2 && (await reliefEvents(page, 'offer'))[1]);
  assert.deepEqual(offered.offers, ['pay-in-3', 'pay-in-12', 'small-deposit']);

  await finance.click();
  const accepted = (await waitForEvent(page, 'accept')).offer;
  assert.equal(accepted.apr, 1990);
  assert.equal(accepted.plan.length, 12);
  assert.equal(accepted.plan.reduce((s, a) => s + a, 0), accepted.payable);
  assert.ok(accepted.cost > 0 && accepted.payable === accepted.total + accepted.cost);
  assert.match(text, new RegExp(`£${(accepted.payable / 100).toFixed(2)} in total`));
  assertNoPageErrors(assert, page);
});
