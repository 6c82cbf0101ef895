/*
 * Fern & Field demo shop: the basket, the totals and the hookup to the relief widget.
 *
 * The shop works on its own. The widget (dist/relief.js) is optional: calls go through the queue stub
 * from docs/CONTRACT.md, and nothing here depends on the widget loading, answering or behaving.
 * Text from storage or from widget events is only ever set with textContent / attributes.
 */
(function () {
  'use strict';

  // Queue stub (docs/CONTRACT.md): the loader replays ReliefWidget.q once it runs.
  window.ReliefWidget = window.ReliefWidget || {
    q: [],
    open() { this.q.push(['open']); },
    close() { this.q.push(['close']); },
    setCart(c) { this.q.push(['setCart', c]); }
  };

  const CART_KEY = 'demo-cart';        // localStorage: { items: [{ id, name, price, qty }] }, price in pence
  const RELIEF_KEY = 'demo-relief';    // sessionStorage: { items: [{ kind, offer, frustration, at }] }
  const CURRENCY = 'GBP';
  const DELIVERY = 495;                // £4.95
  const FREE_DELIVERY_FROM = 5000;     // free delivery on orders of £50 or more
  const MAX_QTY = 99;
  // Relief kinds in the order the checkout lists them.
  const KINDS = ['discount', 'payment_terms', 'deposit', 'bonus_goods', 'free_return_postage', 'callback', 'human_help'];
  // Kinds that answer the same question ("how do I pay?"): accepting one replaces the other.
  const REPLACES = { payment_terms: 'deposit', deposit: 'payment_terms' };

  /* ---------- small helpers ---------- */

  function isInt(n, min, max) {
    return Number.isInteger(n) && n >= min && (max === undefined || n <= max);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === 'class') node.className = value;
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child); // strings become text nodes
    }
    return node;
  }

  // Storage can be disabled, full or throw (private modes): keep a copy in memory and never throw.
  const memory = {};
  function load(store, key) {
    let raw = memory[store + ':' + key];
    if (raw === undefined) {
      try { raw = window[store].getItem(key); } catch (e) { raw = null; }
    }
    if (raw === null || raw === undefined) return null;
    try { return JSON.parse(raw); } catch (e) { return null; }
  }
  function save(store, key, value) {
    const raw = JSON.stringify(value);
    try {
      window[store].setItem(key, raw);
      delete memory[store + ':' + key];
    } catch (e) {
      memory[store + ':' + key] = raw;
    }
  }

  /* ---------- money and dates ---------- */

  const formatters = {};
  function formatter(currency) {
    const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : CURRENCY;
    if (!formatters[code]) {
      try {
        formatters[code] = new Intl.NumberFormat('en-GB', { style: 'currency', currency: code });
      } catch (e) {
        formatters[code] = new Intl.NumberFormat('en-GB', { style: 'currency', currency: CURRENCY });
      }
    }
    return formatters[code];
  }

  // Amounts are integers in minor units (pence); the currency says how many decimals it has.
  function money(minor, currency) {
    const f = formatter(currency);
    const digits = f.resolvedOptions().maximumFractionDigits;
    return f.format(minor / Math.pow(10, digits));
  }

  const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

  function addIntervals(start, interval, count) {
    const d = new Date(start.getFullYear(), start.getMonth(), start.getDate());
    if (interval === 'weekly') {
      d.setDate(d.getDate() + 7 * count);
    } else if (interval === 'fortnightly') {
      d.setDate(d.getDate() + 14 * count);
    } else { // monthly: same day of the month, or the month's last day (31 Jan -> 28/29 Feb)
      const day = d.getDate();
      d.setDate(1);
      d.setMonth(d.getMonth() + count);
      const lastDay = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
      d.setDate(Math.min(day, lastDay));
    }
    return d;
  }

  /* ---------- the basket ---------- */

  function cleanItem(item) {
    if (!item || typeof item !== 'object') return null;
    if (typeof item.id !== 'string' || !/^[a-z0-9-]{1,64}$/.test(item.id)) return null;
    if (typeof item.name !== 'string' || item.name.trim() === '') return null;
    if (!isInt(item.price, 0, 100000000) || !isInt(item.qty, 1, MAX_QTY)) return null;
    return { id: item.id, name: item.name.slice(0, 120), price: item.price, qty: item.qty };
  }

  function readCart() {
    const data = load('localStorage', CART_KEY);
    const items = [];
    if (data && Array.isArray(data.items)) {
      for (const raw of data.items) {
        const item = cleanItem(raw);
        if (!item) continue;
        const same = items.find((i) => i.id === item.id);
        if (same) same.qty = Math.min(MAX_QTY, same.qty + item.qty);
        else items.push(item);
      }
    }
    return { items };
  }

  function writeCart(cart) {
    save('localStorage', CART_KEY, { items: cart.items });
    refresh();
  }

  function addToCart(id, name, price) {
    const cart = readCart();
    const item = cart.items.find((i) => i.id === id);
    if (item) item.qty = Math.min(MAX_QTY, item.qty + 1);
    else cart.items.push({ id, name, price, qty: 1 });
    writeCart(cart);
    const qty = (item ? item.qty : 1);
    toast(qty > 1 ? `Added another ${name} to your basket (${qty} in total).` : `Added ${name} to your basket.`);
  }

  function setQty(id, qty) {
    const cart = readCart();
    const item = cart.items.find((i) => i.id === id);
    if (!item) return;
    if (qty <= 0) {
      cart.items = cart.items.filter((i) => i !== item);
      toast(`Removed ${item.name} from your basket.`);
    } else {
      item.qty = Math.min(MAX_QTY, qty);
      toast(`${item.name}: ${item.qty} in your basket.`);
    }
    writeCart(cart);
  }

  function cartCount(cart) {
    return cart.items.reduce((n, i) => n + i.qty, 0);
  }

  // percent of amount, rounded half up, in integers (the same rule as the widget's money.rs).
  function percentOfAmount(amount, percent) {
    return Math.floor((amount * percent + 50) / 100);
  }

  // A discount is off the whole order (what the widget was told). The widget's own figure ("saving")
  // is used while the order total is still the one it was computed for.
  function discountAmount(offer, total) {
    if (isInt(offer.saving, 0) && offer.total === total) return Math.min(offer.saving, total);
    if (isInt(offer.percent, 1, 90)) return percentOfAmount(total, offer.percent);
    if (isInt(offer.amount, 1)) return Math.min(offer.amount, total);
    return 0;
  }

  // total: what the widget is told (subtotal + delivery). payable: what the visitor pays after relief.
  function totals(cart, relief) {
    const subtotal = cart.items.reduce((sum, i) => sum + i.price * i.qty, 0);
    const delivery = subtotal === 0 || subtotal >= FREE_DELIVERY_FROM ? 0 : DELIVERY;
    const total = subtotal + delivery;
    const discountRelief = relief ? findRelief(relief, 'discount') : null;
    const discount = discountRelief ? discountAmount(discountRelief.offer, total) : 0;
    return { subtotal, delivery, total, discount, payable: total - discount };
  }

  /* ---------- the widget ---------- */

  function widget(method, arg) {
    try {
      const api = window.ReliefWidget;
      if (api && typeof api[method] === 'function') {
        if (arg === undefined) api[method]();
        else api[method](arg);
      }
    } catch (e) {
      // The widget must never break the shop.
    }
  }

  function syncWidget(cart) {
    widget('setCart', {
      total: totals(cart, null).total,
      currency: CURRENCY,
      items: cart.items.map((i) => ({ id: i.id, name: i.name, price: i.price, qty: i.qty }))
    });
  }

  /* ---------- applied relief ---------- */

  function readRelief() {
    const data = load('sessionStorage', RELIEF_KEY);
    const items = [];
    if (data && Array.isArray(data.items)) {
      for (const r of data.items) {
        if (r && r.offer && typeof r.offer === 'object' && KINDS.includes(r.offer.kind) && r.kind === r.offer.kind) {
          items.push(r);
        }
      }
    }
    return { items };
  }

  function findRelief(relief, kind) {
    return relief.items.find((r) => r.kind === kind) || null;
  }

  function acceptRelief(detail) {
    if (!detail || typeof detail !== 'object') return null;
    let offer;
    try { offer = JSON.parse(JSON.stringify(detail.offer)); } catch (e) { return null; }
    if (!offer || typeof offer !== 'object' || !KINDS.includes(offer.kind)) return null;
    const relief = readRelief();
    relief.items = relief.items.filter((r) => r.kind !== offer.kind && r.kind !== REPLACES[offer.kind]);
    relief.items.push({
      kind: offer.kind,
      offer,
      frustration: typeof detail.frustration === 'string' ? detail.frustration : null,
      at: isInt(detail.at, 0) ? detail.at : Date.now()
    });
    save('sessionStorage', RELIEF_KEY, relief);
    return relief.items[relief.items.length - 1];
  }

  function removeRelief(kind) {
    const relief = readRelief();
    relief.items = relief.items.filter((r) => r.kind !== kind);
    save('sessionStorage', RELIEF_KEY, relief);
  }

  const INTERVAL_WORDS = { weekly: 'weekly', fortnightly: 'fortnightly', monthly: 'monthly' };

  function intervalOf(offer) {
    return INTERVAL_WORDS[offer.interval] ? offer.interval : 'monthly';
  }

  function percentOf(offer, fallback) {
    return isInt(offer.percent, 1, 100) ? offer.percent : fallback;
  }

  function reliefTitle(offer) {
    switch (offer.kind) {
      case 'payment_terms': {
        const n = isInt(offer.instalments, 2, 12) ? offer.instalments
          : Array.isArray(offer.plan) && offer.plan.length >= 2 ? offer.plan.length : 3;
        return `Pay in ${n} ${intervalOf(offer)} instalments`;
      }
      case 'deposit': return 'Pay a smaller deposit now';
      case 'free_return_postage': return 'Free return postage';
      case 'bonus_goods': return `${percentOf(offer, 10)}% more, free`;
      case 'discount':
        if (isInt(offer.percent, 1, 90)) return `${offer.percent}% off your order`;
        if (isInt(offer.amount, 1)) return `${money(offer.amount, offer.currency)} off your order`;
        return 'A discount on your order';
      case 'callback': return 'We’ll be in touch';
      case 'human_help': return typeof offer.label === 'string' && offer.label.trim() ? offer.label.trim() : 'Talk to a person';
      default: return 'Relief';
    }
  }

  // Split exactly; the odd pennies go on the first payment, made today (as the widget does).
  function splitEvenly(total, n) {
    const base = Math.floor(total / n);
    return Array.from({ length: n }, (_, i) => base + (i === 0 ? total - base * n : 0));
  }

  // The widget's plan while the order total is still the one it was computed for: the instalments add
  // up to that total plus any fee or interest ("payable"). Otherwise the same number of instalments over
  // the current amount, with the same fee; interest at an APR depends on the amount, so then the plan
  // is withdrawn and the visitor asks again (stale).
  function instalmentPlan(offer, payable) {
    const given = Array.isArray(offer.plan) && offer.plan.length >= 2 && offer.plan.every((a) => isInt(a, 0))
      ? offer.plan : null;
    const cost = isInt(offer.cost, 0) ? offer.cost : 0;
    const sum = given ? given.reduce((s, a) => s + a, 0) : -1;
    if (given && (offer.total === undefined || offer.total === payable) && sum === payable + cost) {
      return { amounts: given, cost, payable: sum, currency: offer.currency || CURRENCY, updated: false, stale: false };
    }
    const n = isInt(offer.instalments, 2, 12) ? offer.instalments : given ? given.length : 3;
    if (isInt(offer.apr, 1)) return { amounts: null, cost: 0, payable, currency: CURRENCY, updated: false, stale: true };
    const fee = isInt(offer.fee, 1) ? offer.fee : 0;
    return { amounts: splitEvenly(payable + fee, n), cost: fee, payable: payable + fee, currency: CURRENCY, updated: given !== null, stale: false };
  }

  // What a plan costs on top of the order, in words ("" when nothing).
  function costWords(offer, plan) {
    if (plan.cost === 0) return 'with no interest and no fees.';
    if (isInt(offer.apr, 0)) {
      const rate = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 2 }).format(offer.apr / 10000);
      return `at ${rate} APR: ${money(plan.cost, plan.currency)} interest, ${money(plan.payable, plan.currency)} in total.`;
    }
    return `including a ${money(plan.cost, plan.currency)} fee: ${money(plan.payable, plan.currency)} in total.`;
  }

  function depositPlan(offer, payable) {
    if (isInt(offer.deposit, 0) && isInt(offer.rest, 0) && offer.deposit + offer.rest === payable) {
      return { now: offer.deposit, later: offer.rest, currency: offer.currency || CURRENCY, updated: false };
    }
    let now;
    if (isInt(offer.percent, 1, 90)) now = percentOfAmount(payable, offer.percent);
    else if (isInt(offer.amount, 1)) now = offer.amount;
    else if (isInt(offer.deposit, 0)) now = offer.deposit;
    else now = 0;
    if (isInt(offer.min_amount, 0)) now = Math.max(now, offer.min_amount);
    now = Math.min(now, payable);
    return { now, later: payable - now, currency: CURRENCY, updated: isInt(offer.deposit, 0) };
  }

  function bonusLines(offer, cart) {
    const pct = percentOf(offer, 10);
    const only = Array.isArray(offer.products) && offer.products.length ? offer.products : null;
    // Rounded up in the visitor's favour: at least one extra of each thing it applies to.
    return cart.items
      .filter((i) => !only || only.includes(i.id))
      .map((i) => ({ id: i.id, name: i.name, extra: Math.ceil((i.qty * pct) / 100) }));
  }

  function safeHref(url) {
    if (typeof url !== 'string' || url.trim() === '') return null;
    try {
      const parsed = new URL(url.trim(), window.location.href);
      return ['http:', 'https:', 'mailto:', 'tel:'].includes(parsed.protocol) ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function telHref(phone) {
    if (typeof phone !== 'string' || !/^[+0-9 ().-]{3,32}$/.test(phone.trim())) return null;
    return 'tel:' + phone.trim().replace(/[^+0-9]/g, '');
  }

  // What "due today" is once payment relief is applied (null: the whole total).
  function dueToday(relief, payable) {
    const terms = findRelief(relief, 'payment_terms');
    if (terms) {
      const plan = instalmentPlan(terms.offer, payable);
      return plan.stale ? null : plan.amounts[0];
    }
    const deposit = findRelief(relief, 'deposit');
    if (deposit) return depositPlan(deposit.offer, payable).now;
    return null;
  }

  function reliefBody(entry, cart, t) {
    const offer = entry.offer;
    const parts = [];
    switch (offer.kind) {
      case 'payment_terms': {
        if (t.payable === 0) {
          parts.push(el('p', null, 'Your payment plan will appear here once there is something in your basket.'));
          break;
        }
        const plan = instalmentPlan(offer, t.payable);
        if (plan.stale) {
          parts.push(el('p', null, 'Your order total has changed since you chose this, and the interest depends on it: ask again through “Need a hand?” for an updated plan.'));
          break;
        }
        const interval = intervalOf(offer);
        const today = new Date();
        const n = plan.amounts.length;
        parts.push(el('p', null, `Spread your ${money(t.payable, plan.currency)} over ${n} ${interval} payments, ${costWords(offer, plan)}`));
        const rows = plan.amounts.map((amount, k) => el('tr', null,
          el('th', { scope: 'row' }, `${k + 1} of ${n}`),
          el('td', null, k === 0 ? 'Today' : dateFormat.format(addIntervals(today, interval, k))),
          el('td', { class: 'num' }, money(amount, plan.currency))
        ));
        parts.push(el('table', { class: 'plan-table' },
          el('caption', { class: 'visually-hidden' }, 'Your instalment plan'),
          el('thead', null, el('tr', null,
            el('th', { scope: 'col' }, 'Payment'),
            el('th', { scope: 'col' }, 'Date'),
            el('th', { scope: 'col', class: 'num' }, 'Amount'))),
          el('tbody', null, rows),
          el('tfoot', null, el('tr', null,
            el('th', { scope: 'row', colspan: '2' }, 'Total'),
            el('td', { class: 'num' }, money(plan.payable, plan.currency))))
        ));
        if (plan.updated) parts.push(el('p', { class: 'muted small' }, 'Your order total has changed since you chose this, so we have updated the plan to match.'));
        break;
      }
      case 'deposit': {
        if (t.payable === 0) {
          parts.push(el('p', null, 'Your deposit will appear here once there is something in your basket.'));
          break;
        }
        const d = depositPlan(offer, t.payable);
        const later = offer.rest_when === 'later';
        parts.push(el('p', { class: 'relief-figure' }, `Pay ${money(d.now, d.currency)} now, ${money(d.later, d.currency)} ${later ? 'later' : 'on delivery'}.`));
        parts.push(el('p', { class: 'muted small' }, later
          ? 'We will email you before we take the rest, by the same card.'
          : 'We will take the rest when your order arrives, by the same card.'));
        if (d.updated) parts.push(el('p', { class: 'muted small' }, 'Your order total has changed since you chose this, so we have updated the amounts to match.'));
        break;
      }
      case 'free_return_postage':
        parts.push(el('p', null, 'If anything is not quite right, returning it costs you nothing, for 30 days after delivery.'));
        parts.push(el('p', null, offer.method === 'qr'
          ? 'We will email you a QR code to show at any drop-off point: no printing, no label.'
          : 'We will email you a prepaid returns label with your order confirmation.'));
        break;
      case 'bonus_goods': {
        const lines = bonusLines(offer, cart);
        if (lines.length === 0) {
          parts.push(el('p', null, Array.isArray(offer.products) && offer.products.length
            ? `Add one of the plants on offer to your basket and we will send ${percentOf(offer, 10)}% more of it, free.`
            : `Add something to your basket and we will send ${percentOf(offer, 10)}% more of it, free.`));
        } else {
          parts.push(el('p', null, `We will pack ${percentOf(offer, 10)}% more, free (rounded up in your favour):`));
          parts.push(el('ul', { class: 'bonus-list' }, lines.map((l) => el('li', null, `+${l.extra} × ${l.name}`, el('span', { class: 'free-tag' }, 'free')))));
        }
        break;
      }
      case 'discount': {
        const code = typeof offer.code === 'string' && offer.code.trim() ? offer.code.trim() : null;
        if (t.total === 0) {
          parts.push(el('p', null, code ? 'Code ' : 'Your discount', code ? el('span', { class: 'code' }, code) : null,
            ' will be taken off your order once there is something in your basket.'));
          break;
        }
        parts.push(el('p', { class: 'relief-figure' },
          code ? 'Code ' : 'Discount ',
          code ? el('span', { class: 'code' }, code) : null,
          ' applied: ', el('span', { class: 'nowrap' }, `−${money(t.discount, CURRENCY)}`), ' off your order.'));
        parts.push(el('p', { class: 'muted small' }, 'Already taken off the total in your order summary.'));
        break;
      }
      case 'callback': {
        const contact = typeof offer.contact === 'string' ? offer.contact.trim().slice(0, 200) : '';
        const name = typeof offer.name === 'string' && offer.name.trim() ? `${offer.name.trim().slice(0, 100)}, w` : 'W';
        const when = { morning: 'in the morning', afternoon: 'in the afternoon', evening: 'in the evening' }[offer.time]
          || 'usually within one working day';
        const p = el('p', { class: 'relief-figure' });
        if (!contact) p.textContent = 'We will get in touch soon to help with your order.';
        else if (contact.includes('@')) p.textContent = `${name}e’ll email you at ${contact}, ${when}.`;
        else p.textContent = `${name}e’ll call you at ${contact}, ${when}.`;
        parts.push(p);
        break;
      }
      case 'human_help': {
        const links = [];
        const href = safeHref(offer.url);
        if (href) {
          let text = href;
          if (href.startsWith('mailto:')) text = decodeURIComponent(href.slice(7).split('?')[0]);
          else if (href.startsWith('tel:')) text = href.slice(4);
          links.push(el('a', { href }, text));
        }
        const tel = telHref(offer.phone);
        if (tel) links.push(el('a', { href: tel }, offer.phone.trim()));
        if (links.length) {
          const p = el('p', null, 'A real person is here to help: ');
          links.forEach((a, k) => { if (k) p.append(' or '); p.append(a); });
          p.append('.');
          parts.push(p);
        } else {
          parts.push(el('p', null, 'A real person is here to help: reply to your order email and we will get back to you.'));
        }
        break;
      }
      default:
        break;
    }
    return parts;
  }

  /* ---------- rendering ---------- */

  function renderCount(cart) {
    const n = cartCount(cart);
    document.querySelectorAll('[data-cart-count]').forEach((node) => {
      node.textContent = String(n);
      node.classList.toggle('is-empty', n === 0);
    });
    document.querySelectorAll('[data-cart-count-label]').forEach((node) => {
      node.textContent = n === 1 ? 'item in your basket' : 'items in your basket';
    });
  }

  function renderReliefNotice(relief) {
    const notice = document.getElementById('relief-notice');
    if (!notice) return;
    const summary = notice.querySelector('[data-relief-summary]');
    if (relief.items.length === 0) {
      notice.hidden = true;
      return;
    }
    summary.textContent = sortedRelief(relief).map((r) => reliefTitle(r.offer)).join(', ');
    notice.hidden = false;
  }

  function sortedRelief(relief) {
    return relief.items.slice().sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
  }

  function renderBasket(cart, relief) {
    const table = document.getElementById('basket-table');
    const body = document.getElementById('basket-rows');
    const empty = document.getElementById('basket-empty');
    if (!table || !body) return;

    // Keep keyboard focus on the same control across re-renders.
    const active = document.activeElement;
    const focusKey = active && body.contains(active) && active.dataset.action
      ? { action: active.dataset.action, id: active.dataset.id } : null;

    const bonus = findRelief(relief, 'bonus_goods');
    const extras = bonus ? bonusLines(bonus.offer, cart) : [];

    body.replaceChildren(...cart.items.map((item) => {
      const img = el('img', { src: `img/${item.id}.svg`, alt: '', width: '64', height: '48', class: 'thumb' });
      img.addEventListener('error', () => img.remove());
      const extra = extras.find((e) => e.id === item.id);
      return el('tr', { 'data-id': item.id },
        el('td', null,
          el('div', { class: 'cell-item' },
            img,
            el('div', { class: 'item-text' },
              el('span', { class: 'item-name' }, item.name),
              el('span', { class: 'item-unit' }, `${money(item.price, CURRENCY)} each`),
              extra ? el('span', { class: 'free-tag' }, `+${extra.extra} free`) : null,
              el('button', { type: 'button', class: 'btn-link remove', 'data-action': 'remove', 'data-id': item.id,
                'aria-label': `Remove ${item.name}` }, 'Remove')))),
        el('td', { class: 'col-qty' },
          el('div', { class: 'qty' },
            el('button', { type: 'button', class: 'qty-btn', 'data-action': 'dec', 'data-id': item.id,
              'aria-label': `Decrease quantity of ${item.name}` }, '−'),
            el('span', { class: 'qty-value' }, String(item.qty)),
            el('button', { type: 'button', class: 'qty-btn', 'data-action': 'inc', 'data-id': item.id,
              'aria-label': `Increase quantity of ${item.name}`, disabled: item.qty >= MAX_QTY }, '+'))),
        el('td', { class: 'col-total num' }, money(item.price * item.qty, CURRENCY))
      );
    }));

    table.hidden = cart.items.length === 0;
    if (empty) empty.hidden = cart.items.length > 0;

    if (focusKey) {
      const again = Array.from(body.querySelectorAll('button[data-action]'))
        .find((b) => b.dataset.action === focusKey.action && b.dataset.id === focusKey.id && !b.disabled);
      if (again) again.focus();
      else document.getElementById('basket-heading').focus();
    }
  }

  function setTotal(name, text) {
    const node = document.querySelector(`[data-total="${name}"]`);
    if (node) node.textContent = text;
  }

  function renderSummary(cart, relief) {
    if (!document.querySelector('[data-total="subtotal"]')) return;
    const t = totals(cart, relief);
    setTotal('subtotal', money(t.subtotal, CURRENCY));
    setTotal('delivery', t.delivery === 0 && t.subtotal > 0 ? 'Free' : money(t.delivery, CURRENCY));
    setTotal('total', money(t.payable, CURRENCY));

    const discountRow = document.querySelector('[data-row="discount"]');
    const discount = findRelief(relief, 'discount');
    if (discountRow) {
      discountRow.hidden = !discount || t.discount === 0;
      setTotal('discount', `−${money(t.discount, CURRENCY)}`);
      const code = discountRow.querySelector('[data-discount-code]');
      if (code) code.textContent = discount && typeof discount.offer.code === 'string' ? discount.offer.code : '';
    }

    const dueRow = document.querySelector('[data-row="due"]');
    const due = t.payable > 0 ? dueToday(relief, t.payable) : null;
    if (dueRow) {
      dueRow.hidden = due === null;
      if (due !== null) setTotal('due', money(due, CURRENCY));
    }

    const hint = document.querySelector('[data-delivery-hint]');
    if (hint) {
      hint.textContent = t.subtotal > 0 && t.subtotal < FREE_DELIVERY_FROM
        ? `Spend ${money(FREE_DELIVERY_FROM - t.subtotal, CURRENCY)} more for free delivery.`
        : '';
      hint.hidden = hint.textContent === '';
    }
  }

  function renderRelief(cart, relief) {
    const section = document.getElementById('relief-applied');
    const list = document.getElementById('relief-list');
    if (!section || !list) return;
    const t = totals(cart, relief);
    list.replaceChildren(...sortedRelief(relief).map((entry) => {
      const title = reliefTitle(entry.offer);
      return el('li', { class: 'relief-item', 'data-kind': entry.kind },
        el('div', { class: 'relief-item-head' },
          el('h3', null, title),
          el('button', { type: 'button', class: 'btn-link', 'data-remove-relief': entry.kind,
            'aria-label': `Remove ${title}` }, 'Remove')),
        reliefBody(entry, cart, t));
    }));
    section.hidden = relief.items.length === 0;
  }

  function refresh() {
    const cart = readCart();
    const relief = readRelief();
    renderCount(cart);
    renderReliefNotice(relief);
    renderBasket(cart, relief);
    renderSummary(cart, relief);
    renderRelief(cart, relief);
    syncWidget(cart);
  }

  // Only the relief parts: used when relief changes but the basket does not (no need to tell the widget).
  function refreshRelief() {
    const cart = readCart();
    const relief = readRelief();
    renderReliefNotice(relief);
    renderBasket(cart, relief);
    renderSummary(cart, relief);
    renderRelief(cart, relief);
  }

  let toastTimer = 0;
  function toast(message) {
    const node = document.querySelector('[data-toast]');
    if (!node) return;
    window.clearTimeout(toastTimer);
    node.textContent = message;
    node.classList.add('is-visible');
    toastTimer = window.setTimeout(() => {
      node.classList.remove('is-visible');
      node.textContent = '';
    }, 3500);
  }

  /* ---------- wiring ---------- */

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;

    const add = target.closest('button[data-add]');
    if (add) {
      const price = Number(add.dataset.price);
      if (add.dataset.add && add.dataset.name && isInt(price, 0)) addToCart(add.dataset.add, add.dataset.name, price);
      return;
    }

    const action = target.closest('button[data-action]');
    if (action && action.dataset.id) {
      const item = readCart().items.find((i) => i.id === action.dataset.id);
      if (!item) return;
      if (action.dataset.action === 'inc') setQty(item.id, item.qty + 1);
      else if (action.dataset.action === 'dec') setQty(item.id, item.qty - 1);
      else if (action.dataset.action === 'remove') setQty(item.id, 0);
      return;
    }

    const remove = target.closest('button[data-remove-relief]');
    if (remove) {
      const entry = findRelief(readRelief(), remove.dataset.removeRelief);
      removeRelief(remove.dataset.removeRelief);
      refreshRelief();
      if (entry) toast(`Removed: ${reliefTitle(entry.offer)}.`);
      // The button is gone: move focus somewhere sensible rather than losing it to <body>.
      const section = document.getElementById('relief-applied');
      const heading = document.getElementById(section && !section.hidden ? 'relief-heading' : 'summary-heading');
      if (heading) heading.focus();
      return;
    }

    if (target.closest('#pay-now')) {
      const note = document.getElementById('pay-note');
      const cart = readCart();
      const relief = readRelief();
      const t = totals(cart, relief);
      if (!note) return;
      if (cart.items.length === 0) {
        note.textContent = 'Your basket is empty, so there is nothing to pay. This is a demo shop; no payment is taken.';
      } else {
        const due = dueToday(relief, t.payable);
        note.textContent = `Thank you! This is a demo shop; no payment is taken. A real checkout would now take ${money(due === null ? t.payable : due, CURRENCY)}.`;
      }
      return;
    }

    if (target.closest('#open-help')) widget('open');
  });

  document.addEventListener('relief:accept', (event) => {
    const entry = acceptRelief(event.detail);
    if (!entry) return;
    refreshRelief();
    const title = reliefTitle(entry.offer);
    toast(document.getElementById('relief-applied')
      ? `Applied to your order: ${title}.`
      : `Saved for your order: ${title}. You will see it at checkout.`);
  });

  document.addEventListener('relief:ready', () => {
    const row = document.getElementById('help-row');
    if (row) row.hidden = false;
  });

  // Widget problems (bad config, failed load) are the widget's business: the shop carries on as normal.
  document.addEventListener('relief:error', () => {});

  // Another tab changed the basket.
  window.addEventListener('storage', (event) => {
    if (event.key === CART_KEY || event.key === null) refresh();
  });

  // Coming back through the browser history shows a page from the back/forward cache: bring it up to date.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) refresh();
  });

  refresh();
})();
