// relief-widget loader. One script tag: <script src="/relief/relief.js" async></script>
// The loader draws the launcher itself and fetches the widget (wasm) only when a visitor shows intent:
// pointer over or focus on the launcher, a tap, a click, or ReliefWidget.open(). Visitors who never
// reach for help download this file alone.
(function () {
  'use strict';
  var w = window;
  var d = document;
  var existing = w.ReliefWidget;
  // Loaded twice: the first copy owns the widget.
  if (existing && existing._loader) return;

  var VERSION = typeof RELIEF_VERSION === 'string' ? RELIEF_VERSION : 'dev';
  var PREFIX = '[relief] ';
  var SHELL_CSS =
    ':host{all:initial}*{box-sizing:border-box}' +
    '.wrap{--a:#2f6f5e;--on-a:#fff;--fg:#1d2321;' +
    'position:fixed;z-index:2147483000;bottom:20px;right:20px;display:flex;flex-direction:column;align-items:flex-end;' +
    'gap:12px;pointer-events:none;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);' +
    'text-align:left}' +
    // Black or white text on the shop's accent, whichever reads better: LCH lightness 50 is where the two
    // contrasts cross, so the text always reaches at least 4.5:1.
    '@supports (color:lch(from red l c h)){.wrap{--on-a:lch(from var(--a) calc((50 - l) * 1000) 0 0)}}' +
    '.wrap>*{pointer-events:auto}.wrap.left{right:auto;left:20px;align-items:flex-start}' +
    '@media (prefers-color-scheme:dark){.wrap{--fg:#edf1ef}}' +
    'button{font:inherit;color:inherit;cursor:pointer;margin:0}:focus-visible{outline:3px solid var(--fg);outline-offset:2px}' +
    '.launcher{border:0;border-radius:999px;padding:12px 20px;min-height:48px;background:var(--a);color:var(--on-a);' +
    'font-weight:600;box-shadow:0 6px 20px rgba(0,0,0,.2)}' +
    '@media (max-width:520px){.wrap,.wrap.left{left:0;right:0;bottom:0;padding:0 12px calc(12px + env(safe-area-inset-bottom))}}';

  var script = d.currentScript || d.querySelector('script[src*="relief.js"]');
  var base = new URL('.', (script && script.src) || d.baseURI).href;
  var dataset = (script && script.dataset) || {};
  var queue = (existing && existing.q) || [];
  var core = null;
  var loading = null;
  var dead = false;
  var launcher = null;
  let watcher = null;
  let consent;
  let items;

  const randomId = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => (256 + b).toString(16).slice(1)).join('');

  function emit(type, fields) {
    var detail = { id: randomId(), type: type, at: Date.now(), page: location.pathname };
    for (var key in fields) detail[key] = fields[key];
    try {
      d.dispatchEvent(new CustomEvent('relief:' + type, { bubbles: true, composed: true, detail: detail }));
    } catch (e) { /* a host listener's error is the host's; nothing may escape into the page */ }
  }

  function fail(err) {
    if (dead) return;
    dead = true;
    if (launcher) launcher.parentNode.parentNode.host.remove();
    // A trap is a Rust panic: the widget's panic hook has already logged and reported it.
    if (w.WebAssembly && err instanceof WebAssembly.RuntimeError) return;
    var reason = (err && err.message) || String(err);
    console.error(PREFIX + 'the widget could not start: ' + reason + '; the page is unaffected');
    emit('error', { reason: reason });
  }

  w.addEventListener('error', function (e) {
    var trap = w.WebAssembly && e.error instanceof WebAssembly.RuntimeError;
    if (trap && String(e.error.stack).indexOf('relief_core') >= 0) {
      dead = true;
      e.preventDefault();
    }
  });

  function run(name, arg) {
    try {
      if (name === 'open') core.open_from(arg && arg.detector ? arg.detector : arg || 'api', arg && arg.reason);
      else if (name === 'close') core.close();
      else if (name === 'setCart') core.set_cart(JSON.stringify(arg === undefined ? null : arg));
    } catch (e) {
      fail(e);
    }
  }

  function call(name, arg) {
    if (dead) return;
    if (core) return run(name, arg);
    queue.push([name, arg]);
    if (name === 'open') load();
  }

  /** The config object (or, if it is not JSON, its text): window.reliefConfig, else data-config. */
  var configReady = (function () {
    var inline = w.reliefConfig;
    if (inline && typeof inline === 'object') return Promise.resolve(inline);
    if (!dataset.config) return Promise.resolve({});
    return fetch(new URL(dataset.config, d.baseURI).href, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.text();
    }).then(function (text) {
      try { return JSON.parse(text); } catch (e) { return text; } // the widget reports where it breaks
    }, function (e) {
      var reason = 'config: could not load ' + dataset.config + ' (' + e.message + '); using the defaults';
      console.error(PREFIX + reason);
      emit('error', { reason: reason });
      return {};
    });
  })().then(function (config) {
    if (config && typeof config === 'object' && !Array.isArray(config)) {
      config = Object.assign({}, config);
      for (const key of ['endpoint', 'locale', 'accent']) {
        if (config[key] === undefined && dataset[key]) config[key] = dataset[key];
      }
      if (config.locale === undefined) config.locale = d.documentElement.lang || navigator.language || 'en';
    }
    return config;
  });

  function load() {
    if (loading) return loading;
    loading = Promise.all([configReady, import(base + 'relief_core.js')])
      .then(function (parts) {
        var mod = parts[1];
        return mod.default({ module_or_path: base + 'relief_core_bg.wasm' }).then(function () {
          var config = parts[0];
          mod.mount(typeof config === 'string' ? config : JSON.stringify(config));
          core = mod;
          var pending = queue.splice(0);
          for (var i = 0; i < pending.length; i++) run(pending[i][0], pending[i][1]);
        });
      })
      .catch(fail);
    return loading;
  }

  function text(config, key, fallback) {
    var own = config && config.text && config.text[key];
    return typeof own === 'string' && own.trim() ? own : fallback;
  }

  /** The host element, its shadow root and the launcher; the widget adds its panel beside it. */
  function drawShell(config) {
    if (dead || !d.body) return;
    var host = d.createElement('relief-widget');
    var root = host.attachShadow({ mode: 'open' });
    if (root.adoptedStyleSheets !== undefined && w.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(SHELL_CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = d.createElement('style');
      style.textContent = SHELL_CSS;
      root.appendChild(style);
    }
    var wrap = d.createElement('div');
    wrap.className = config && config.position === 'left' ? 'wrap left' : 'wrap';
    if (config && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(config.accent)) wrap.style.setProperty('--a', config.accent);
    if (config && typeof config.locale === 'string') wrap.lang = config.locale;
    launcher = d.createElement('button');
    launcher.type = 'button';
    launcher.className = 'launcher';
    launcher.setAttribute('data-action', 'open');
    launcher.setAttribute('aria-haspopup', 'dialog');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.textContent = text(config, 'launcher', 'Need a hand?');
    // Before the widget is there the launcher asks for it; afterwards the widget handles its own clicks.
    launcher.addEventListener('click', function () { if (!core) call('open', 'launcher'); });
    for (const type of ['pointerenter', 'focus', 'touchstart']) launcher.addEventListener(type, load, { passive: true, once: true });
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    d.body.appendChild(host);
    emit('ready', { version: VERSION });
  }

  /** Starts the frustration watcher; the launcher works without it, so its failures stay quiet. */
  function watch(config) {
    import(base + 'relief_signals.js').then((m) => m.default({ module_or_path: base + 'relief_signals_bg.wasm' }).then(() => {
      m.watch(JSON.stringify(config), (detector, reason) => call('open', { detector, reason }));
      watcher = m;
      if (consent !== undefined) m.consent(consent);
      if (items !== undefined) m.cart(items);
    })).catch(() => {});
  }

  var api = {
    _loader: true,
    version: VERSION,
    open: function () { call('open', 'api'); },
    close: function () { call('close'); },
    /** cart: { total, currency, items }, amounts in minor units (pence, cents). */
    setCart: function (cart) {
      items = ((cart && cart.items) || []).reduce((n, item) => n + ((item && item.qty) || 1), 0);
      if (watcher) watcher.cart(items);
      call('setCart', cart);
    },
    /** For shops that need consent first (config `consent: "required"`): nothing is watched before this. */
    consent: function (given) {
      consent = !!given;
      if (watcher) watcher.consent(consent);
    }
  };
  w.ReliefWidget = api;

  configReady.then(function (config) {
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', function () { drawShell(config); });
    else drawShell(config);
    // data-debug loads the widget at once, so a shop's developer sees config problems on page load;
    // answers an earlier page could not deliver load it when the browser is idle, to send them.
    let undelivered = false;
    try { undelivered = !!localStorage.getItem('relief:outbox'); } catch (e) { /* storage blocked */ }
    if (dataset.debug !== undefined) load();
    else if (undelivered) (w.requestIdleCallback || setTimeout)(load, { timeout: 3000 });
    if (typeof config === 'object' && config.signals !== false) (w.requestIdleCallback || setTimeout)(() => watch(config), { timeout: 3000 });
  });
  if (queue.some((entry) => entry[0] === 'open')) load();
})();
