// The whole loop with the real collector (target/debug/relief-collector, built by `cargo test -p
// relief-collector` in ./build.sh test): the demo shop served by the collector, events stored in SQLite.
// Faults: the collector is killed with SIGKILL while the page is sending and started again on the same
// file; every event the visitor produced is stored exactly once. Then the dashboard: a login, charts,
// hostile text shown as text, an empty state, and screenshots at laptop and phone sizes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';
import {
  CHROMIUM, CHROMIUM_ARGS, REPO, TEST_TIMEOUT, WIDGET_TIMEOUT, addToBasket, assertNoPageErrors, dialog, openShop,
  openWidget, recordReliefEvents, reliefEvents, waitFor,
} from './helpers.mjs';

const BIN = process.env.RELIEF_COLLECTOR ?? join(REPO, 'target/debug/relief-collector');
const TOKEN = 'e2e-dashboard-token-0123456789';
const DELIVERED = ['relief:answer', 'relief:offer', 'relief:accept', 'relief:dismiss'];
const SHOTS = join(REPO, 'target/screenshots');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts the collector on `port` with `db`; resolves once it listens. `stop()` sends SIGTERM. */
async function startCollector(port, db, extra = []) {
  assert.ok(existsSync(BIN), `${BIN} is missing: run cargo build -p relief-collector (./build.sh test does)`);
  const args = ['--listen', `127.0.0.1:${port}`, '--db', db, '--www', join(REPO, 'www'), '--token', TOKEN, ...extra];
  const child = spawn(BIN, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitFor(() => output.includes('listening on') || child.exitCode !== null, { timeout: 20_000, message: 'the collector to listen' });
  assert.equal(child.exitCode, null, `the collector exited:\n${output}`);
  return {
    url: `http://127.0.0.1:${port}/`,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    output: () => output,
  };
}

async function stored(collector) {
  const now = Date.now();
  const response = await fetch(`${collector.url}dashboard/export.ndjson?from=${now - 86_400_000}&to=${now + 86_400_000}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(response.status, 200);
  return (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

async function setUp(t) {
  const dir = await mkdtemp(join(tmpdir(), 'relief-collector-e2e-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const collectors = [];
  t.after(async () => {
    await browser.close().catch(() => {});
    for (const c of collectors) await c.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });
  async function newPage(options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    context.setDefaultTimeout(WIDGET_TIMEOUT);
    await context.addInitScript(recordReliefEvents);
    const page = await context.newPage();
    page.consoleErrors = [];
    page.pageErrors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') page.consoleErrors.push(msg.text()); });
    page.on('pageerror', (err) => page.pageErrors.push(String(err?.stack ?? err)));
    return page;
  }
  const start = async (port, db, extra) => {
    const c = await startCollector(port, db, extra);
    collectors.push(c);
    return c;
  };
  return { dir, newPage, start };
}

/** One conversation: open, pick `frustration`, say no thanks to any offer, done. */
async function converse(page, frustration, { beforeFinishing = async () => {} } = {}) {
  await openWidget(page);
  await page.getByRole('button', { name: frustration }).click();
  await beforeFinishing();
  const noThanks = page.getByRole('button', { name: 'No thanks', exact: true });
  const done = page.getByRole('button', { name: 'Done', exact: true });
  await noThanks.or(done).first().waitFor();
  if (await noThanks.isVisible()) await noThanks.click();
  await done.click();
  await dialog(page).waitFor({ state: 'hidden' });
}

const delivered = async (page) => (await reliefEvents(page)).filter((e) => DELIVERED.includes(e.type)).map((e) => e.detail);

test('killed while the page is sending, restarted: every event stored exactly once', { timeout: TEST_TIMEOUT }, async (t) => {
  const { dir, newPage, start } = await setUp(t);
  const port = await freePort();
  const db = join(dir, 'relief.sqlite');
  let collector = await start(port, db);
  const page = await newPage();
  await openShop(page, collector);
  await addToBasket(page);

  await converse(page, 'Delivery costs too much');
  const first = (await delivered(page)).length;
  await waitFor(async () => (await stored(collector)).length === first, { message: 'the first conversation stored' });

  // SIGKILL right after the visitor's click: the answer's request is in flight or about to be.
  const dead = collector;
  await converse(page, "I'm worried about returns", { beforeFinishing: () => dead.kill('SIGKILL') });
  await converse(page, 'Paying all at once is hard right now');
  const queued = await page.evaluate(() => localStorage.getItem('relief:outbox') ?? '');
  assert.ok(queued.includes('"type":"answer"'), 'events wait in the outbox while the collector is down');

  collector = await start(port, db);
  await converse(page, 'The site is confusing');

  const produced = await delivered(page);
  assert.equal(produced.filter((e) => e.type === 'answer').length, 4, `four answers: ${produced.map((e) => e.type)}`);
  const ids = produced.map((e) => e.id).sort();
  const rows = await waitFor(async () => {
    const got = await stored(collector);
    return ids.every((id) => got.some((e) => e.id === id)) && got;
  }, { timeout: 90_000, interval: 250, message: 'every event the visitor produced in the store' });
  assert.deepEqual(rows.map((e) => e.id).sort(), ids, 'exactly the visitor\'s events, each once');
  for (const e of produced) {
    const row = rows.find((r) => r.id === e.id);
    assert.equal(row.type, e.type, `event ${e.id} stored as ${e.type}`);
    assert.equal(row.page, e.page);
  }
  await waitFor(async () => !(await page.evaluate(() => localStorage.getItem('relief:outbox'))), {
    timeout: 30_000, message: 'the outbox to empty once everything is stored',
  });
  assertNoPageErrors(assert, page);
});

test('two tabs share one outbox and send each event once', { timeout: TEST_TIMEOUT }, async (t) => {
  const { dir, newPage, start } = await setUp(t);
  // The shop on a server of its own, so pages still load while the collector is down; the widget
  // sends across origins, which the collector allows for this shop only.
  const shop = await startServer({ port: 0, quiet: true });
  t.after(() => shop.close());
  const port = await freePort();
  const db = join(dir, 'relief.sqlite');
  const allow = ['--origin', shop.url.replace(/\/$/, '')];
  let collector = await start(port, db, allow);
  const config = JSON.parse(await readFile(join(REPO, 'www/demo-config.json'), 'utf8'));
  config.endpoint = `${collector.url}v1/events`;
  const first = await newPage();
  await first.context().addInitScript((c) => { window.reliefConfig = c; }, config);
  await openShop(first, shop);
  await addToBasket(first);
  // The collector goes away; the first tab's events wait in the shared outbox.
  await collector.kill('SIGKILL');
  await converse(first, 'Delivery costs too much');
  // A second tab starts delivering too, with the first tab's events in its queue.
  const second = await first.context().newPage();
  await openShop(second, shop);
  await converse(second, "I'm worried about returns");
  const produced = [...(await delivered(first)), ...(await delivered(second))];
  const ids = produced.map((e) => e.id).sort();

  collector = await start(port, db, allow);
  await waitFor(async () => (await stored(collector)).length >= ids.length, { timeout: 90_000, interval: 250, message: 'both tabs\' events stored' });
  assert.deepEqual((await stored(collector)).map((e) => e.id).sort(), ids);
  await new Promise((r) => setTimeout(r, 2000)); // a late request from the other tab would show now
  const log = collector.output();
  assert.match(log, /collect: [1-9]/, 'the restarted collector received them');
  assert.doesNotMatch(log, /[1-9]\d* repeats/, `one tab sent, the other found its events gone:\n${log}`);
});

/** A week of answers, offers and accepts, with hostile text among them. */
function seedEvents(now) {
  const day = 86_400_000;
  const frustrations = ['delivery_cost', 'delivery_cost', 'paying_all_at_once', 'returns', 'delivery_cost', 'cant_find', 'confusing', 'other'];
  const triggers = ['"launcher"', '"launcher"', '{"detector":"exit_intent","reason":"exit_intent: fast to the top"}',
    '{"detector":"hesitation","reason":"hesitation: idle at checkout"}', '"api"', '{"detector":"rage_click","reason":"rage_click: 4 clicks"}'];
  const offers = { delivery_cost: ['bonus', 'thanks5'], paying_all_at_once: ['pay-in-3', 'small-deposit'], returns: ['free-returns'], cant_find: ['call-me'], confusing: ['call-me', 'talk'], other: ['call-me'] };
  const pages = ['/checkout.html', '/checkout.html', '/index.html', '/checkout.html', '/basket', '/plants/boston-fern'];
  const words = ['The delivery is more than the plant itself', 'Is there a way to pay in parts? Email me at jo@example.com',
    '<img src=x onerror="window.__xss=1">I could not find the pot size', 'Where is the returns policy?',
    '<script>window.__xss=2</script>Too many steps at checkout', 'Call me on +44 20 7946 0958 please'];
  const events = [];
  let n = 0;
  const id = () => (++n).toString(16).padStart(32, '0');
  for (let i = 0; i < 60; i += 1) {
    const at = now - Math.floor(((i * 7919) % 1000) / 1000 * 6 * day) - 60_000;
    const frustration = frustrations[(i * 3 + Math.floor(i / 9)) % frustrations.length];
    const page = pages[(i * 5) % pages.length];
    const text = frustration === 'other' || i % 7 === 0 ? `,"text":${JSON.stringify(words[i % words.length])}` : '';
    events.push(`{"id":"${id()}","type":"answer","at":${at},"page":"${page}","frustration":"${frustration}"${text},"trigger":${triggers[i % triggers.length]}}`);
    const shown = offers[frustration];
    events.push(`{"id":"${id()}","type":"offer","at":${at + 1000},"page":"${page}","frustration":"${frustration}","offers":${JSON.stringify(shown)}}`);
    if (i % 3 !== 2) {
      const offer = shown[i % shown.length];
      const kind = { bonus: 'bonus_goods', thanks5: 'discount', 'pay-in-3': 'payment_terms', 'small-deposit': 'deposit', 'free-returns': 'free_return_postage', 'call-me': 'callback', talk: 'human_help' }[offer];
      events.push(`{"id":"${id()}","type":"accept","at":${at + 5000},"page":"${page}","frustration":"${frustration}","offer":{"id":"${offer}","kind":"${kind}"}}`);
    } else {
      events.push(`{"id":"${id()}","type":"dismiss","at":${at + 5000},"page":"${page}","stage":"offering","reason":"no_thanks"}`);
    }
  }
  return `[${events.join(',')}]`;
}

test('the dashboard: sign in, charts, hostile text shown as text, screenshots, empty state', { timeout: TEST_TIMEOUT }, async (t) => {
  const { dir, newPage, start } = await setUp(t);
  const collector = await start(await freePort(), join(dir, 'relief.sqlite'));
  const page = await newPage({ reducedMotion: 'reduce' });
  const violations = [];
  page.on('console', (msg) => { if (/Content.Security.Policy|Refused to/i.test(msg.text())) violations.push(msg.text()); });

  // Empty first.
  await page.goto(`${collector.url}dashboard`);
  await page.getByLabel('Dashboard token').fill('not the token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That token is not right.').waitFor();
  await page.getByLabel('Dashboard token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Nothing in this range yet' }).waitFor();
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'dashboard-empty-1280.png') });

  const seeded = await fetch(`${collector.url}v1/events`, { method: 'POST', body: seedEvents(Date.now()) });
  assert.equal(seeded.status, 200, await seeded.text());
  await page.reload();
  await page.locator('body[data-loaded="true"]').waitFor();
  await page.getByRole('heading', { name: 'Top frustrations' }).waitFor();
  assert.equal(await page.locator('#empty').isVisible(), false);
  assert.equal(await page.locator('#t-answers').textContent(), '60');
  // Every chart drew on its canvas (Chart.js sets the canvas size when it renders).
  for (const id of ['chart-top', 'chart-trend', 'chart-moments', 'chart-relief', 'chart-pages']) {
    const drawn = await page.evaluate((id) => window.Chart?.getChart(id)?.data.datasets.length ?? 0, id);
    assert.ok(drawn > 0, `${id} has data`);
  }
  // Hostile verbatims are text: nothing ran, no element was made from them, contact details are gone.
  const quotes = await page.locator('#verbatims blockquote').allTextContents();
  assert.ok(quotes.some((q) => q.includes('<img src=x onerror="window.__xss=1">')), quotes.join('\n'));
  assert.ok(quotes.some((q) => q.includes('<script>window.__xss=2</script>')), quotes.join('\n'));
  assert.ok(!quotes.some((q) => q.includes('jo@example.com') || q.includes('7946')), 'redacted');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('#verbatims img, #verbatims script').count(), 0);
  await page.screenshot({ path: join(SHOTS, 'dashboard-1280.png'), fullPage: true });

  // A 30-day range from the picker, and the exports follow it.
  await page.getByRole('button', { name: '30 days' }).click();
  await waitFor(async () => (await page.getByRole('button', { name: '30 days' }).getAttribute('aria-pressed')) === 'true');
  const csv = await page.locator('#csv').getAttribute('href');
  const exported = await page.evaluate(async (href) => (await fetch(href)).text(), csv);
  assert.equal(exported.split('\r\n').filter(Boolean).length, 181, 'a header and 180 events');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.locator('body[data-loaded="true"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
  await page.screenshot({ path: join(SHOTS, 'dashboard-390.png'), fullPage: true });
  await page.screenshot({ path: join(SHOTS, 'dashboard-390-top.png') });
  await page.locator('article', { has: page.getByRole('heading', { name: 'Relief offered → accepted' }) }).screenshot({ path: join(SHOTS, 'dashboard-390-relief.png') });

  assert.deepEqual(violations, [], 'no Content-Security-Policy violations');
  assertNoPageErrors(assert, page);
});
