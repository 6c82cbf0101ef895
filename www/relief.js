// relief-widget loader. One script tag: <script src="/relief/relief.js" async></script>
// The loader draws the launcher itself. The frustration watcher (relief_signals) loads when the browser
// is idle; the dialog (relief_core) only when a visitor shows intent: pointer over or focus on the
// launcher, a tap, a click, a nudge taken up, or ReliefWidget.open(). Every byte here is downloaded by
// every visitor of the shop: keep it small (`./build.sh size` holds it to 2 KB brotli).
(() => {
  'use strict';
  const w = window;
  const d = document;
  const existing = w.ReliefWidget;
  // Loaded twice: the first copy owns the widget.
  if (existing && existing._loader) return;

  const VERSION = typeof RELIEF_VERSION === 'string' ? RELIEF_VERSION : 'dev';
  const LANGUAGES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'pt', 'ar'];
  const SHELL_CSS =
    // The page's own !important rules cannot hide or move the host: inside wins for important rules.
    ':host{all:initial!important;display:block!important;position:static!important}*{box-sizing:border-box}' +
    '.wrap{--a:#2f6f5e;--on-a:#fff;--fg:#1d2321;position:fixed;z-index:2147483000;bottom:20px;inset-inline-end:20px;display:flex;' +
    'flex-direction:column;align-items:flex-end;gap:12px;pointer-events:none;font:15px/1.45 var(--font,system-ui,' +
    '-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--fg);text-align:start}' +
    // Black or white text on the shop's accent, whichever reads better: LCH lightness 50 is where the two
    // contrasts cross, so the text always reaches at least 4.5:1.
    '@supports (color:lch(from red l c h)){.wrap{--on-a:lch(from var(--a) calc((50 - l) * 1000) 0 0)}}' +
    // Logical sides mirror for right-to-left: the launcher keeps to the end of the line (or, with
    // `position: "left"`, its start), whichever side that is.
    '.wrap>*{pointer-events:auto}.wrap.left{align-items:flex-start;inset-inline:20px auto}' +
    '@media (prefers-color-scheme:dark){.wrap:not(.light){--fg:#edf1ef}}.wrap.dark{--fg:#edf1ef}' +
    'button{font:inherit;color:inherit;cursor:pointer;margin:0}:focus-visible{outline:3px solid var(--fg);outline-offset:2px}' +
    '.launcher{border:0;border-radius:999px;padding:12px 20px;min-height:48px;background:var(--a);color:var(--on-a);' +
    'font-weight:600;box-shadow:0 6px 20px rgba(0,0,0,.2)}' +
    '@media (max-width:520px){.wrap.wrap{inset-inline:0;bottom:0;' +
    'padding:0 12px calc(12px + env(safe-area-inset-bottom))}}';

  const script = d.currentScript || d.querySelector('script[src*="relief.js"]');
  const base = new URL('.', (script && script.src) || d.baseURI).href;
  const dataset = (script && script.dataset) || {};
  const queue = (existing && existing.q) || [];
  const idle = (fn) => (w.requestIdleCallback || setTimeout)(fn, { timeout: 3000 });
  const listeners = new Map();
  const isObject = (x) => x && typeof x == 'object' && !Array.isArray(x);
  let core;
  let loading;
  let dead;
  let host;
  let watcher;
  let consent;
  let items;
  let path = location.pathname;

  function emit(type, fields) {
    const id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => (256 + b).toString(16).slice(1)).join('');
    try {
      d.dispatchEvent(new CustomEvent('relief:' + type, { bubbles: true, composed: true, detail: Object.assign({ id, type, at: Date.now(), page: location.pathname }, fields) }));
    } catch (e) { /* a host listener's error is the host's; nothing may escape into the page */ }
  }

  const say = (message, reason) => {
    console.error('[relief] ' + message);
    emit('error', { reason });
  };
  const trap = (err) => w.WebAssembly && err instanceof WebAssembly.RuntimeError;

  /** Ends the widget: it could not start, or the dialog's wasm trapped (a Rust panic traps at once). */
  function fail(err) {
    if (dead) return;
    dead = 1;
    if (host) host.remove();
    const reason = trap(err) ? 'internal' : (err && err.message) || String(err);
    say('the widget ' + (trap(err) ? 'stopped after an internal error' : 'could not start: ' + reason) + '; the page is unaffected', reason);
  }

  // A trap in one of the widget's own listeners, or in a promise callback (an answer from the network
  // or the text understanding); the watcher's ends only the watcher (it says so).
  const trapped = (e, err) => {
    if (trap(err) && /relief_/.test(err.stack)) {
      if (/relief_core/.test(err.stack)) fail(err);
      e.preventDefault();
    }
  };
  w.addEventListener('error', (e) => trapped(e, e.error));
  w.addEventListener('unhandledrejection', (e) => trapped(e, e.reason));

  /** A widget module: its glue imported and its wasm compiled. */
  const module = (name) => import(base + name + '.js').then((m) => m.default({ module_or_path: base + name + '_bg.wasm' }).then(() => m));

  function run(name, arg) {
    try {
      if (name == 'open') core.open_from((arg && arg.detector) || arg || 'api', arg && arg.reason);
      else if (name == 'close') core.close();
      else if (name == 'setCart') {
        // A cart that cannot be written (a cycle, a BigInt) becomes null, which the widget reports.
        let json = 'null';
        try { json = JSON.stringify(arg) || json; } catch (e) { /* reported as null */ }
        core.set_cart(json);
      }
    } catch (e) {
      fail(e);
    }
  }

  function call(name, arg) {
    if (dead) return;
    if (core) return run(name, arg);
    queue.push([name, arg]);
    if (name == 'open') load();
  }

  const count = (cart) => (cart && Array.isArray(cart.items) ? cart.items : []).reduce((n, item) => n + ((item && +item.qty) || 1), 0);

  /** The config object (or, if it is not JSON, its text): window.reliefConfig, else data-config. */
  const configReady = (isObject(w.reliefConfig) ? Promise.resolve(w.reliefConfig)
    : dataset.config
      ? fetch(new URL(dataset.config, d.baseURI).href, { credentials: 'same-origin' }).then((r) => {
        if (!r.ok) throw Error('HTTP ' + r.status);
        return r.text();
      }).then((text) => {
        try { return JSON.parse(text); } catch (e) { return text; } // the widget reports where it breaks
      }, (e) => {
        const reason = 'config: could not load ' + dataset.config + ' (' + e.message + '); using the defaults';
        say(reason, reason);
        return {};
      })
      : Promise.resolve({})
  ).then((config) => {
    if (!isObject(config)) return config;
    config = Object.assign({}, config);
    for (const key of ['endpoint', 'locale', 'accent']) if (config[key] === undefined && dataset[key]) config[key] = dataset[key];
    // The visitor's language: the shop's choice, else the page's, else the browser's.
    const tags = [config.locale, d.documentElement.lang].concat(navigator.languages || [navigator.language]);
    config.locale = tags.find((t) => t && LANGUAGES.includes(language(t))) || config.locale || 'en';
    return config;
  });

  const language = (tag) => String(tag || 'en').split(/[-_]/)[0].toLowerCase();

  /** The built-in wording of the visitor's language as JSON text (English is built in): `.early` holds
   *  the launcher's and the nudge's words; the whole pack loads with the dialog. */
  const pack = (part) => configReady.then((config) => {
    const lang = language(config && config.locale);
    if (lang != 'en' && LANGUAGES.includes(lang)) return fetch(base + 'locales/' + lang + part + '.json').then((r) => (r.ok ? r.text() : undefined), () => {});
  });

  /** Reads a visitor's words on the device: the dialog's wasm `m` has the code, the model of their
   *  language (which knows English too; the list is `understand::LANGUAGES`) is fetched the first time
   *  someone writes, again after a failure or 10 s without an answer. The dialog asks the visitor if it
   *  fails; a trap ends the widget as anywhere else. */
  let model;
  const understand = (m, text, locale) => (model = model || fetch(base + 'relief_understand.' + (/^(de|fr|es|nl|it|pt)$/.test(language(locale)) ? language(locale) : 'en') + '.bin',
    { signal: AbortSignal.timeout && AbortSignal.timeout(1e4) }).then((r) => r.arrayBuffer()).then((b) => m.learn(new Uint8Array(b)) || Promise.reject()))
    .then(() => m.classify(text)).catch((e) => {
      model = 0;
      if (trap(e)) fail(e);
      throw e;
    });

  function load() {
    // After the shell: the dialog joins the loader's launcher, never a bare one of its own.
    return loading = loading || Promise.all([configReady, pack(''), module('relief_core'), shellReady]).then(([config, words, m]) => {
      m.mount(typeof config == 'string' ? config : JSON.stringify(config), words, (text, locale) => understand(m, text, locale));
      core = m;
      for (const [name, arg] of queue.splice(0)) run(name, arg);
    }).catch(fail);
  }

  /** The host element, its shadow root and the launcher; the widget adds its panel beside it. */
  function drawShell(config, words) {
    if (dead) return;
    config = isObject(config) ? config : {};
    host = d.createElement('relief-widget');
    const root = host.attachShadow({ mode: 'open' });
    const wrap = d.createElement('div');
    const launcher = d.createElement('button');
    const set = (name, value, test) => test && wrap.style.setProperty(name, value);
    if (root.adoptedStyleSheets && w.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(SHELL_CSS);
      root.adoptedStyleSheets = [sheet];
    } else root.appendChild(d.createElement('style')).textContent = SHELL_CSS;
    wrap.className = config.position == 'left' ? 'wrap left' : 'wrap';
    set('--a', config.accent, /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(config.accent));
    set('--r', config.radius + 'px', config.radius >= 0 && config.radius <= 28);
    // test() reads a missing font as the text "undefined", which would become the font.
    set('--font', config.font, typeof config.font == 'string' && /^[\w ,'"-]{1,200}$/.test(config.font));
    if (/^(light|dark)$/.test(config.theme)) wrap.classList.add(config.theme);
    if (config.locale) wrap.lang = config.locale;
    if (language(config.locale) == 'ar') wrap.dir = 'rtl';
    // The launcher's words: the shop's for this language, the shop's, the language pack's, English.
    const own = config.text || {};
    let packed;
    try { packed = JSON.parse(words).launcher; } catch (e) { /* English, or no pack */ }
    launcher.textContent = [(own[language(config.locale)] || {}).launcher, own.launcher, packed].find((t) => typeof t == 'string' && t.trim()) || 'Need a hand?';
    launcher.type = 'button';
    launcher.className = 'launcher';
    for (const [name, value] of [['data-action', 'open'], ['aria-haspopup', 'dialog'], ['aria-expanded', 'false']]) launcher.setAttribute(name, value);
    // Before the widget is there the launcher asks for it; afterwards the widget handles its own clicks.
    launcher.onclick = () => core || call('open', 'launcher');
    for (const type of ['pointerenter', 'focus', 'touchstart']) launcher.addEventListener(type, load, { passive: true, once: true });
    root.appendChild(wrap).appendChild(launcher);
    // On <html>, not <body>: a transformed body cannot move it, and a single-page app that replaces the
    // body's content does not remove it.
    d.documentElement.appendChild(host);
    emit('ready', { version: VERSION });
  }

  const api = w.ReliefWidget = {
    _loader: 1,
    version: VERSION,
    open: () => call('open', 'api'),
    close: () => call('close'),
    /** cart: { total, currency, items }, amounts in minor units (pence, cents). */
    setCart(cart) {
      items = count(cart);
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
      if (typeof fn == 'function' && !listeners.has(fn)) {
        listeners.set(fn, [name, listener]);
        d.addEventListener(name, listener);
      }
      return () => api.off(type, fn);
    },
    off(type, fn) {
      const entry = listeners.get(fn) || [];
      d.removeEventListener(entry[0], entry[1]);
      listeners.delete(fn);
    },
  };
  for (const [name, type, fn] of queue) {
    if (name == 'on') api.on(type, fn);
    // A cart set before the loader ran reaches the watcher too.
    if (name == 'setCart') items = count(type);
  }

  // Single-page apps: a new path is a new page, for the offers' page rules and the watcher's signals.
  function navigated() {
    if (location.pathname == path) return;
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

  const shellReady = Promise.all([configReady, pack('.early')]).then(([config, words]) => {
    drawShell(config, words);
    // data-debug loads the widget at once, so a shop's developer sees config problems on page load;
    // answers an earlier page could not deliver load it when the browser is idle, to send them.
    let undelivered;
    try { undelivered = localStorage.getItem('relief:outbox'); } catch (e) { /* storage blocked */ }
    if (dataset.debug !== undefined) load();
    else if (undelivered) idle(load);
    if (!isObject(config)) return;
    // With `data_layer: true`, analytics tags see what happened (never what anyone typed).
    if (config.data_layer === true) import(base + 'relief_tags.js').catch(() => {});
    // The frustration watcher; the launcher works without it, so its failures stay quiet.
    if (config.signals !== false) {
      idle(() => module('relief_signals').then((m) => {
        m.watch(JSON.stringify(config), words, (detector, reason) => call('open', { detector, reason }));
        watcher = m;
        if (consent !== undefined) m.consent(consent);
        if (items !== undefined) m.cart(items);
      }).catch(() => {}));
    }
  }).catch(fail);
  if (queue.some((entry) => entry[0] == 'open')) load();
})();
