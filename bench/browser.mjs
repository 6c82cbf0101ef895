// Browser benchmark (issue 8, "Fast and light"), run by `./build.sh bench` after `relief bench`.
//
// Headless Chromium (playwright-core, the Debian build), the built demo (www/dist/) and, in the same run,
// a well-known survey widget from npm (SurveyJS: survey-core + survey-js-ui, a popup survey with the same
// question and answers, bench/peer/peer.js) on a copy of the same product page. Cold loads alternate
// between the two, each in a fresh browser context (empty cache and storage). Prints:
//   - per widget, the median of BENCH_RUNS (≥ 15) cold loads: navigation start → ready, click → dialog
//     visible, long tasks (≥ 50 ms) caused by the widget during load and open, bytes before any
//     interaction and to open the dialog, JS heap and wasm memory after a full flow; with the ratio;
//   - what each loads, per file: raw, gzip -9, brotli -q 11 (computed here with node's zlib);
//   - memory over 2 × BENCH_CYCLES (100) open/answer/close rounds in one page. Exits 1 when the relief
//     widget's JS heap or wasm memory grows by more than 10 % over the second hundred (the first shows
//     the high-water mark of events queued faster than they are delivered).
//
// No network but loopback: the page is served by tools/serve.mjs from a temporary folder (links to www/,
// the generated peer page and the peer's files from node_modules), and Chromium resolves no host names.
//
//   node bench/browser.mjs            (BENCH_RUNS=15 BENCH_CYCLES=100 by default; CHROMIUM=/usr/bin/chromium)

import { cp, mkdtemp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS as TEST_ARGS } from '../tests/e2e/helpers.mjs';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CHROMIUM_ARGS = [
  ...TEST_ARGS,
  // Loopback only: the page is served from 127.0.0.1 and no host name resolves.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
const RUNS = positiveInt('BENCH_RUNS', 15);
const CYCLES = positiveInt('BENCH_CYCLES', 100);
const BARE_RUNS = 5;
const MAX_GROWTH = 0.10;
const STEP_TIMEOUT = 20_000;
const QUIET_MS = 500;

const RELIEF_TAG = '<script src="dist/relief.js" async data-config="demo-config.json"></script>';
const PEER_FILES = {
  'survey.core.min.js': 'node_modules/survey-core/survey.core.min.js',
  'survey-js-ui.min.js': 'node_modules/survey-js-ui/survey-js-ui.min.js',
  // The fontless build: the default one loads Open Sans from a font CDN.
  'survey-core.fontless.min.css': 'node_modules/survey-core/survey-core.fontless.min.css',
  'peer.js': 'bench/peer/peer.js',
};
const PEER_HEAD = '  <link rel="stylesheet" href="peer/survey-core.fontless.min.css">\n</head>';
const PEER_TAGS = [
  '<script src="peer/survey.core.min.js" defer></script>',
  '  <script src="peer/survey-js-ui.min.js" defer></script>',
  '  <script src="peer/peer.js" defer></script>',
].join('\n');

const ANSWER = 'Paying all at once is hard right now';

/**
 * The two widgets: their page, which of its requests are the widget's files (the shop's config and embed
 * code are listed, not counted), and how a visitor opens, answers and closes each.
 */
const KINDS = {
  relief: {
    label: 'relief',
    page: 'index.html',
    isWidget: (path) => path.startsWith('/dist/'),
    isConfig: (path) => path === '/demo-config.json',
    // The scripts a long task is blamed on when they ran in it.
    isWidgetScript: (path) => path.startsWith('/dist/'),
    open: (page) => page.getByRole('button', { name: 'Need a hand?', exact: true }).click(),
    async fullFlow(page) {
      await page.getByRole('button', { name: ANSWER, exact: true }).click();
      await page.getByRole('button', { name: /^Pay in 3 monthly instalments/ }).click();
      await page.getByRole('heading', { name: 'All set' }).waitFor();
      await page.getByRole('button', { name: 'Done', exact: true }).click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
    },
    // One round in the page, through the widget's own buttons: open, answer, close.
    cycle: async ({ cycles, answer }) => {
      const root = document.querySelector('relief-widget').shadowRoot;
      const panel = () => root.querySelector('[role=dialog]');
      const button = (text) => [...root.querySelectorAll('button')].find((b) => b.textContent.startsWith(text));
      for (let i = 0; i < cycles; i += 1) {
        root.querySelector('.launcher').click();
        await window.__benchUntil(() => button(answer), 'the asking dialog');
        button(answer).click();
        await window.__benchUntil(() => button('Pay in 3 monthly instalments'), 'the offers');
        root.querySelector('[data-action=close]').click();
        await window.__benchUntil(() => panel().hidden, 'the dialog to close');
      }
    },
  },
  peer: {
    label: 'peer (SurveyJS)',
    page: 'peer.html',
    isWidget: (path) => path.startsWith('/peer/') && path !== '/peer/peer.js',
    isConfig: (path) => path === '/peer/peer.js',
    isWidgetScript: (path) => path.startsWith('/peer/'),
    open: (page) => page.locator('.sv_window_button_collapse').click(),
    async fullFlow(page) {
      await page.getByText(ANSWER, { exact: true }).click();
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByText('Thank you for telling us').waitFor();
      await page.locator('.sv_window_button_close').click();
      await page.locator('.sv_window').waitFor({ state: 'detached' });
    },
    // One round in the page, through the popup's own buttons: expand, answer, minimise; then the
    // survey is cleared for the next round.
    cycle: async ({ cycles }) => {
      const toggle = () => document.querySelector('.sv_window_button_collapse');
      const expanded = () => document.querySelector('.sv_window:not(.sv_window--collapsed)');
      const choice = () => document.querySelector('.sv_window input[value=paying_all_at_once]');
      for (let i = 0; i < cycles; i += 1) {
        toggle().click();
        await window.__benchUntil(() => expanded() && choice(), 'the expanded popup');
        choice().click();
        await window.__benchUntil(() => window.peerSurvey.data.frustration === 'paying_all_at_once', 'the answer');
        toggle().click();
        await window.__benchUntil(() => !expanded(), 'the popup to collapse');
        window.peerSurvey.clear(true, true);
      }
    },
  },
};

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    console.error(`bench: ${name} must be 1..1000, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// In the page (an init script, before any page script): timings, long tasks and long animation frames.

function instrument(kind) {
  const m = {
    ready: null,
    launcherPainted: null,
    pointerAt: null,
    clickAt: null,
    dialogPainted: null,
    longtasks: [],
    loafs: [],
    armed: false,
  };
  window.__bench = m;
  /** Resolves once `fn()` is truthy, checked every animation frame; rejects after 5 s. */
  window.__benchUntil = (fn, what) => new Promise((resolve, reject) => {
    const until = performance.now() + 5000;
    const frame = () => {
      if (fn()) resolve();
      else if (performance.now() > until) reject(new Error('timed out waiting for ' + what));
      else requestAnimationFrame(frame);
    };
    frame();
  });
  const visible = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const launcher = kind === 'relief'
    ? () => document.querySelector('relief-widget')?.shadowRoot?.querySelector('.launcher')
    : () => document.querySelector('.sv_window_header');
  const dialog = kind === 'relief'
    ? () => {
      const panel = document.querySelector('relief-widget')?.shadowRoot?.querySelector('[role=dialog]');
      return panel && [...panel.querySelectorAll('button')].some((b) => b.textContent === 'Paying all at once is hard right now') ? panel : null;
    }
    : () => [...document.querySelectorAll('.sv_window:not(.sv_window--collapsed) .sd-item__control-label')]
      .find((l) => l.textContent === 'Paying all at once is hard right now');
  /** The first animation frame at which `find()` is visible, into m[key]; gives up after 60 s. */
  const watch = (key, find) => {
    const until = performance.now() + 60_000;
    const frame = () => {
      if (visible(find())) m[key] = performance.now();
      else if (performance.now() < until) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  };
  watch('launcherPainted', launcher);
  for (const type of ['relief:ready', 'peer:ready']) {
    document.addEventListener(type, () => { if (m.ready === null) m.ready = performance.now(); });
  }
  // The visitor's reach for the widget: the pointer arriving (the relief widget starts loading then) and
  // the press. Only after arm(), so that adding to the basket first does not count.
  m.arm = () => { m.armed = true; };
  addEventListener('pointerover', (e) => { if (m.armed && m.pointerAt === null) m.pointerAt = e.timeStamp; }, true);
  addEventListener('pointerdown', (e) => {
    if (!m.armed || m.clickAt !== null) return;
    m.clickAt = e.timeStamp;
    watch('dialogPainted', dialog);
  }, true);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) m.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        m.loafs.push({
          start: e.startTime,
          duration: e.duration,
          scripts: e.scripts.map((s) => ({ url: s.sourceURL, start: s.startTime, duration: s.duration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) {
    m.noLoaf = true;
  }
}

// ---------------------------------------------------------------------------------------------
// The node side.

/** A temporary site root: links to www/ but a copy of www/dist/ (a build during the run cannot change
 * what is measured), peer.html, bare.html and peer/. */
async function prepareRoot() {
  const need = ['relief.js', 'relief_core.js', 'relief_core_bg.wasm', 'relief_signals.js', 'relief_signals_bg.wasm'];
  const complete = async () => (await Promise.all(need.map((f) => stat(join(REPO, 'www/dist', f)).then(() => true, () => false)))).every(Boolean);
  if (!(await complete())) {
    console.log('www/dist/ is incomplete (is a build running?): waiting up to 120 s');
    await until(complete, 'www/dist/ to be built (./build.sh build)', 120_000);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const root = await mkdtemp(join(tmpdir(), 'relief-bench-'));
  for (const entry of await readdir(join(REPO, 'www'))) {
    if (entry === 'dist') await cp(join(REPO, 'www/dist'), join(root, 'dist'), { recursive: true });
    else await symlink(join(REPO, 'www', entry), join(root, entry));
  }
  await mkdir(join(root, 'peer'));
  for (const [name, from] of Object.entries(PEER_FILES)) {
    await stat(join(REPO, from)).catch(() => {
      throw new Error(`${from} is missing: run npm ci (./build.sh bench does)`);
    });
    await symlink(join(REPO, from), join(root, 'peer', name));
  }
  const html = await readFile(join(REPO, 'www/index.html'), 'utf8');
  if (!html.includes(RELIEF_TAG) || !html.includes('</head>')) {
    throw new Error(`www/index.html no longer has ${RELIEF_TAG}: update RELIEF_TAG in bench/browser.mjs`);
  }
  await writeFile(join(root, 'peer.html'), html.replace('</head>', PEER_HEAD).replace(RELIEF_TAG, PEER_TAGS));
  await writeFile(join(root, 'bare.html'), html.replace(RELIEF_TAG, ''));
  return root;
}

/** Waits until `fn()` is truthy, polling; throws after `timeout` ms. */
async function until(fn, message, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fresh context and page with CDP: requests (with the phase they started in), heap and GC. */
async function newPage(browser, kind) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  await context.addInitScript(instrument, kind);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err?.message ?? err)));
  const cdp = await context.newCDPSession(page);
  const net = { phase: 'before', requests: new Map(), inflight: 0, lastActivity: Date.now(), offsite: [] };
  cdp.on('Network.requestWillBeSent', (e) => {
    const url = new URL(e.request.url);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.hostname !== '127.0.0.1') net.offsite.push(e.request.url);
    if (!net.requests.has(e.requestId)) net.inflight += 1;
    net.requests.set(e.requestId, { path: url.pathname, phase: net.phase, bytes: 0, done: false });
    net.lastActivity = Date.now();
  });
  const finish = (e, failed) => {
    const r = net.requests.get(e.requestId);
    if (!r || r.done) return;
    r.done = true;
    r.failed = failed;
    if (!failed) r.bytes = e.encodedDataLength;
    net.inflight -= 1;
    net.lastActivity = Date.now();
  };
  cdp.on('Network.loadingFinished', (e) => finish(e, false));
  cdp.on('Network.loadingFailed', (e) => finish(e, true));
  await cdp.send('Network.enable');
  const quiet = () => until(() => net.inflight === 0 && Date.now() - net.lastActivity >= QUIET_MS, 'the network to go quiet');
  return { context, page, cdp, net, errors, quiet };
}

/** JS heap in use after two forced garbage collections. */
async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/**
 * Linear memory of the relief widget's wasm instances. The loader imports each glue module by URL; the
 * same URL gives the same module instance, whose init returns the instance's exports once it has run.
 */
async function wasmMemory(page, kind) {
  if (kind !== 'relief') return { total: 0, modules: {} };
  return page.evaluate(async () => {
    const script = document.querySelector('script[src*="relief.js"]');
    const base = new URL('.', script.src).href;
    const loaded = new Set(performance.getEntriesByType('resource').map((e) => e.name));
    const modules = {};
    let total = 0;
    for (const name of ['relief_core', 'relief_signals']) {
      // Only instances the page already has: importing another would load it.
      if (!loaded.has(base + name + '_bg.wasm')) continue;
      const glue = await import(base + name + '.js');
      const exports = await glue.default({ module_or_path: base + name + '_bg.wasm' });
      const bytes = exports?.memory?.buffer?.byteLength ?? 0;
      modules[name] = bytes;
      total += bytes;
    }
    return { total, modules };
  });
}

async function addToBasket(page) {
  await page.getByRole('button', { name: /^Add to basket/ }).first().click();
  await until(async () => (await page.locator('[data-cart-count]').first().textContent()).trim() !== '0', 'the basket count');
}

/**
 * Long tasks (≥ 50 ms) that started before `end`, and those blamed on the widget: a widget script ran in
 * them (long animation frame attribution), or they started after the press that opens it (then only the
 * widget is at work: style and layout of its dialog have no script to name).
 */
function longTasks(m, end, isWidgetScript) {
  const out = { count: 0, ms: 0, allCount: 0, allMs: 0 };
  for (const t of m.longtasks) {
    if (t.start >= end) continue;
    const tEnd = t.start + t.duration;
    out.allCount += 1;
    out.allMs += t.duration;
    const blamed = t.start >= m.clickAt || m.loafs
      .filter((f) => f.start < tEnd && f.start + f.duration > t.start)
      .flatMap((f) => f.scripts)
      .some((s) => s.start < tEnd && s.start + s.duration > t.start && isWidgetScript(pathOf(s.url)));
    if (blamed) {
      out.count += 1;
      out.ms += t.duration;
    }
  }
  return out;
}

function pathOf(url) {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/** One cold load of `kind`: load, basket, open, full flow, heap. */
async function coldLoad(browser, server, kind) {
  const spec = KINDS[kind];
  const { context, page, cdp, net, errors, quiet } = await newPage(browser, kind);
  try {
    await page.goto(new URL(spec.page, server.url).href);
    await until(() => page.evaluate(() => window.__bench.ready !== null && window.__bench.launcherPainted !== null), 'the widget to be ready');
    await quiet();
    // A basket first (the full flow needs it for the offers); not the widget's interaction.
    await addToBasket(page);
    await page.evaluate(() => window.__bench.arm());
    net.phase = 'open';
    await spec.open(page);
    await until(() => page.evaluate(() => window.__bench.dialogPainted !== null), 'the dialog to be visible');
    net.phase = 'flow';
    const m = await page.evaluate(() => {
      const { arm, ...rest } = window.__bench;
      return rest;
    });
    await spec.fullFlow(page);
    await quiet();
    const heap = await heapAfterGc(cdp);
    const wasm = await wasmMemory(page, kind);
    const bytes = { before: 0, open: 0, files: { before: new Set(), open: new Set() }, config: new Set() };
    for (const r of net.requests.values()) {
      if (spec.isConfig(r.path)) bytes.config.add(r.path);
      if (!spec.isWidget(r.path) || r.phase === 'flow') continue;
      bytes[r.phase] += r.bytes;
      bytes.files[r.phase].add(r.path);
    }
    if (net.offsite.length) throw new Error(`requests off loopback: ${net.offsite.join(', ')}`);
    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
    return {
      ready: m.ready,
      launcherPainted: m.launcherPainted,
      open: m.dialogPainted - m.clickAt,
      hoverLead: m.clickAt - (m.pointerAt ?? m.clickAt),
      long: longTasks(m, m.dialogPainted, spec.isWidgetScript),
      noLoaf: !!m.noLoaf,
      bytes,
      heap,
      wasm,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/** The same page with no widget: its JS heap after the same basket click, for scale. */
async function bareHeap(browser, server) {
  const { context, page, cdp, quiet } = await newPage(browser, 'bare');
  try {
    await page.goto(new URL('bare.html', server.url).href);
    await page.waitForLoadState('load');
    await quiet();
    await addToBasket(page);
    await quiet();
    return await heapAfterGc(cdp);
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * Open/answer/close rounds in one page: two to warm up, then CYCLES twice; JS heap after GC and wasm
 * memory at each mark, once the outbox has delivered what the rounds queued. The first CYCLES show the
 * high-water mark (the rounds queue events far faster than a visitor could, and wasm memory never
 * shrinks once grown); the second show whether anything is left behind per round: that is the check.
 */
async function memoryCycles(browser, server, kind) {
  const spec = KINDS[kind];
  const { context, page, cdp, errors, quiet } = await newPage(browser, kind);
  const backlog = () => page.evaluate(() => { try { return JSON.parse(localStorage.getItem('relief:outbox')).length; } catch (e) { return 0; } });
  const mark = async () => {
    await until(async () => (await backlog()) === 0, 'the outbox to deliver', 60_000);
    await quiet();
    return { heap: await heapAfterGc(cdp), wasm: (await wasmMemory(page, kind)).total };
  };
  try {
    if (kind === 'relief') {
      // The demo's config without its data layer: every event pushed onto the page's dataLayer stays
      // there by design (≈ 450 B a round), which would hide what the widget itself keeps.
      const config = JSON.parse(await readFile(join(REPO, 'www/demo-config.json'), 'utf8'));
      delete config.data_layer;
      await page.addInitScript((c) => { window.reliefConfig = c; }, config);
    }
    await page.goto(new URL(spec.page, server.url).href);
    await until(() => page.evaluate(() => window.__bench.ready !== null), 'the widget to be ready');
    await quiet();
    await addToBasket(page);
    // Two rounds first: the wasm loaded, code compiled, caches warm.
    await page.evaluate(spec.cycle, { cycles: 2, answer: ANSWER });
    const before = await mark();
    const started = Date.now();
    await page.evaluate(spec.cycle, { cycles: CYCLES, answer: ANSWER });
    const ms = Date.now() - started;
    const queued = await backlog();
    const first = await mark();
    await page.evaluate(spec.cycle, { cycles: CYCLES, answer: ANSWER });
    const after = await mark();
    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
    return { before, first, after, ms, queued };
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Figures and tables.

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 100 ? 1 : 0)} ms` : '—');
const count = (x) => (Number.isFinite(x) ? String(Math.round(x * 10) / 10) : '—');
const group = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const bytes = (x) => (Number.isFinite(x) ? `${group(x)} B` : '—');
const mib = (x) => (Number.isFinite(x) ? `${(x / 1048576).toFixed(2)} MiB` : '—');
const percent = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %` : '—');
const ratio = (a, b) => {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  return a === 0 ? '0×' : `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×`;
};

function table(header, rows, align) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (align[i] === 'r' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const compressed = new Map();
async function sizes(root, path) {
  if (!compressed.has(path)) {
    const body = await readFile(join(root, path));
    compressed.set(path, {
      raw: body.length,
      gzip: gzipSync(body, { level: 9 }).length,
      brotli: brotliCompressSync(body, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
          [zlibConstants.BROTLI_PARAM_LGWIN]: 24,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }).length,
    });
  }
  return compressed.get(path);
}

async function brotliOf(root, paths) {
  let total = 0;
  for (const p of paths) total += (await sizes(root, p)).brotli;
  return total;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  const root = await prepareRoot();
  const server = await startServer({ port: 0, root, quiet: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  let failed = false;
  try {
    const version = browser.version();
    const peerVersion = JSON.parse(await readFile(join(REPO, 'node_modules/survey-js-ui/package.json'), 'utf8')).version;
    console.log(`Chromium ${version}; ${RUNS} cold loads each, interleaved; peer: SurveyJS ${peerVersion} (survey-core + survey-js-ui, popup survey)`);
    if (RUNS < 15) console.log(`note: BENCH_RUNS=${RUNS}: fewer than the 15 cold loads the figures are meant for`);

    // One load of each first, not counted: the machine's disk cache and Chromium's own start-up.
    await coldLoad(browser, server, 'relief');
    await coldLoad(browser, server, 'peer');

    const results = { relief: [], peer: [] };
    for (let i = 0; i < RUNS; i += 1) {
      const order = i % 2 ? ['peer', 'relief'] : ['relief', 'peer'];
      for (const kind of order) results[kind].push(await coldLoad(browser, server, kind));
      if (process.stderr.isTTY) process.stderr.write(`\rcold loads: ${i + 1}/${RUNS}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const bare = [];
    for (let i = 0; i < BARE_RUNS; i += 1) bare.push(await bareHeap(browser, server));
    const cycles = { relief: await memoryCycles(browser, server, 'relief'), peer: await memoryCycles(browser, server, 'peer') };

    // Medians and the files each loads (the union over the runs).
    const fig = {};
    for (const kind of Object.keys(KINDS)) {
      const rs = results[kind];
      const files = { before: new Set(), open: new Set() };
      const config = new Set();
      for (const r of rs) {
        for (const phase of ['before', 'open']) for (const f of r.bytes.files[phase]) files[phase].add(f);
        for (const f of r.bytes.config) config.add(f);
      }
      const c = cycles[kind];
      fig[kind] = {
        ready: median(rs.map((r) => r.ready)),
        launcherPainted: median(rs.map((r) => r.launcherPainted)),
        open: median(rs.map((r) => r.open)),
        hoverLead: median(rs.map((r) => r.hoverLead)),
        longCount: median(rs.map((r) => r.long.count)),
        longMs: median(rs.map((r) => r.long.ms)),
        longAllCount: median(rs.map((r) => r.long.allCount)),
        longAllMs: median(rs.map((r) => r.long.allMs)),
        noLoaf: rs.some((r) => r.noLoaf),
        before: median(rs.map((r) => r.bytes.before)),
        toOpen: median(rs.map((r) => r.bytes.open)),
        beforeBr: await brotliOf(root, files.before),
        toOpenBr: await brotliOf(root, files.open),
        heap: median(rs.map((r) => r.heap)),
        wasm: median(rs.map((r) => r.wasm.total)),
        heapWasm: median(rs.map((r) => r.heap + r.wasm.total)),
        wasmModules: rs.at(-1).wasm.modules,
        files,
        config,
        cycles: c,
        heapFirst: (c.first.heap - c.before.heap) / c.before.heap,
        wasmFirst: c.before.wasm ? (c.first.wasm - c.before.wasm) / c.before.wasm : NaN,
        heapGrowth: (c.after.heap - c.first.heap) / c.first.heap,
        wasmGrowth: c.first.wasm ? (c.after.wasm - c.first.wasm) / c.first.wasm : NaN,
      };
    }
    const R = fig.relief;
    const P = fig.peer;
    const row = (label, key, fmt) => [label, fmt(R[key]), fmt(P[key]), ratio(R[key], P[key])];

    console.log(`\nBrowser: relief vs ${KINDS.peer.label}, median of ${RUNS} cold loads each (ratio = relief ÷ peer)\n`);
    console.log(table(['metric', 'relief', 'peer', 'ratio'], [
      row('navigation start → ready (event)', 'ready', ms),
      row('navigation start → launcher painted', 'launcherPainted', ms),
      row('click → dialog visible', 'open', ms),
      row('long tasks ≥ 50 ms by the widget, load + open', 'longCount', count),
      row('  their total time', 'longMs', ms),
      row('bytes before interaction (transferred)', 'before', bytes),
      row('bytes to open the dialog (transferred)', 'toOpen', bytes),
      row('bytes before interaction, brotli-11 (computed)', 'beforeBr', bytes),
      row('bytes to open the dialog, brotli-11 (computed)', 'toOpenBr', bytes),
      row('JS heap after a full flow (after GC)', 'heap', mib),
      row('wasm memory after a full flow', 'wasm', mib),
      row('JS heap + wasm memory after a full flow', 'heapWasm', mib),
      [`JS heap, first ${CYCLES} open/answer/close rounds`, percent(R.heapFirst), percent(P.heapFirst), ''],
      [`wasm memory, first ${CYCLES} rounds`, percent(R.wasmFirst), P.cycles.before.wasm ? percent(P.wasmFirst) : '— (no wasm)', ''],
      [`JS heap growth, next ${CYCLES} rounds (check)`, percent(R.heapGrowth), percent(P.heapGrowth), ''],
      [`wasm memory growth, next ${CYCLES} rounds (check)`, percent(R.wasmGrowth), P.cycles.before.wasm ? percent(P.wasmGrowth) : '— (no wasm)', ''],
    ], ['l', 'r', 'r', 'r']));
    const notes = [
      `transferred: bytes on the wire as Chromium counts them (headers included); the test server does not compress, so the brotli rows are what a server with brotli would send (node zlib, quality 11, window 24).`,
      `same page without a widget: JS heap ${mib(median(bare))} after GC (median of ${BARE_RUNS}); each widget's own share is its figure minus this.`,
      `wasm memory: relief instances after the full flow: ${Object.entries(R.wasmModules).map(([k, v]) => `${k} ${mib(v)}`).join(', ') || 'none found'}; SurveyJS has no wasm.`,
      `click → dialog: from pointerdown; the relief widget starts fetching its dialog when the pointer arrives, here ${ms(R.hoverLead)} before the press (a person's hover gives it longer).`,
      `long tasks: all long tasks on the page during load + open, median: relief ${count(R.longAllCount)} (${ms(R.longAllMs)}), peer ${count(P.longAllCount)} (${ms(P.longAllMs)}); blamed on a widget when one of its scripts ran in them (long animation frame attribution) or they began after the press that opens it${R.noLoaf || P.noLoaf ? '; this Chromium has no long-animation-frame API, so none could be blamed' : ''}.`,
      `memory rounds: relief ${mib(R.cycles.before.heap)} → ${mib(R.cycles.first.heap)} → ${mib(R.cycles.after.heap)} JS heap, ${mib(R.cycles.before.wasm)} → ${mib(R.cycles.first.wasm)} → ${mib(R.cycles.after.wasm)} wasm (${CYCLES} rounds in ${(R.cycles.ms / 1000).toFixed(1)} s left ${R.cycles.queued} events queued to deliver; wasm memory grows in 64 KiB pages and never shrinks); peer ${mib(P.cycles.before.heap)} → ${mib(P.cycles.first.heap)} → ${mib(P.cycles.after.heap)} JS heap (${(P.cycles.ms / 1000).toFixed(1)} s).`,
    ];
    console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));

    for (const kind of Object.keys(KINDS)) {
      const f = fig[kind];
      const rows = [];
      const totals = { raw: 0, gzip: 0, brotli: 0 };
      for (const [phase, label] of [['before', 'before interaction'], ['open', 'to open the dialog']]) {
        const sub = { raw: 0, gzip: 0, brotli: 0 };
        for (const path of [...f.files[phase]].sort()) {
          const s = await sizes(root, path);
          rows.push([path, label, group(s.raw), group(s.gzip), group(s.brotli)]);
          for (const k of Object.keys(sub)) sub[k] += s[k];
        }
        rows.push([`  ${label}, total`, '', group(sub.raw), group(sub.gzip), group(sub.brotli)]);
        for (const k of Object.keys(totals)) totals[k] += sub[k];
      }
      rows.push(['  everything', '', group(totals.raw), group(totals.gzip), group(totals.brotli)]);
      for (const path of [...f.config].sort()) {
        const s = await sizes(root, path);
        rows.push([`${path} (the shop's config/embed, not counted)`, '', group(s.raw), group(s.gzip), group(s.brotli)]);
      }
      console.log(`\nFiles: ${KINDS[kind].label}, bytes (gzip -9 and brotli -q 11 computed with node's zlib)\n`);
      console.log(table(['file', 'loaded', 'raw', 'gzip-9', 'brotli-11'], rows, ['l', 'l', 'r', 'r', 'r']));
    }

    console.log('');
    for (const [what, growth] of [['JS heap', R.heapGrowth], ['wasm memory', R.wasmGrowth]]) {
      const over = Number.isFinite(growth) && growth > MAX_GROWTH;
      console.log(`memory: relief ${what} over rounds ${CYCLES + 1}–${2 * CYCLES}: ${percent(growth)} (limit +${MAX_GROWTH * 100} %): ${over ? 'FAIL' : 'ok'}`);
      if (over) failed = true;
    }
    console.log(`browser bench: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await browser.close().catch(() => {});
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`bench: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
