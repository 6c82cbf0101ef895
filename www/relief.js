// relief-widget loader. One script tag: <script src="/relief/relief.js" async></script>
// The loader draws the launcher itself. The frustration watcher (relief_signals) loads when the browser
// is idle; the dialog (relief_core) only when a visitor shows intent: pointer over or focus on the
// launcher, a tap, a click, a nudge taken up, or ReliefWidget.open().
(() => {
  'use strict';
  const w = window;
  const d = document;
  const existing = w.ReliefWidget;
  // Loaded twice: the first copy owns the widget.
  if (existing && existing._loader) return;

  const VERSION = typeof RELIEF_VERSION === 'string' ? RELIEF_VERSION : 'dev';
  const PREFIX = '[relief] ';
  const LANGUAGES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'pt', 'ar'];
  const SHELL_CSS =
    // The page's own !important rules cannot hide or move the host: inside wins for important rules.
    ':host{all:initial!important;display:block!important;position:static!important}*{box-sizing:border-box}' +
    '.wrap{--a:#2f6f5e;--on-a:#fff;--fg:#1d2321;position:fixed;z-index:2147483000;bottom:20px;right:20px;display:flex;' +
    'flex-direction:column;align-items:flex-end;gap:12px;pointer-events:none;font:15px/1.45 var(--font,system-ui,' +
    '-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--fg);text-align:start}' +
    // Black or white text on the shop's accent, whichever reads better: LCH lightness 50 is where the two
    // contrasts cross, so the text always reaches at least 4.5:1.
    '@supports (color:lch(from red l c h)){.wrap{--on-a:lch(from var(--a) calc((50 - l) * 1000) 0 0)}}' +
    // Mirrored for right-to-left: the launcher keeps to the end of the line, whichever side that is.
    '.wrap>*{pointer-events:auto}.wrap.left{align-items:flex-start}.wrap.left,.wrap[dir=rtl]{right:auto;left:20px}' +
    '.wrap.left[dir=rtl]{left:auto;right:20px}' +
    '@media (prefers-color-scheme:dark){.wrap:not(.light){--fg:#edf1ef}}.wrap.dark{--fg:#edf1ef}' +
    'button{font:inherit;color:inherit;cursor:pointer;margin:0}:focus-visible{outline:3px solid var(--fg);outline-offset:2px}' +
    '.launcher{border:0;border-radius:999px;padding:12px 20px;min-height:48px;background:var(--a);color:var(--on-a);' +
    'font-weight:600;box-shadow:0 6px 20px rgba(0,0,0,.2)}' +
    '@media (max-width:520px){.wrap,.wrap.left,.wrap[dir=rtl]{left:0;right:0;bottom:0;' +
    'padding:0 12px calc(12px + env(safe-area-inset-bottom))}}';

  const script = d.currentScript || d.querySelector('script[src*="relief.js"]');
  const base = new URL('.', (script && script.src) || d.baseURI).href;
  const dataset = (script && script.dataset) || {};
  const queue = (existing && existing.q) || [];
  const idle = (fn) => (w.requestIdleCallback || setTimeout)(fn, { timeout: 3000 });
  let core = null;
  let loading = null;
  let dead = false;
  let host = null;
  let watcher = null;
  let consent;
  let items;

  const randomId = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => (256 + b).toString(16).slice(1)).join('');

  function emit(type, fields) {
    const detail = Object.assign({ id: randomId(), type, at: Date.now(), page: location.pathname }, fields);
    try {
      d.dispatchEvent(new CustomEvent('relief:' + type, { bubbles: true, composed: true, detail }));
    } catch (e) { /* a host listener's error is the host's; nothing may escape into the page */ }
  }

  function fail(err) {
    if (dead) return;
    dead = true;
    if (host) host.remove();
    // A trap is a Rust panic: the widget's panic hook has already logged and reported it.
    if (w.WebAssembly && err instanceof WebAssembly.RuntimeError) return;
    const reason = (err && err.message) || String(err);
    console.error(PREFIX + 'the widget could not start: ' + reason + '; the page is unaffected');
    emit('error', { reason });
  }

  w.addEventListener('error', (e) => {
    if (w.WebAssembly && e.error instanceof WebAssembly.RuntimeError && /relief_/.test(e.error.stack)) {
      // The dialog's panic ends the widget; the watcher's only ends the watcher (it says so itself).
      if (/relief_core/.test(e.error.stack)) dead = true;
      e.preventDefault();
    }
  });

  function run(name, arg) {
    try {
      if (name === 'open') core.open_from(arg && arg.detector ? arg.detector : arg || 'api', arg && arg.reason);
      else if (name === 'close') core.close();
      else if (name === 'setCart') core.set_cart(cartJson(arg));
    } catch (e) {
      fail(e);
    }
  }

  /** A cart as JSON; one that cannot be written (a cycle, a BigInt) becomes null, which the widget reports. */
  function cartJson(cart) {
    try { return JSON.stringify(cart === undefined ? null : cart); } catch (e) { return 'null'; }
  }

  const itemCount = (cart) => (cart && Array.isArray(cart.items) ? cart.items : []).reduce((n, item) => n + ((item && +item.qty) || 1), 0);

  function call(name, arg) {
    if (dead) return;
    if (core) return run(name, arg);
    queue.push([name, arg]);
    if (name === 'open') load();
  }

  /** The config object (or, if it is not JSON, its text): window.reliefConfig, else data-config. */
  const configReady = (w.reliefConfig && typeof w.reliefConfig === 'object'
    ? Promise.resolve(w.reliefConfig)
    : dataset.config
      ? fetch(new URL(dataset.config, d.baseURI).href, { credentials: 'same-origin' }).then((r) => {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.text();
      }).then((text) => {
        try { return JSON.parse(text); } catch (e) { return text; } // the widget reports where it breaks
      }, (e) => {
        const reason = 'config: could not load ' + dataset.config + ' (' + e.message + '); using the defaults';
        console.error(PREFIX + reason);
        emit('error', { reason });
        return {};
      })
      : Promise.resolve({})
  ).then((config) => {
    if (!config || typeof config !== 'object' || Array.isArray(config)) return config;
    config = Object.assign({}, config);
    for (const key of ['endpoint', 'locale', 'accent']) {
      if (config[key] === undefined && dataset[key]) config[key] = dataset[key];
    }
    // The visitor's language: the shop's choice, else the page's, else the browser's.
    const tags = [config.locale, d.documentElement.lang].concat(navigator.languages || [navigator.language]);
    const tag = tags.find((t) => t && LANGUAGES.includes(String(t).split(/[-_]/)[0].toLowerCase()));
    config.locale = tag || config.locale || 'en';
    return config;
  });

  const language = (config) => String((config && config.locale) || 'en').split(/[-_]/)[0].toLowerCase();

  /** The built-in wording of the visitor's language as JSON text; English is built in. */
  const packReady = configReady.then((config) => {
    const lang = language(config);
    return lang === 'en' || !LANGUAGES.includes(lang)
      ? undefined
      : fetch(base + 'locales/' + lang + '.json').then((r) => (r.ok ? r.text() : undefined), () => undefined);
  });

  /** Reads a visitor's words on the device; the module is fetched the first time someone writes. */
  let reader;
  const understand = (text, locale) => (reader = reader || import(base + 'relief_understand.js')
    .then((m) => m.default({ module_or_path: base + 'relief_understand_bg.wasm' }).then(() => m)))
    .then((m) => m.classify(text, locale));

  function load() {
    if (loading) return loading;
    loading = Promise.all([configReady, packReady, import(base + 'relief_core.js')])
      .then(([config, pack, mod]) => mod.default({ module_or_path: base + 'relief_core_bg.wasm' }).then(() => {
        mod.mount(typeof config === 'string' ? config : JSON.stringify(config), pack, understand);
        core = mod;
        for (const [name, arg] of queue.splice(0)) run(name, arg);
      }))
      .catch(fail);
    return loading;
  }

  /** The launcher's words: the shop's for this language, the shop's, the language pack's, English. */
  function launcherText(config, pack) {
    const own = (config && config.text) || {};
    let packed;
    try { packed = pack && JSON.parse(pack).launcher; } catch (e) { /* the widget reports nothing for packs */ }
    const found = [(own[language(config)] || {}).launcher, own.launcher, packed].find((t) => typeof t === 'string' && t.trim());
    return found || 'Need a hand?';
  }

  /** The host element, its shadow root and the launcher; the widget adds its panel beside it. */
  function drawShell(config, pack) {
    if (dead) return;
    host = d.createElement('relief-widget');
    const root = host.attachShadow({ mode: 'open' });
    if (root.adoptedStyleSheets !== undefined && CSSStyleSheet.prototype.replaceSync) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(SHELL_CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      const style = d.createElement('style');
      style.textContent = SHELL_CSS;
      root.appendChild(style);
    }
    const wrap = d.createElement('div');
    wrap.className = config && config.position === 'left' ? 'wrap left' : 'wrap';
    if (config && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(config.accent)) wrap.style.setProperty('--a', config.accent);
    if (config && config.locale) wrap.lang = config.locale;
    if (config && /^(light|dark)$/.test(config.theme)) wrap.classList.add(config.theme);
    if (config && config.radius >= 0 && config.radius <= 28) wrap.style.setProperty('--r', config.radius + 'px');
    if (config && /^[\w ,'"-]{1,200}$/.test(config.font)) wrap.style.setProperty('--font', config.font);
    if (language(config) === 'ar') wrap.dir = 'rtl';
    const launcher = d.createElement('button');
    launcher.type = 'button';
    launcher.className = 'launcher';
    launcher.setAttribute('data-action', 'open');
    launcher.setAttribute('aria-haspopup', 'dialog');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.textContent = launcherText(config, pack);
    // Before the widget is there the launcher asks for it; afterwards the widget handles its own clicks.
    launcher.addEventListener('click', () => { if (!core) call('open', 'launcher'); });
    for (const type of ['pointerenter', 'focus', 'touchstart']) launcher.addEventListener(type, load, { passive: true, once: true });
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    // On <html>, not <body>: a transformed body cannot move it, and a single-page app that replaces the
    // body's content does not remove it.
    d.documentElement.appendChild(host);
    emit('ready', { version: VERSION });
  }

  /** Starts the frustration watcher; the launcher works without it, so its failures stay quiet. */
  function watch(config, pack) {
    import(base + 'relief_signals.js').then((m) => m.default({ module_or_path: base + 'relief_signals_bg.wasm' }).then(() => {
      m.watch(JSON.stringify(config), pack, (detector, reason) => call('open', { detector, reason }));
      watcher = m;
      if (consent !== undefined) m.consent(consent);
      if (items !== undefined) m.cart(items);
    })).catch(() => {});
  }

  w.ReliefWidget = {
    _loader: true,
    version: VERSION,
    open: () => call('open', 'api'),
    close: () => call('close'),
    /** cart: { total, currency, items }, amounts in minor units (pence, cents). */
    setCart(cart) {
      items = itemCount(cart);
      if (watcher) watcher.cart(items);
      call('setCart', cart);
    },
    /** For shops that need consent first (config `consent: "required"`): nothing is watched before this. */
    consent(given) {
      consent = !!given;
      if (watcher) watcher.consent(consent);
    },
    /** Calls fn(detail) for every `relief:<type>` event; returns a function that stops it. */
    on(type, fn) {
      const name = 'relief:' + String(type).replace(/^relief:/, '');
      const listener = (e) => { try { fn(e.detail); } catch (err) { console.error(err); } };
      if (typeof fn === 'function' && !listeners.has(fn)) {
        listeners.set(fn, [name, listener]);
        d.addEventListener(name, listener);
      }
      return () => w.ReliefWidget.off(type, fn);
    },
    off(type, fn) {
      const entry = listeners.get(fn);
      if (entry) d.removeEventListener(entry[0], entry[1]);
      listeners.delete(fn);
    },
  };
  const listeners = new Map();
  for (const [name, type, fn] of queue) if (name === 'on') w.ReliefWidget.on(type, fn);

  // Single-page apps: a new path is a new page, for the offers' page rules and the watcher's signals.
  let path = location.pathname;
  function navigated() {
    if (location.pathname === path) return;
    path = location.pathname;
    try {
      if (core) core.set_page(path);
      if (watcher) watcher.navigated();
    } catch (e) { /* the next page load starts afresh */ }
  }
  for (const method of ['pushState', 'replaceState']) {
    const original = history[method];
    history[method] = function () {
      const result = original.apply(this, arguments);
      navigated();
      return result;
    };
  }
  w.addEventListener('popstate', navigated);

  /** With `data_layer: true`, analytics tags see what happened, never what anyone typed. */
  function dataLayer() {
    for (const type of ['open', 'answer', 'offer', 'accept', 'dismiss', 'nudge']) {
      d.addEventListener('relief:' + type, (e) => {
        const x = e.detail || {};
        const offer = x.offer || {};
        const trigger = x.trigger && (x.trigger.detector || x.trigger);
        try {
          (w.dataLayer = w.dataLayer || []).push({ event: 'relief_' + type, relief: { frustration: x.frustration, category: x.category, offer: offer.id, kind: offer.kind, stage: x.stage, trigger } });
        } catch (err) { /* the page's dataLayer is its own */ }
      });
    }
  }

  Promise.all([configReady, packReady]).then(([config, pack]) => {
    drawShell(config, pack);
    if (config && config.data_layer === true) dataLayer();
    // data-debug loads the widget at once, so a shop's developer sees config problems on page load;
    // answers an earlier page could not deliver load it when the browser is idle, to send them.
    let undelivered = false;
    try { undelivered = !!localStorage.getItem('relief:outbox'); } catch (e) { /* storage blocked */ }
    if (dataset.debug !== undefined) load();
    else if (undelivered) idle(load);
    if (config && typeof config === 'object' && config.signals !== false) idle(() => watch(config, pack));
  }).catch(fail);
  // A cart set before the loader ran reaches the watcher too.
  for (const [name, arg] of queue) if (name === 'setCart') items = itemCount(arg);
  if (queue.some((entry) => entry[0] === 'open')) load();
})();
