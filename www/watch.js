// The frustration watcher's page side, bundled with the relief_signals glue into relief_signals.js.
// It listens (input shape only: where, when, on what kind of element; never text), hands each event to
// the wasm (src/sentinel.rs: the detectors and the nudge policy), and draws the nudge beside the
// launcher when the policy allows. It never opens the dialog by itself: the visitor does.
import init, * as wasm from 'relief-signals-glue';
import NUDGE_CSS from './nudge.css';

export default init;

const d = document;
const w = window;
const TRACE = 'relief:trace';
const SHOWN = 'relief:nudged';
const QUIET = 'relief:quiet-until';
// The nearest control around what was hit: what a click or keystroke was meant for.
const CONTROL = 'a,button,input,select,textarea,label,summary,[role=button],[onclick],[tabindex]';

let live = false;
let open;
let copy;
let nudge = null;
let pending = null;
let styled = false;
const timers = {};
const last = {};
const unlisten = [];
let observer;

const later = (name, ms, fn) => {
  clearTimeout(timers[name]);
  timers[name] = setTimeout(fn, Math.min(Math.max(ms, 0), 600000));
};
const storage = (kind) => { try { return w[kind]; } catch (e) { return null; } };
const stored = (kind, key) => { try { return +storage(kind).getItem(key) || 0; } catch (e) { return 0; } };
const store = (kind, key, value) => {
  try {
    if (value === null) storage(kind).removeItem(key);
    else storage(kind).setItem(key, value);
  } catch (e) { /* storage blocked or full: the watcher works without memory */ }
};

/** Stops everything after an error (a wasm trap included): the launcher and the page carry on. */
function stop() {
  if (!live) return;
  live = false;
  hide();
  for (const off of unlisten) off();
  if (observer) observer.disconnect();
  for (const name in timers) clearTimeout(timers[name]);
  console.error('[relief] the frustration watcher stopped after an internal error; the page is unaffected');
}

const guarded = (fn) => function () {
  if (!live) return;
  try { fn.apply(this, arguments); } catch (e) { stop(); }
};

/** `tag#id.class.class[type=…][role=…]`, plus `[pointer]` under a hand cursor and `[external]` for
 *  links that leave the page. Never any text. */
function describe(el) {
  let out = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
  for (const name of (el.getAttribute('class') || '').split(/[\t\n\f\r ]+/).filter(Boolean).slice(0, 2)) out += '.' + name;
  for (const attr of ['type', 'role']) {
    const value = el.getAttribute(attr);
    if (value !== null) out += '[' + attr + '=' + value + ']';
  }
  if (getComputedStyle(el).cursor === 'pointer') out += '[pointer]';
  if (el.getAttribute('target') === '_blank' || el.hasAttribute('download') || /^(mailto|tel):/.test(el.getAttribute('href'))) out += '[external]';
  return out;
}

const element = (node) => (node && node.nodeType === 1 ? node : null);
const targetOf = (e) => { const hit = element(e.target); return hit && (hit.closest(CONTROL) || hit); };
const ours = (el) => el.tagName.toLowerCase() === 'relief-widget';

/** Whether `every` ms have passed since `name` was last sampled: frequent events become a sample. */
function sampled(name, every) {
  const now = Date.now();
  if (now - (last[name] || 0) < every) return false;
  last[name] = now;
  return true;
}

/** Feeds one event to the detectors and acts on what they say. */
function record(kind, x, y, target, n, t) {
  const said = wasm.record(kind, t || Date.now(), x || 0, y || 0, n || 0, target || '', false);
  if (!said) return;
  const { keep, tick, raised } = JSON.parse(said);
  if (keep) {
    let kept;
    try { kept = JSON.parse(storage('sessionStorage').getItem(TRACE)); } catch (e) { /* none yet */ }
    kept = Array.isArray(kept) ? kept : [];
    kept.push(keep);
    store('sessionStorage', TRACE, JSON.stringify(kept.slice(-50)));
  }
  // One timer for the detectors' next deadline; none when nothing is due.
  clearTimeout(timers.tick);
  if (tick !== undefined) later('tick', tick - Date.now(), guarded(() => record('tick', 0, 0, '', 0, tick)));
  for (const trigger of raised || []) consider(trigger);
}

/** What the policy says about a raised trigger now, and acting on it. */
function consider(trigger) {
  const verdict = wasm.decide(stored('sessionStorage', SHOWN), stored('localStorage', QUIET), Date.now());
  if (verdict === 0) show(trigger);
  else if (verdict > 0) {
    pending = trigger;
    later('wait', verdict - Date.now(), guarded(() => {
      const held = pending;
      pending = null;
      if (held) consider(held);
    }));
  }
}

function hostEvent(type, fields) {
  try {
    d.dispatchEvent(new CustomEvent('relief:' + type, { bubbles: true, detail: Object.assign({ type, at: Date.now() }, fields) }));
  } catch (e) { /* a host listener's error is the host's */ }
}

function tag(name, className, text) {
  const el = d.createElement(name);
  el.className = className;
  el.textContent = text;
  if (name === 'button') el.type = 'button';
  return el;
}

/** Draws the nudge beside the launcher: a status message, not a dialog, so focus stays where it is. */
function show([detector, reason]) {
  const host = d.querySelector('relief-widget');
  const root = host && host.shadowRoot;
  const launcher = root && root.querySelector('.launcher');
  if (!launcher || nudge) return;
  const [text, openLabel, dismissLabel, showMs] = copy;
  if (!styled) {
    styled = true;
    if (root.adoptedStyleSheets !== undefined && w.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(NUDGE_CSS);
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat(sheet);
    } else root.appendChild(tag('style', '', NUDGE_CSS));
  }
  nudge = tag('div', 'nudge', '');
  nudge.setAttribute('role', 'status');
  // The status region goes in empty and its words a moment later: screen readers announce a live
  // region's change, not one that arrives already filled.
  const message = nudge.appendChild(tag('p', '', ''));
  nudge.appendChild(tag('button', 'btn primary', openLabel));
  const dismiss = nudge.appendChild(tag('button', 'x', '×'));
  dismiss.setAttribute('aria-label', dismissLabel);
  dismiss.title = dismissLabel;
  launcher.parentNode.insertBefore(nudge, launcher);
  store('sessionStorage', SHOWN, String(stored('sessionStorage', SHOWN) + 1));
  hostEvent('nudge', { detector, reason });
  nudge.addEventListener('click', guarded((e) => {
    const hit = element(e.target);
    if (hit === dismiss) {
      hide();
      store('localStorage', QUIET, String(wasm.dismissed(Date.now())));
      hostEvent('dismiss', { stage: 'nudge', detector });
    } else if (hit && hit.tagName === 'BUTTON') {
      hide();
      open(detector, reason);
    }
  }));
  later('announce', 150, () => { message.textContent = text; });
  fadeLater(showMs);
}

/** Fades the nudge after `ms`, unless the visitor is on it then (hovering or focused): it waits. */
function fadeLater(ms) {
  later('fade', ms, () => {
    if (nudge && nudge.matches(':hover,:focus-within')) fadeLater(3000);
    else hide();
  });
}

function hide() {
  clearTimeout(timers.fade);
  if (nudge) nudge.remove();
  nudge = null;
}

/** Pointer entering or leaving a watched element: the total, the delivery line, or anything the shop
 *  marks with `data-relief-watch`. */
function hover(kind) {
  return (e) => {
    const hit = element(e.target);
    const watched = hit && hit.closest('[data-total],[data-relief-watch]');
    if (watched) record(kind, 0, 0, describe(watched));
  };
}

function listen(target, type, fn) {
  const options = { capture: true, passive: true };
  const handler = guarded(fn);
  target.addEventListener(type, handler, options);
  unlisten.push(() => target.removeEventListener(type, handler, options));
}

/** A page was shown: a load, or a single-page app's navigation. */
export const navigated = guarded(() => record('nav', 0, 0, location.pathname));

/** The cart now holds `items` items. */
export const cart = guarded((items) => record('cart', 0, 0, '', items));

/** The visitor gave or withdrew consent (`ReliefWidget.consent(...)`). */
export const consent = guarded((given) => {
  wasm.consent(given);
  if (!given) {
    hide();
    store('sessionStorage', TRACE, null);
  }
});

/** Starts watching. `config` is the shop's config as JSON, `pack` the visitor's language pack (JSON or
 *  undefined), `openDialog(detector, reason)` the loader's way to open the dialog for a nudge. */
export function watch(config, pack, openDialog) {
  if (live) return;
  copy = JSON.parse(wasm.start(config, pack, Date.now()));
  open = openDialog;
  live = true;
  // What earlier pages of this session kept, for the detectors that look across pages.
  let kept;
  try { kept = JSON.parse(storage('sessionStorage').getItem(TRACE)); } catch (e) { /* none, or storage blocked */ }
  for (const e of Array.isArray(kept) ? kept : []) {
    if (e && typeof e.t == 'number') wasm.record(String(e.kind), e.t, e.x | 0, e.y | 0, e.n | 0, String(e.kind == 'nav' ? e.url || '' : e.target || ''), true);
  }
  listen(d, 'click', (e) => {
    const target = targetOf(e);
    if (target && !ours(target)) record('click', e.clientX, e.clientY, describe(target));
  });
  listen(d, 'pointermove', (e) => { if (sampled('move', 50)) record('move', e.clientX, e.clientY); });
  listen(d, 'mouseout', (e) => { if (!e.relatedTarget) record('leave', e.clientX, e.clientY); });
  listen(d, 'touchstart', () => record('touch'));
  listen(w, 'scroll', () => { if (sampled('scroll', 100)) record('scroll', 0, w.scrollY | 0); });
  listen(d, 'input', (e) => {
    const target = targetOf(e);
    if (target && !ours(target)) record('input', 0, 0, describe(target));
  });
  for (const type of ['invalid', 'submit']) {
    listen(d, type, (e) => {
      const target = targetOf(e);
      if (target) record(type, 0, 0, describe(target));
    });
  }
  listen(d, 'pointerover', hover('hover'));
  listen(d, 'pointerout', hover('hover_end'));
  listen(d, 'visibilitychange', () => record(d.hidden ? 'hidden' : 'visible'));
  listen(w, 'popstate', navigated);
  listen(w, 'hashchange', navigated);
  // The page's own way to say a submission was refused (a declined card, a server error).
  listen(d, 'relief:rejected', () => record('rejected'));
  listen(d, 'relief:open', () => {
    wasm.opened();
    hide();
  });
  if (d.body) {
    observer = new MutationObserver(guarded(() => { if (sampled('mutation', 16)) record('mutation'); }));
    observer.observe(d.body, { childList: true, subtree: true, attributes: true, characterData: true });
  }
  navigated();
}
