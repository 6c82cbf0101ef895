/*! relief-widget loader. One script tag: <script src="/relief/relief.js" async></script> */
(function () {
  'use strict';
  var w = window;
  var d = document;
  var existing = w.ReliefWidget;
  // Loaded twice: the first copy owns the widget.
  if (existing && existing._loader) return;

  var PREFIX = '[relief] ';
  var script = d.currentScript || d.querySelector('script[src*="relief.js"]');
  var base = new URL('.', (script && script.src) || d.baseURI).href;
  var queue = (existing && existing.q) || [];
  var core = null;
  var loading = null;
  var dead = false;

  function emitError(reason) {
    try {
      d.dispatchEvent(new CustomEvent('relief:error', { bubbles: true, detail: { type: 'error', reason: reason } }));
    } catch (e) { /* nothing may escape into the host page */ }
  }

  function fail(err) {
    if (dead) return;
    dead = true;
    // A trap is a Rust panic: the widget's panic hook has already logged and reported it.
    if (w.WebAssembly && err instanceof WebAssembly.RuntimeError) return;
    var reason = (err && err.message) || String(err);
    console.error(PREFIX + 'the widget could not start: ' + reason + '; the page is unaffected');
    emitError(reason);
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
      if (name === 'open') core.open();
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

  var dataset = (script && script.dataset) || {};

  /** The config as JSON text: window.reliefConfig, else data-config, with data-* shortcuts filling gaps. */
  function readConfig() {
    var inline = w.reliefConfig;
    var source = inline && typeof inline === 'object'
      ? Promise.resolve(inline)
      : dataset.config
        ? fetch(new URL(dataset.config, d.baseURI).href, { credentials: 'same-origin' }).then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.text();
        }).then(function (text) {
          try { return JSON.parse(text); } catch (e) { return text; } // the widget reports where it breaks
        }, function (e) {
          var reason = 'config: could not load ' + dataset.config + ' (' + e.message + '); using the defaults';
          console.error(PREFIX + reason);
          emitError(reason);
          return {};
        })
        : Promise.resolve({});
    return source.then(function (config) {
      if (typeof config === 'string') return config;
      if (config && typeof config === 'object' && !Array.isArray(config)) {
        config = Object.assign({}, config);
        ['endpoint', 'locale', 'accent'].forEach(function (key) {
          if (config[key] === undefined && dataset[key]) config[key] = dataset[key];
        });
        if (config.locale === undefined) config.locale = d.documentElement.lang || navigator.language || 'en';
      }
      return JSON.stringify(config);
    });
  }

  function load() {
    if (loading) return loading;
    loading = Promise.all([readConfig(), import(base + 'relief_core.js')])
      .then(function (parts) {
        var mod = parts[1];
        return mod.default({ module_or_path: base + 'relief_core_bg.wasm' }).then(function () {
          mod.mount(parts[0]);
          core = mod;
          var pending = queue.splice(0);
          for (var i = 0; i < pending.length; i++) run(pending[i][0], pending[i][1]);
        });
      })
      .catch(fail);
    return loading;
  }

  var api = {
    _loader: true,
    open: function () { call('open'); },
    close: function () { call('close'); },
    /** cart: { total, currency, items }, amounts in minor units (pence, cents). */
    setCart: function (cart) { call('setCart', cart); }
  };
  Object.defineProperty(api, 'version', {
    enumerable: true,
    get: function () { try { return core ? core.version() : null; } catch (e) { return null; } }
  });
  w.ReliefWidget = api;

  // The wasm is fetched and compiled when the browser is idle after load, never before first paint.
  function whenIdle() {
    if (w.requestIdleCallback) w.requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 200);
  }
  var openRequested = queue.some(function (entry) { return entry[0] === 'open'; });
  if (openRequested) load();
  else if (d.readyState === 'complete') whenIdle();
  else w.addEventListener('load', whenIdle, { once: true });
})();
