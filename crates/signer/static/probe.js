/* wwdev probe.js: reports what this page does with the JS-SDK (and its errors, console
 * warnings and network calls) to the wwdev live bridge. Put it first in <head>.
 * No dependencies; never blocks; silent when wwdev is not running; never reads or
 * sends cookies or storage. Options: probe.js?console_log=1 (console.log too),
 * ?bodies=1 (request/response bodies, redacted by wwdev). */
(function () {
  'use strict';
  var CFG = __WWDEV_CONFIG__;
  var w = window;
  if (w.__wwdevProbe) return;
  w.__wwdevProbe = true;
  var base = CFG.base + '/__wwdev';
  try {
    var src = document.currentScript && document.currentScript.src;
    if (src) base = src.replace(/\/probe\.js(\?.*)?$/, '');
  } catch (e) { /* keep the baked base */ }
  function rid() { return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10); }
  var session = w.__wwdevSession || (w.__wwdevSession = rid());
  var entry = w.__wwdevEntryUrl || (w.__wwdevEntryUrl = location.href);
  var intake = base + '/events?token=' + encodeURIComponent(CFG.token);
  var origFetch = w.fetch;
  var queue = [], timer = null, failures = 0, dead = false;
  var MAX = 1000;

  function now() { return Date.now(); }
  function cut(v, depth) {
    depth = depth || 0;
    if (v == null) return v;
    if (typeof v === 'string') return v.length > MAX ? v.slice(0, MAX) + '…' : v;
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'function') return '[function]';
    if (depth > 3) return '[…]';
    if (Array.isArray(v)) return v.slice(0, 50).map(function (x) { return cut(x, depth + 1); });
    if (typeof v === 'object') {
      var o = {}, n = 0;
      for (var k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        if (++n > 40) break;
        try { o[k] = cut(v[k], depth + 1); } catch (e) { o[k] = '[unreadable]'; }
      }
      return o;
    }
    return String(v);
  }
  function isOwn(url) { return typeof url === 'string' && url.indexOf(base) === 0; }
  function abs(url) { try { return new URL(url, location.href).href; } catch (e) { return String(url); } }

  function push(ev) {
    if (dead) return;
    ev.href = location.href;
    ev.t = now();
    queue.push(ev);
    if (queue.length > 300) queue.shift();
    if (queue.length >= 25) flush(false);
    else if (!timer) timer = setTimeout(function () { flush(false); }, 400);
  }
  function flush(beacon) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!queue.length || dead) return;
    var batch = queue.splice(0, 25);
    var body = JSON.stringify({ session: session, events: batch });
    try {
      if (beacon && navigator.sendBeacon) {
        // text/plain keeps the beacon a simple request (no preflight).
        navigator.sendBeacon(intake, new Blob([body], { type: 'text/plain' }));
      } else if (origFetch) {
        origFetch.call(w, intake, {
          method: 'POST', body: body, keepalive: body.length < 60000, credentials: 'omit',
          cache: 'no-store', headers: { 'Content-Type': 'text/plain' }
        }).then(function () { failures = 0; }, function () { if (++failures >= 3) dead = true; });
      }
    } catch (e) { /* never disturb the page */ }
    if (queue.length) timer = setTimeout(function () { flush(beacon); }, beacon ? 0 : 200);
  }
  w.addEventListener('pagehide', function () { flush(true); });
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flush(true); });

  // What existed before any SDK script ran (this script is first).
  var wxBefore = typeof w.wx !== 'undefined', wwBefore = typeof w.ww !== 'undefined';
  function sdkScripts() {
    var out = [];
    var s = document.getElementsByTagName('script');
    for (var i = 0; i < s.length; i++) {
      var u = s[i].src || '';
      if (/jweixin|jwxwork|wecom|jssdk|wwopen|wwlogin|__wwdev\/client\.js/i.test(u)) out.push(u);
    }
    return out;
  }
  var started = false;
  function sessionEvent() {
    if (started) return;
    started = true;
    push({ type: 'session', entry: entry, ua: navigator.userAgent, wxBefore: wxBefore, wwBefore: wwBefore, scripts: sdkScripts() });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', sessionEvent);
  else setTimeout(sessionEvent, 0);

  // WeixinJSBridge: wrap invoke whether the bridge exists now or appears later.
  function wrap(b) {
    if (!b || typeof b.invoke !== 'function' || b.__wwdevWrapped) return b;
    // The wwdev simulator reports its own decisions; only the real client's are reported here.
    var sim = !!b.__wwdevSim;
    var orig = b.invoke;
    var hooked = function (name, params, cb) {
      var t0 = now();
      var kind = /^preverifyjsapi$/i.test(name) ? 'config' : name === 'agentConfig' ? 'agentConfig' : 'jsapi';
      var self = this;
      var done = function (res) {
        if (!sim) {
          try {
            var p = params;
            if (kind === 'jsapi' && p && typeof p === 'object') {
              p = {};
              for (var k in params) if (!/^verify/.test(k) && k !== 'appId') p[k] = params[k];
            }
            push({ type: kind, api: name, params: cut(p), result: cut(res), entry: entry, ua: navigator.userAgent, duration_ms: now() - t0 });
          } catch (e) { /* ignore */ }
        }
        if (typeof cb === 'function') return cb.apply(self, arguments);
      };
      return orig.call(this, name, params, done);
    };
    // A frozen native bridge cannot be hooked; leave it alone rather than throw into the page.
    try { b.invoke = hooked; } catch (e) { return b; }
    try { Object.defineProperty(b, '__wwdevWrapped', { value: true }); } catch (e) { /* best effort */ }
    return b;
  }
  var current = w.WeixinJSBridge;
  if (current) wrap(current);
  try {
    Object.defineProperty(w, 'WeixinJSBridge', {
      configurable: true, enumerable: true,
      get: function () { return current; },
      set: function (v) { current = wrap(v); }
    });
  } catch (e) { /* a client that pins the property: the ready event still catches it */ }
  document.addEventListener('WeixinJSBridgeReady', function () { try { wrap(w.WeixinJSBridge); } catch (e) {} }, true);

  // Errors and rejections.
  w.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== w && (t.src || t.href)) {
      push({ type: 'error', message: 'failed to load ' + String(t.tagName || '').toLowerCase() + ' ' + (t.src || t.href) });
      return;
    }
    push({ type: 'error', message: cut(String(e.message)), filename: e.filename, line: e.lineno, column: e.colno, stack: e.error && cut(String(e.error.stack || '')) });
  }, true);
  w.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    var msg = r && (r.errMsg || r.message) ? (r.errMsg || r.message) : (function () { try { return JSON.stringify(r); } catch (x) { return String(r); } })();
    push({ type: 'error', level: 'unhandledrejection', message: cut(String(msg)), stack: r && r.stack ? cut(String(r.stack)) : undefined });
  });

  // Console.
  var levels = CFG.consoleLog ? ['error', 'warn', 'log'] : ['error', 'warn'];
  levels.forEach(function (level) {
    var c = w.console, orig = c && c[level];
    if (typeof orig !== 'function') return;
    c[level] = function () {
      try {
        var parts = [];
        for (var i = 0; i < arguments.length; i++) {
          var a = arguments[i];
          parts.push(typeof a === 'string' ? a : (function () { try { return JSON.stringify(cut(a)); } catch (x) { return String(a); } })());
        }
        push({ type: 'console', level: level, message: cut(parts.join(' ')) });
      } catch (e) { /* ignore */ }
      return orig.apply(this, arguments);
    };
  });

  // Network: fetch and XMLHttpRequest.
  function inspect(ev, text) {
    if (typeof text !== 'string') return;
    if (CFG.bodies) ev.responseBody = cut(text);
    if (text.length > 200000) return;
    try {
      var o = JSON.parse(text);
      if (o && typeof o.errcode === 'number') { ev.errcode = o.errcode; ev.errmsg = cut(String(o.errmsg || '')); }
    } catch (e) { /* not JSON */ }
  }
  if (typeof origFetch === 'function') {
    w.fetch = function (input, init) {
      var url = typeof input === 'string' ? input : (input && input.url) || String(input);
      if (isOwn(abs(url))) return origFetch.apply(this, arguments);
      var method = String((init && init.method) || (input && input.method) || 'GET').toUpperCase();
      var t0 = now();
      var ev = { type: 'network', api: 'fetch', method: method, url: abs(url) };
      if (CFG.bodies && init && typeof init.body === 'string') ev.requestBody = cut(init.body);
      var p = origFetch.apply(this, arguments);
      p.then(function (r) {
        ev.status = r.status; ev.ok = r.ok; ev.duration_ms = now() - t0;
        var ct = (r.headers && r.headers.get('content-type')) || '';
        if (/json|text/i.test(ct)) r.clone().text().then(function (t) { inspect(ev, t); push(ev); }, function () { push(ev); });
        else push(ev);
      }, function (e) {
        ev.status = 0; ev.ok = false; ev.duration_ms = now() - t0; ev.message = cut(String(e)); push(ev);
      });
      return p;
    };
  }
  var X = w.XMLHttpRequest && w.XMLHttpRequest.prototype;
  if (X) {
    var xo = X.open, xs = X.send;
    X.open = function (m, u) { this.__wwdev = { method: String(m).toUpperCase(), url: abs(String(u)) }; return xo.apply(this, arguments); };
    X.send = function (body) {
      var x = this, info = x.__wwdev;
      if (info && !isOwn(info.url)) {
        var t0 = now();
        x.addEventListener('loadend', function () {
          var ev = { type: 'network', api: 'xhr', method: info.method, url: info.url, status: x.status, ok: x.status >= 200 && x.status < 400, duration_ms: now() - t0 };
          if (CFG.bodies && typeof body === 'string') ev.requestBody = cut(body);
          try {
            if (x.responseType === '' || x.responseType === 'text') inspect(ev, x.responseText);
            else if (x.responseType === 'json' && x.response && typeof x.response.errcode === 'number') ev.errcode = x.response.errcode;
          } catch (e) { /* ignore */ }
          push(ev);
        });
      }
      return xs.apply(this, arguments);
    };
  }
})();
