// A shop's broken config: every problem is named with its field path, the rest keeps working, and
// the shop itself is untouched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT, addToBasket, assertNoPageErrors, basketCount, launcher, openShop, openWidget, setUp, waitFor,
  waitForEvent,
} from './helpers.mjs';

const BROKEN = {
  shop: 'Fern & Field',
  endpoint: '/collect',
  colour: 'hotpink', // unknown top-level field
  offers: [
    { id: 'pay-in-0', kind: 'payment_terms', instalments: 0, answers: ['paying_all_at_once'] },
    { kind: 'discount', percent: 5, code: 'NOID', answers: ['paying_all_at_once'] }, // no id
    { id: 'small-deposit', kind: 'deposit', percent: 20, answers: ['paying_all_at_once'] }, // fine
  ],
};
const EXPECTED_PATHS = ['offers[0].instalments', 'colour', 'offers[1].id'];
const PREFIX = '[relief] config: ';

test('a broken config is reported field by field and the rest still works', { timeout: TEST_TIMEOUT }, async (t) => {
  const { server, newPage } = await setUp(t);
  const page = await newPage();
  await page.addInitScript((config) => { window.reliefConfig = config; }, BROKEN);
  await openShop(page, server);
  // The widget loads, and checks its config, when the visitor reaches for the launcher.
  await launcher(page).hover();

  const error = await waitForEvent(page, 'error', (d) => Array.isArray(d.problems));
  const problems = error.problems;
  assert.match(error.id, /^[0-9a-f]{32}$/);
  for (const p of problems) {
    assert.equal(typeof p.path, 'string', `problem has a path: ${JSON.stringify(p)}`);
    assert.equal(typeof p.reason, 'string', `problem has a reason: ${JSON.stringify(p)}`);
    assert.ok(p.reason.length > 0);
  }
  const paths = problems.map((p) => p.path);
  for (const path of EXPECTED_PATHS) {
    assert.ok(paths.includes(path), `relief:error names ${path}; got ${JSON.stringify(paths)}`);
  }
  assert.equal(
    (await page.evaluate(() => window.__reliefEvents
      .filter((e) => e.type === 'relief:error' && Array.isArray(e.detail?.problems)).length)),
    1,
    'exactly one relief:error event with the config problems',
  );

  // One console.error per problem: "[relief] config: <path>: <reason>".
  const configErrors = await waitFor(() => {
    const lines = page.consoleErrors.filter((l) => l.startsWith(PREFIX));
    return lines.length >= problems.length && lines;
  }, { message: 'one console error per config problem' });
  for (const path of EXPECTED_PATHS) {
    assert.ok(
      configErrors.some((l) => l.startsWith(`${PREFIX}${path}: `)),
      `a console error for ${path}; got:\n${configErrors.join('\n')}`,
    );
  }
  for (const p of problems) {
    assert.ok(configErrors.includes(`${PREFIX}${p.path}: ${p.reason}`), `console error for ${JSON.stringify(p)}`);
  }
  assert.equal(configErrors.length, problems.length, `one console error per problem:\n${configErrors.join('\n')}`);

  // The shop is untouched.
  const before = await basketCount(page);
  await addToBasket(page);
  assert.equal(await basketCount(page), before + 1);

  // The widget still opens, and the valid offer is still offered; the invalid ones are not.
  await openWidget(page);
  await page.getByRole('button', { name: 'Paying all at once is hard right now' }).click();
  await page.getByRole('button', { name: /^Pay a smaller deposit now/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Pay in \d/ }).count(), 0, 'no offer from the broken entry');
  assert.equal(await page.getByRole('button', { name: /5% off/ }).count(), 0, 'no offer without an id');
  assertNoPageErrors(assert, page);
});
