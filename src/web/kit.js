// The widget's hands in the page: a few coarse DOM, storage and network operations for src/web/, so the
// wasm imports a handful of functions instead of a binding per DOM method. It decides nothing: the
// core says what to show (a Screen as JSON) and what to send. Every visitor- or shop-provided string
// is set with textContent or an attribute, never parsed as HTML. Errors stay here: nothing throws
// into the wasm.

const d = document;
// The wasm's one callback: call(kind, number, text) (kinds in src/web/kit.rs).
let call, host, root, launcher, panel, heading, body, closer, locale, before, formats;

const el = (tag, cls) => {
  const e = d.createElement(tag);
  if (cls) e.className = cls;
  return e;
};
const attrs = (e, pairs) => {
  for (let i = 0; i < pairs.length; i += 2) e.setAttribute(pairs[i], pairs[i + 1]);
  return e;
};
const q = (s) => {
  try {
    return root.querySelector(s);
  } catch (_) {
    return null;
  }
};
const FIELD = '.body textarea, .body input';

export const hook = (f) => {
  call = f;
};

// Adds the dialog to the shell the loader drew (<relief-widget>, its shadow root and launcher), or
// draws a bare shell first when there is none (the widget mounted without its loader).
export function mount(left, css, loc) {
  locale = loc;
  formats = {};
  before = null;
  host = d.querySelector('relief-widget');
  root = host && host.shadowRoot;
  let wrap = root && root.querySelector('.wrap');
  launcher = root && root.querySelector('.launcher');
  if (!wrap || !launcher) {
    host = el('relief-widget');
    root = host.attachShadow({ mode: 'open' });
    wrap = el('div', left ? 'wrap left' : 'wrap');
    launcher = attrs(el('button', 'launcher'), ['type', 'button', 'data-action', 'open', 'aria-haspopup', 'dialog']);
    wrap.append(launcher);
    root.append(wrap);
    d.body.append(host);
  }
  // A constructed stylesheet is CSSOM, not inline style, so a strict Content-Security-Policy allows it.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  // Focus stays inside while it is open (Tab wraps around), as in any modal dialog.
  panel = attrs(el('div', 'panel'), ['role', 'dialog', 'aria-labelledby', 'rw-heading', 'aria-modal', 'true', 'hidden', '']);
  const head = el('div', 'head');
  heading = el('h2');
  heading.id = 'rw-heading';
  heading.tabIndex = -1;
  closer = attrs(el('button', 'x'), ['type', 'button', 'data-action', 'close']);
  closer.textContent = '\u00d7';
  head.append(heading, closer);
  body = el('div', 'body');
  panel.append(head, body);
  wrap.insertBefore(panel, launcher);

  // Three listeners serve every render; buttons (and forms, for submit) carry a data-action code.
  const act = (e) => {
    const t = e.target;
    const a = t && t.closest && t.closest(e.type == 'submit' ? 'form[data-action]' : 'button[data-action]');
    if (!a) return;
    let done;
    try {
      done = call(0, 0, a.getAttribute('data-action'));
    } finally {
      if (done !== false) e.preventDefault();
    }
  };
  root.addEventListener('click', act);
  root.addEventListener('submit', act);
  root.addEventListener('keydown', (e) => {
    if (e.key == 'Escape') call(1);
    else if (e.key == 'Tab' && wrapFocus(e.shiftKey)) e.preventDefault();
  });
}

// Tab on the dialog's last control goes to its first (Shift+Tab the other way round); true when it
// moved focus, so the browser's own move is cancelled.
function wrapFocus(back) {
  if (panel.hasAttribute('hidden')) return false;
  const all = panel.querySelectorAll('button,input,textarea,a[href]');
  const first = all[0];
  const last = all[all.length - 1];
  if (!first) return false;
  const a = root.activeElement;
  const edge = back ? first : last;
  // Going backwards from the heading (where focus lands on a new screen) also wraps.
  if (!a || a == edge || (back && a == heading) || !panel.contains(a)) {
    (back ? last : first).focus();
    return true;
  }
  return false;
}

// The value of the form field `name`; a ticked box is "yes".
export function value(name) {
  const f = root.getElementById('rw-' + name);
  if (!f) return '';
  if (f.getAttribute('type') == 'checkbox') return f.checked ? 'yes' : '';
  return typeof f.value == 'string' ? f.value : '';
}

const money = (minor, currency, exponent) => {
  try {
    const f = formats[currency] || (formats[currency] = new Intl.NumberFormat(locale, { style: 'currency', currency }));
    return f.format(minor / 10 ** exponent);
  } catch (_) {
    return currency + ' ' + minor;
  }
};

// A rate in basis points as a percentage in the visitor's locale (1990: "19.9%").
const percent = (bp) => {
  try {
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(bp / 1e4);
  } catch (_) {
    return Math.floor(bp / 100) + '%';
  }
};

// Shows a screen (src/view.rs Screen::to_json); when `moved` (the stage changed) focus goes where the
// screen says. A DOM call can only fail if the page removed our nodes; there is nothing better to do.
export function render(json, moved) {
  try {
    show(JSON.parse(json), moved);
  } catch (_) {}
}

function show(s, moved) {
  const text = (pieces) =>
    pieces.map((p) => (typeof p == 'string' ? p : typeof p == 'number' ? money(p, s.c, s.e) : percent(p[0]))).join('');
  const para = (t, cls) => {
    const p = el('p', cls);
    p.textContent = t;
    return p;
  };
  const button = ([label, code, primary], cls) => {
    const b = attrs(el('button', primary ? 'btn primary' : cls), ['type', 'button', 'data-action', code]);
    b.textContent = label;
    return b;
  };
  launcher.textContent = s.l;
  const g = s.d;
  if (!g) {
    panel.setAttribute('hidden', '');
    launcher.setAttribute('aria-expanded', 'false');
    return;
  }
  attrs(launcher, ['aria-expanded', 'true']);
  attrs(closer, ['aria-label', g.x, 'title', g.x]);
  heading.textContent = text(g.h);
  // The same screen drawn again (an error shown, the cart changed) keeps what the visitor typed and
  // where their focus was.
  let typed, focus;
  if (!moved) {
    const f = q(FIELD);
    typed = f && [f.id, value(f.id.replace(/^(rw-)*/, ''))];
    const a = root.activeElement;
    if (a && body.contains(a)) {
      const code = a.getAttribute('data-action');
      focus = code == null ? '#' + a.id : '[data-action="' + code + '"]';
    }
  }
  body.textContent = '';
  for (const b of g.b) {
    let n;
    const k = b[0];
    if (k == 'p') n = para(text(b[1]), '');
    else if (k == 'c' || k == 'r') {
      n = el('div', k == 'c' ? 'choices' : 'row');
      for (const x of b[1]) n.append(button(x, k == 'c' ? 'choice' : 'btn'));
    } else if (k == 'o') {
      // One offer: the whole card is one button, so its accessible name is its title and detail.
      n = attrs(el('button', 'offer'), ['type', 'button', 'data-action', b[1]]);
      const strong = el('b');
      strong.textContent = text(b[2]);
      const span = el('span');
      span.textContent = text(b[3]);
      n.append(strong, span);
    } else if (k == 'f') {
      n = el('form');
      for (const x of b[1]) field(n, x, para);
      const row = el('div', 'row');
      b[2].forEach((x, i) => {
        const btn = button(x, 'btn');
        if (!i) {
          // The form submits with the first button (and Enter); the action sits on the form.
          btn.setAttribute('type', 'submit');
          btn.removeAttribute('data-action');
          n.setAttribute('data-action', x[1]);
        }
        row.append(btn);
      });
      n.append(row);
    } else {
      n = el('p');
      const a = attrs(el('a'), ['href', b[1]]);
      a.textContent = b[2];
      n.append(a);
    }
    body.append(n);
  }
  panel.removeAttribute('hidden');
  if (moved) {
    ((g.f && q(g.f < 2 ? '.body button' : FIELD)) || heading).focus();
    return;
  }
  if (typed) {
    const f = root.getElementById(typed[0]);
    if (f && (f.tagName == 'TEXTAREA' || f.tagName == 'INPUT')) f.value = typed[1];
  }
  // Only when focus was in what was rebuilt. A submit button has no data-action or id: its form's
  // field takes focus, so the visitor can fix what was refused.
  if (focus != null) {
    const t = (focus != '#' && q(focus)) || q(FIELD);
    if (t) t.focus();
  }
}

// One field into `form`: its label, the control (with what it holds), its hint and its error.
// [name, label, hint, input (0 line, 1 lines, 2 box, or [[value, label], ...]), autocomplete, value, error]
function field(form, [name, label, hint, input, auto, val, error], para) {
  const id = 'rw-' + name;
  const l = attrs(el('label'), ['for', id]);
  l.textContent = label;
  let i;
  if (input == 1) {
    i = attrs(el('textarea'), ['maxlength', '1000']);
    i.textContent = val;
  } else if (input == 0) {
    i = attrs(el('input'), ['type', 'text', 'maxlength', '200', 'value', val]);
    if (auto == 'email') i.setAttribute('inputmode', 'email');
  } else if (input == 2) {
    i = attrs(el('input'), ['type', 'checkbox']);
    if (val == 'yes') i.setAttribute('checked', '');
  } else {
    i = el('select');
    for (const [v, t] of input) {
      const o = attrs(el('option'), ['value', v]);
      o.textContent = t;
      if (v == val) o.setAttribute('selected', '');
      i.append(o);
    }
  }
  i.id = id;
  i.setAttribute('autocomplete', auto);
  const described = [];
  if (error != null) {
    i.setAttribute('aria-invalid', 'true');
    described.push(id + '-err');
  }
  if (hint) described.push(id + '-hint');
  if (described.length) i.setAttribute('aria-describedby', described.join(' '));
  if (input == 2) {
    // The box first, its words beside it.
    const line = el('div', 'check');
    line.append(i, l);
    form.append(line);
  } else form.append(l, i);
  if (hint) {
    const h = para(hint, 'hint');
    h.id = id + '-hint';
    form.append(h);
  }
  if (error != null) {
    const e = attrs(para(error, 'err'), ['role', 'alert']);
    e.id = id + '-err';
    form.append(e);
  }
}

// Where focus was before the dialog opened, to give it back on close.
export function remember() {
  const a = d.activeElement;
  before = a instanceof HTMLElement ? a : null;
}

// Focus that was nowhere in particular (the body), or in the widget, goes back to the launcher.
export function giveBack() {
  const b = before;
  before = null;
  if (b && b != host && b != d.body && b.isConnected) b.focus();
  else launcher.focus();
}

// Removes the widget's element.
export function remove() {
  if (host) host.remove();
}

// Dispatches relief:<type> on document with the event as detail. A host listener that throws is the
// host's own error; dispatchEvent reports it without stopping the widget.
export function emit(type, json) {
  let detail = null;
  try {
    detail = JSON.parse(json);
  } catch (_) {}
  d.dispatchEvent(new CustomEvent('relief:' + type, { bubbles: true, composed: true, detail }));
}

export const err = (m) => console.error('[relief] ' + m);
export const now = () => Date.now();
export const page = () => location.pathname;
export const jitter = () => (Math.random() * 1000) | 0;

// 16 random bytes as hex.
export function id() {
  const b = new Uint8Array(16);
  try {
    crypto.getRandomValues(b);
  } catch (_) {}
  return Array.from(b, (x) => (x < 16 ? '0' : '') + x.toString(16)).join('');
}

// localStorage, or sessionStorage when `session`; blocked storage reads as empty and refuses writes.
const store = (session) => (session ? sessionStorage : localStorage);
export function get(session, key) {
  try {
    return store(session).getItem(key);
  } catch (_) {
    return null;
  }
}
export function put(session, key, v) {
  try {
    store(session).setItem(key, v);
    return true;
  } catch (_) {
    return false;
  }
}
export function del(key) {
  try {
    localStorage.removeItem(key);
    return true;
  } catch (_) {
    return false;
  }
}

// Asks the loader's text understanding; its answer ("category\tconfidence") or failure comes back as
// call(2, ticket). False when it could not even be asked.
export function ask(f, ticket, text, loc) {
  let p;
  try {
    p = f(text, loc);
  } catch (_) {
    return false;
  }
  Promise.resolve(p).then(
    (a) => call(2, ticket, typeof a == 'string' ? a : null),
    () => call(2, ticket, null),
  );
  return true;
}

// POSTs body (JSON) to the shop's code_url; the answer's `code`, or null on any failure or after
// `ms`, comes back as call(3, ticket).
export function code(url, json, ticket, ms) {
  const no = () => call(3, ticket, null);
  setTimeout(no, ms);
  fetch(url, { method: 'POST', body: json, headers: { 'Content-Type': 'application/json' }, cache: 'no-store' }).then(
    (r) => (r.ok ? r.json().then((a) => call(3, ticket, a != null && typeof a.code == 'string' ? a.code : null), no) : no()),
    no,
  );
}

// The outbox. call(4) runs once the Web Lock `name` is ours and returns the request's promise (or
// undefined), which holds the lock until it has settled; false when the browser has no Web Locks.
export function lock(name) {
  try {
    // A refused request (an opaque origin) rejects instead of throwing: send without the lock then, as
    // browsers without Web Locks do, rather than never.
    let got;
    navigator.locks.request(name, () => ((got = 1), call(4))).catch(() => got || call(4));
    return true;
  } catch (_) {
    return false;
  }
}

// A string body is sent as text/plain, which needs no CORS preflight. The status (0 for a network
// failure) comes back as call(5, status, tag).
export function post(url, text, tag) {
  const settle = (status) => call(5, status, tag);
  return fetch(url, { method: 'POST', body: text, credentials: 'omit', keepalive: true }).then(
    (r) => settle(r.status),
    () => settle(0),
  );
}

export function beacon(url, text) {
  try {
    navigator.sendBeacon(url, text);
  } catch (_) {}
}

export const timer = (ms) => setTimeout(() => call(6), ms);
export const clear = (t) => clearTimeout(t);
const hide = () => call(7);
export const pagehide = (on) => (on ? addEventListener('pagehide', hide) : removeEventListener('pagehide', hide));
