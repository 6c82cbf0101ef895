// The owner's dashboard: fetches one summary for the chosen range and draws it with Chart.js.
// Everything a visitor or a page could have written is set with textContent or drawn on a canvas,
// never parsed as HTML. The page's Content-Security-Policy allows only this script and Chart.js.
'use strict';

(() => {
  const DAY = 86_400_000;
  const FRUSTRATIONS = {
    delivery_cost: 'Delivery cost',
    paying_all_at_once: 'Paying all at once',
    returns: 'Worried about returns',
    cant_find: "Can't find it",
    confusing: 'Confusing site',
    other: 'Something else',
  };
  const MOMENTS = {
    launcher: 'Asked for help',
    api: "Shop's page opened it",
    rage_click: 'Rage clicks',
    dead_click: 'Dead clicks',
    exit_intent: 'About to leave',
    hesitation: 'Hesitating at checkout',
    form_trouble: 'Form trouble',
    back_and_forth: 'Back and forth',
  };
  const COLOURS = ['#2f6f5e', '#d1793b', '#3d6cc4', '#b8457c', '#8a6d1f', '#6a6aa8', '#3a9c9b', '#8f5bd0'];
  const colourOf = (key, keys) => COLOURS[Math.max(0, keys.indexOf(key)) % COLOURS.length];
  const frustrationKeys = Object.keys(FRUSTRATIONS);
  const label = (map, key) => map[key] ?? String(key ?? 'unknown');
  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat();
  const charts = new Map();

  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (window.Chart) {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#4a5250';
    Chart.defaults.animation = reduced ? false : { duration: 300 };
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.labels.boxWidth = 12;
  }

  // ---- dates: inputs hold local dates, the API takes ms and the browser's offset.
  const isoDay = (date) => {
    const pad = (n) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  };
  const startOf = (iso) => new Date(`${iso}T00:00:00`).getTime();
  const addDays = (iso, n) => {
    const d = new Date(`${iso}T00:00:00`);
    d.setDate(d.getDate() + n);
    return isoDay(d);
  };

  function rangeFromUrl() {
    const params = new URLSearchParams(location.search);
    const valid = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s ?? '') && !Number.isNaN(startOf(s));
    const today = isoDay(new Date());
    let to = valid(params.get('to')) ? params.get('to') : today;
    let from = valid(params.get('from')) ? params.get('from') : addDays(to, -6);
    if (from > to) [from, to] = [to, from];
    return { from, to };
  }

  function query({ from, to }) {
    const params = new URLSearchParams({
      from: String(startOf(from)),
      to: String(startOf(addDays(to, 1))),
      tz: String(new Date().getTimezoneOffset()),
    });
    return params.toString();
  }

  // ---- drawing helpers
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function chart(id, config, description) {
    charts.get(id)?.destroy();
    const canvas = $(id);
    canvas.setAttribute('aria-label', description);
    if (!window.Chart) {
      canvas.replaceWith(el('p', 'Charts are unavailable: Chart.js was not installed when the collector was built.', 'none'));
      return;
    }
    charts.set(id, new Chart(canvas, config));
  }

  const horizontal = (stacked) => ({
    indexAxis: 'y',
    scales: {
      x: { stacked, beginAtZero: true, ticks: { precision: 0 }, grid: { color: '#eceeed' } },
      y: { stacked, grid: { display: false }, ticks: { autoSkip: false } },
    },
  });

  const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  // ---- the sections
  function drawTotals(totals) {
    $('t-answers').textContent = number.format(totals.answers);
    $('t-offers').textContent = number.format(totals.offers);
    $('t-accepts').textContent = number.format(totals.accepts);
    $('t-rate').textContent = totals.offers ? `${Math.round((100 * totals.accepts) / totals.offers)}%` : '–';
    $('t-dismisses').textContent = number.format(totals.dismisses);
    const lost = $('lost');
    lost.hidden = !totals.lost;
    lost.textContent = totals.lost
      ? `${number.format(totals.lost)} events could not be delivered from visitors' devices (their queue was full or a week old).`
      : '';
  }

  function drawTop(frustrations) {
    const labels = frustrations.map((f) => label(FRUSTRATIONS, f.key));
    chart('chart-top', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'This range', data: frustrations.map((f) => f.count), backgroundColor: frustrations.map((f) => colourOf(f.key, frustrationKeys)) },
          { label: 'Before', data: frustrations.map((f) => f.previous), backgroundColor: '#c9cfcd' },
        ],
      },
      options: horizontal(false),
    }, `Top frustrations: ${frustrations.map((f) => `${label(FRUSTRATIONS, f.key)} ${f.count}`).join(', ')}`);

    const list = $('top-list');
    list.replaceChildren();
    for (const f of frustrations) {
      const item = el('li');
      item.append(el('span', label(FRUSTRATIONS, f.key), 'name'));
      const change = f.count - f.previous;
      let text = 'new';
      let trend = 'up';
      if (f.previous) {
        const pct = Math.round((100 * change) / f.previous);
        text = change === 0 ? 'no change' : `${change > 0 ? '▲' : '▼'} ${Math.abs(pct)}%`;
        trend = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
      }
      item.append(el('span', `${number.format(f.count)}`, 'count'), el('span', text, `change ${trend}`));
      list.append(item);
    }
  }

  function drawTrend(daily) {
    const days = daily.days.map((d) => new Date(`${d}T00:00:00`).toLocaleDateString(undefined, { day: 'numeric', month: 'short' }));
    chart('chart-trend', {
      type: 'line',
      data: {
        labels: days,
        datasets: daily.series.map((s) => ({
          label: label(FRUSTRATIONS, s.key),
          data: s.counts,
          borderColor: colourOf(s.key, frustrationKeys),
          backgroundColor: colourOf(s.key, frustrationKeys),
          cubicInterpolationMode: 'monotone',
          pointRadius: daily.days.length > 40 ? 0 : 2,
        })),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } }, plugins: { legend: { position: 'bottom' } } },
    }, `Answers a day from ${daily.days[0]} to ${daily.days[daily.days.length - 1]}`);
  }

  function drawMoments(moments, frustrations) {
    const order = frustrations.map((f) => f.key);
    const kinds = [...new Set(moments.map((m) => m.moment))];
    const momentKeys = Object.keys(MOMENTS);
    chart('chart-moments', {
      type: 'bar',
      data: {
        labels: order.map((k) => label(FRUSTRATIONS, k)),
        datasets: kinds.map((kind) => ({
          label: label(MOMENTS, kind),
          data: order.map((f) => moments.filter((m) => m.frustration === f && m.moment === kind).reduce((s, m) => s + m.count, 0)),
          backgroundColor: colourOf(kind, momentKeys),
        })),
      },
      options: { ...horizontal(true), plugins: { legend: { position: 'bottom' } } },
    }, `What opened the dialog: ${kinds.map((k) => label(MOMENTS, k)).join(', ')}`);
  }

  function drawRelief(relief) {
    const rows = relief.slice(0, 12);
    chart('chart-relief', {
      type: 'bar',
      data: {
        // Two lines a bar: the offer, then the frustration it answered.
        labels: rows.map((r) => [shorten(r.offer, 20), label(FRUSTRATIONS, r.frustration)]),
        datasets: [
          { label: 'Offered', data: rows.map((r) => r.offered), backgroundColor: '#b9d3ca' },
          { label: 'Accepted', data: rows.map((r) => r.accepted), backgroundColor: '#2f6f5e' },
        ],
      },
      options: { ...horizontal(false), plugins: { legend: { position: 'bottom' } } },
    }, `Relief offered and accepted: ${rows.map((r) => `${r.offer} ${r.accepted} of ${r.offered}`).join(', ')}`);
    const body = $('relief-rows');
    body.replaceChildren();
    for (const r of relief) {
      const tr = el('tr');
      const rate = r.offered ? ` (${Math.round((100 * r.accepted) / r.offered)}%)` : '';
      tr.append(el('td', label(FRUSTRATIONS, r.frustration)), el('td', r.offer), el('td', number.format(r.offered)), el('td', `${number.format(r.accepted)}${rate}`));
      body.append(tr);
    }
  }

  function drawPages(pages) {
    const keys = [...new Set(pages.flatMap((p) => Object.keys(p.frustrations)))];
    chart('chart-pages', {
      type: 'bar',
      data: {
        labels: pages.map((p) => shorten(p.page, 32)),
        datasets: keys.map((k) => ({
          label: label(FRUSTRATIONS, k),
          data: pages.map((p) => p.frustrations[k] ?? 0),
          backgroundColor: colourOf(k, frustrationKeys),
        })),
      },
      options: { ...horizontal(true), plugins: { legend: { position: 'bottom' } } },
    }, `Answers per page: ${pages.map((p) => `${p.page} ${p.count}`).join(', ')}`);
  }

  function drawVerbatims(verbatims) {
    const list = $('verbatims');
    list.replaceChildren();
    $('no-verbatims').hidden = verbatims.length > 0;
    for (const v of verbatims) {
      const item = el('li');
      const meta = el('p', undefined, 'meta');
      const when = el('time', new Date(v.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
      when.dateTime = new Date(v.at).toISOString();
      meta.append(when, el('span', label(FRUSTRATIONS, v.frustration), 'tag'), el('span', v.page ?? '', 'page'));
      item.append(el('blockquote', v.text ?? ''), meta);
      list.append(item);
    }
  }

  // ---- loading
  async function load(range, push) {
    $('from').value = range.from;
    $('to').value = range.to;
    for (const b of document.querySelectorAll('.presets button')) {
      const days = Number(b.dataset.days);
      b.setAttribute('aria-pressed', String(range.to === isoDay(new Date()) && range.from === addDays(range.to, 1 - days)));
    }
    if (push) history.replaceState(null, '', `?from=${range.from}&to=${range.to}`);
    const q = query(range);
    $('csv').href = `/dashboard/export.csv?${q}`;
    $('ndjson').href = `/dashboard/export.ndjson?${q}`;
    const fmt = (iso) => new Date(`${iso}T00:00:00`).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
    $('range-label').textContent = range.from === range.to ? fmt(range.from) : `${fmt(range.from)} – ${fmt(range.to)}`;
    $('status').textContent = 'Loading…';
    let summary;
    try {
      const response = await fetch(`/dashboard/api/summary?${q}`, { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) {
        location.reload();
        return;
      }
      summary = await response.json();
      if (!response.ok) throw new Error(summary.error ?? `HTTP ${response.status}`);
    } catch (err) {
      $('status').textContent = `Could not load the summary: ${err.message}`;
      return;
    }
    $('status').textContent = '';
    const t = summary.totals;
    const empty = t.answers + t.offers + t.accepts + t.dismisses + t.lost === 0;
    $('empty').hidden = !empty;
    $('content').hidden = empty;
    document.body.dataset.loaded = 'true';
    if (empty) {
      $('snippet').textContent = `<script src="/relief/relief.js" async data-endpoint="${location.origin}/v1/events"></script>`;
      return;
    }
    drawTotals(t);
    drawTop(summary.frustrations);
    drawTrend(summary.daily);
    drawMoments(summary.moments, summary.frustrations);
    drawRelief(summary.relief);
    drawPages(summary.pages);
    drawVerbatims(summary.verbatims);
  }

  $('range').addEventListener('submit', (event) => {
    event.preventDefault();
    let { value: from } = $('from');
    let { value: to } = $('to');
    if (!from || !to) return;
    if (from > to) [from, to] = [to, from];
    load({ from, to }, true);
  });
  for (const button of document.querySelectorAll('.presets button')) {
    button.addEventListener('click', () => {
      const to = isoDay(new Date());
      load({ from: addDays(to, 1 - Number(button.dataset.days)), to }, true);
    });
  }
  load(rangeFromUrl(), false);
})();
