/* wwdev client.js: makes an ordinary desktop browser present this page as WeCom
 * desktop to the JS-SDKs (@wecom/jssdk, jweixin-1.x, jwxwork). Load it before the SDK.
 * Registrations (config / agentConfig) and JS-API calls are decided by wwdev, as
 * WeCom decides them, against the tickets wwdev holds. Options:
 * client.js?entry=single_chat_tools (what getContext reports), ?wxwork=4.1.36. */
(function () {
  'use strict';
  var CFG = __WWDEV_CONFIG__;
  var w = window;
  if (w.__wwdevClient) return;
  w.__wwdevClient = true;
  // Inside a real WeCom / WeChat client the real bridge answers: never shadow it.
  if (/wxwork\/|micromessenger/i.test(navigator.userAgent) || w.WeixinJSBridge) return;
  var base = CFG.base + '/__wwdev';
  try {
    var src = document.currentScript && document.currentScript.src;
    if (src) base = src.replace(/\/client\.js(\?.*)?$/, '');
  } catch (e) { /* keep the baked base */ }
  function rid() { return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10); }
  var session = w.__wwdevSession || (w.__wwdevSession = rid());
  var entryUrl = w.__wwdevEntryUrl || (w.__wwdevEntryUrl = location.href);
  var origFetch = w.fetch;

  // The SDKs read navigator.userAgent once, at load: /wxwork\/([\d.]+)/i means WeCom.
  // Desktop WeCom's shape (assumed, from memory of real UAs; only wxwork/<version> matters to the SDKs):
  // the webview's own UA plus these tokens.
  var mac = /Mac/i.test(navigator.platform || '');
  var ua = navigator.userAgent.replace(/\s*wxwork\/[\d.]+.*$/i, '') +
    (mac ? ' wxwork/' + CFG.wxwork + ' (MicroMessenger/6.2) WeChat/2.0.4 Language/zh ColorScheme/Light'
         : ' wxwork/' + CFG.wxwork + ' (MicroMessenger/7.0.1) WindowsWechat');
  try {
    Object.defineProperty(navigator, 'userAgent', { configurable: true, get: function () { return ua; } });
  } catch (e) { /* a browser that forbids it: the SDK will not see WeCom */ }

  function call(name, params) {
    var body = JSON.stringify({
      session: session, href: location.href, entryUrl: entryUrl, entry: CFG.entry,
      name: name, params: params || {}, ua: ua
    });
    return origFetch.call(w, base + '/invoke?token=' + encodeURIComponent(CFG.token), {
      method: 'POST', body: body, credentials: 'omit', cache: 'no-store', headers: { 'Content-Type': 'text/plain' }
    }).then(function (r) { return r.json(); });
  }
  var handlers = {};
  var bridge = {
    __wwdevSim: true,
    invoke: function (name, params, cb) {
      call(String(name), params).then(function (res) {
        if (!res || typeof res.err_msg !== 'string') {
          res = { err_msg: name + ':fail wwdev answered ' + JSON.stringify(res && res.error ? res.error.message : res) };
        }
        if (typeof cb === 'function') cb(res);
      }, function (e) {
        if (typeof cb === 'function') cb({ err_msg: name + ':fail wwdev live is not reachable (' + e + ')' });
      });
    },
    on: function (name, cb) { (handlers[name] = handlers[name] || []).push(cb); },
    call: function (name, params, cb) { bridge.invoke(name, params, cb); }
  };
  w.WeixinJSBridge = bridge;
  // jweixin-1.x and jwxwork wait for this event; @wecom/jssdk sees the bridge already.
  setTimeout(function () {
    var ev;
    try { ev = new Event('WeixinJSBridgeReady', { bubbles: true }); } catch (e) {
      ev = document.createEvent('Events'); ev.initEvent('WeixinJSBridgeReady', true, true);
    }
    document.dispatchEvent(ev);
  }, 0);
})();
