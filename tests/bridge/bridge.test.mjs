// The live page bridge in headless Chromium with the unmodified @wecom/jssdk from npm:
// a real `wwdev sandbox`, a real `wwdev live --json` against it, pages served by a
// small static server that load client.js + probe.js and then the SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WWDEV = process.env.WWDEV_BIN || path.join(HERE, '../../target/debug/wwdev');
const CHROME = process.env.CHROME_BIN || '/usr/bin/chromium';
const SDK = readFileSync(path.join(HERE, 'node_modules/@wecom/jssdk/dist/wecom.global.js'), 'utf8');
// jweixin 1.6 (WeChat's SDK, unmodified from npm); its CommonJS wrapper gets a `module` shim.
const JWEIXIN = 'var module = { exports: {} };\n' + readFileSync(path.join(HERE, 'node_modules/weixin-js-sdk/index.js'), 'utf8') + '\nwindow.wx = module.exports;';

const procs = [];
let sandbox, sb, live, bridge, server, pageOrigin, browser, deadProbe;
const lines = []; // every JSON line `wwdev live --json` printed after the first

/** Start a wwdev subcommand; resolve with its first stdout JSON line, collect the rest. */
function wwdev(args, env, onLine) {
  return new Promise((resolve, reject) => {
    const p = spawn(WWDEV, args, { env: { ...process.env, ...env, LANG: 'en_US.UTF-8' }, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(p);
    let first = true, err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => { if (first) reject(new Error(`wwdev ${args[0]} exited ${code}: ${err}`)); });
    createInterface({ input: p.stdout }).on('line', (line) => {
      let v;
      try { v = JSON.parse(line); } catch { return; }
      if (first) { first = false; resolve(v); } else if (onLine) onLine(v);
    });
  });
}

async function http(method, url, body) {
  const r = await fetch(url, { method, body: body ? JSON.stringify(body) : undefined, headers: body ? { 'content-type': 'application/json' } : {} });
  return { status: r.status, body: await r.json().catch(() => null) };
}

/** Wait until `wwdev live` printed a line matching `pred` (after index `from`). */
async function printed(pred, from = 0, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const hit = lines.slice(from).find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('wwdev live did not print the expected event; printed:\n' + lines.slice(from).map((l) => JSON.stringify(l)).join('\n'));
}

const sha1 = (s) => createHash('sha1').update(s).digest('hex');
/** The current tickets, fetched from the sandbox the way a backend would. */
async function tickets() {
  const app = sandbox.apps[0];
  const t = await http('GET', `${sb}/cgi-bin/gettoken?corpid=${sandbox.corpid}&corpsecret=${app.secret}`);
  const corp = await http('GET', `${sb}/cgi-bin/get_jsapi_ticket?access_token=${t.body.access_token}`);
  const agent = await http('GET', `${sb}/cgi-bin/ticket/get?type=agent_config&access_token=${t.body.access_token}`);
  return { corp: corp.body.ticket, agent: agent.body.ticket };
}
function signWith(ticket, url, ts = Math.floor(Date.now() / 1000), nonce = 'testNonce123') {
  return { timestamp: ts, nonceStr: nonce, signature: sha1(`jsapi_ticket=${ticket}&noncestr=${nonce}&timestamp=${ts}&url=${url}`) };
}

const PAGE = (bridgeBase, entry) => `<!doctype html><html><head><meta charset="utf-8">
<script src="${bridgeBase}/__wwdev/probe.js"></script>
<script src="${bridgeBase}/__wwdev/client.js${entry ? '?entry=' + entry : ''}"></script>
<script src="/wecom.js"></script>
</head><body><p>page</p></body></html>`;

before(async () => {
  sandbox = await wwdev(['sandbox', '--port', '0', '--json'], {});
  sb = sandbox.base_url;
  server = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/wecom.js') { res.setHeader('content-type', 'application/javascript'); return res.end(SDK); }
    if (u.pathname === '/jweixin.js') { res.setHeader('content-type', 'application/javascript'); return res.end(JWEIXIN); }
    if (u.pathname === '/jweixin.html') {
      res.setHeader('content-type', 'text/html');
      return res.end(`<!doctype html><html><head><script src="${bridge}/__wwdev/probe.js"></script><script src="${bridge}/__wwdev/client.js"></script><script src="/jweixin.js"></script></head><body></body></html>`);
    }
    if (u.pathname === '/dead.html') {
      // probe.js as served, but pointing at a port where nothing listens.
      res.setHeader('content-type', 'text/html');
      return res.end(`<!doctype html><html><head><script>${deadProbe}</script></head><body></body></html>`);
    }
    if (u.pathname === '/api.json') { res.setHeader('content-type', 'application/json'); return res.end('{"errcode":40014,"errmsg":"invalid access_token"}'); }
    if (u.pathname === '/bare.html') {
      res.setHeader('content-type', 'text/html');
      return res.end(`<!doctype html><html><head><script src="${bridge}/__wwdev/probe.js"></script></head><body></body></html>`);
    }
    res.setHeader('content-type', 'text/html');
    res.end(PAGE(bridge, u.searchParams.get('entry')));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  pageOrigin = `http://127.0.0.1:${port}`;
  const app = sandbox.apps[0];
  const start = await wwdev(
    ['live', '--port', '0', '--json', '--no-log', '--base-url', sb, '--corpid', sandbox.corpid, '--agentid', String(app.agentid),
      '--allow-origin', pageOrigin, '--allow-origin', `http://localhost:${port}`, '--trusted-domain', `127.0.0.1:${port}`],
    { WWDEV_SECRET: app.secret },
    (v) => lines.push(v),
  );
  bridge = start.base_url;
  assert.match(bridge, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(start.sandbox, true);
  assert.ok(start.scripts[0].includes('/__wwdev/probe.js') && start.scripts[1].includes('/__wwdev/client.js'));
  deadProbe = (await (await fetch(`${bridge}/__wwdev/probe.js`)).text()).replaceAll(bridge, 'http://127.0.0.1:9');
  browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
  for (const p of procs) p.kill('SIGINT');
});

/** Open a page and run `ww.register` in it; resolves with the callback the page got. */
async function register(url, { config, agent, jsApiList = ['getContext'], before } = {}) {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: 'load' });
  if (before) await page.evaluate(before);
  const got = await page.evaluate(async ({ corpId, agentId, config, agent, jsApiList }) => {
    return await new Promise((resolve) => {
      const done = (which) => (res) => resolve({ which, errMsg: res && res.errMsg, errCode: res && res.errCode });
      const opts = {
        corpId, agentId, jsApiList,
        onConfigSuccess: done('onConfigSuccess'), onConfigFail: done('onConfigFail'),
        onAgentConfigSuccess: done('onAgentConfigSuccess'), onAgentConfigFail: done('onAgentConfigFail'),
      };
      if (config) opts.getConfigSignature = async () => config;
      if (agent) opts.getAgentConfigSignature = async () => agent;
      ww.register(opts);
      setTimeout(() => resolve({ which: 'timeout' }), 8000);
    });
  }, { corpId: sandbox.corpid, agentId: sandbox.apps[0].agentid, config, agent, jsApiList });
  return { page, got };
}

async function bridgeSignature(href) {
  const r = await http('GET', `${bridge}/__wwdev/signature?url=${encodeURIComponent(href.split('#')[0])}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('the SDK sees WeCom desktop and a right config succeeds', async () => {
  const url = `${pageOrigin}/page.html?a=1#/home`;
  const sig = await bridgeSignature(url);
  const from = lines.length;
  const { page, got } = await register(url, { config: sig.config });
  assert.equal(got.which, 'onConfigSuccess', JSON.stringify(got));
  assert.equal(got.errMsg, 'config:ok');
  assert.match(await page.evaluate(() => navigator.userAgent), /wxwork\/4\.\d+/);
  const ev = await printed((l) => l.type === 'config', from);
  assert.equal(ev.ok, true);
  assert.equal(ev.errMsg, 'config:ok');
  assert.equal(ev.href, url);
  assert.ok(ev.session && !ev.diagnosis, JSON.stringify(ev));
  // The probe's session event: the simulated client, parsed.
  const s = await printed((l) => l.type === 'session' && l.session === ev.session, from);
  assert.equal(s.ua.client, 'wxwork');
  assert.equal(s.entry, url);
  assert.equal(s.wwBefore, false);
  await page.close();
});

test('a signature over the #fragment fails with invalid signature, diagnosed fragment_in_url', async () => {
  const url = `${pageOrigin}/page.html?b=2#/orders/7`;
  const t = await tickets();
  const from = lines.length;
  const { page, got } = await register(url, { config: signWith(t.corp, url) });
  assert.equal(got.which, 'onConfigFail', JSON.stringify(got));
  assert.equal(got.errMsg, 'config:invalid signature');
  assert.equal(got.errCode, 40093);
  const ev = await printed((l) => l.type === 'config' && l.ok === false, from);
  assert.equal(ev.errMsg, 'config:invalid signature');
  assert.equal(ev.diagnosis.valid, false);
  assert.equal(ev.diagnosis.causes[0].id, 'fragment_in_url', JSON.stringify(ev.diagnosis.causes));
  await page.close();
});

test('agentConfig signed with the corp ticket fails with 42012, diagnosed wrong_ticket_kind; the right one succeeds', async () => {
  const url = `${pageOrigin}/page.html?c=3`;
  const sig = await bridgeSignature(url);
  let from = lines.length;
  let { page, got } = await register(url, { agent: sig.config });
  assert.equal(got.which, 'onAgentConfigFail', JSON.stringify(got));
  assert.match(got.errMsg, /^agentConfig:fail ticket no available, e=42012$/);
  let ev = await printed((l) => l.type === 'agentConfig' && l.ok === false, from);
  assert.equal(ev.errCode, 42012);
  assert.equal(ev.diagnosis.causes[0].id, 'wrong_ticket_kind', JSON.stringify(ev.diagnosis.causes));
  await page.close();

  from = lines.length;
  ({ page, got } = await register(`${url}`, { agent: sig.agentConfig, jsApiList: ['getContext', 'getCurExternalContact'] }));
  assert.equal(got.which, 'onAgentConfigSuccess', JSON.stringify(got));
  ev = await printed((l) => l.type === 'agentConfig' && l.ok === true, from);
  assert.equal(ev.errMsg, 'agentConfig:ok');
  // After agentConfig: getContext answers the entry; outside a chat toolbar, no permission.
  const ctx = await page.evaluate(() => ww.getContext());
  assert.equal(ctx.entry, 'normal');
  const contact = await page.evaluate(() => ww.getCurExternalContact().then(() => 'ok', (e) => e.errMsg));
  assert.equal(contact, 'getCurExternalContact:fail no permission');
  ev = await printed((l) => l.type === 'jsapi' && l.api === 'getCurExternalContact', from);
  assert.equal(ev.ok, false);
  // An API the simulator does not implement says so, never a silent success.
  const scan = await page.evaluate(() => ww.scanQRCode({}).then(() => 'ok', (e) => e.errMsg));
  assert.match(scan, /^scanQRCode:fail the wwdev simulator does not support/);
  await page.close();
});

test('in a chat toolbar, getCurExternalContact answers the sandbox contact', async () => {
  const url = `${pageOrigin}/page.html?entry=single_chat_tools`;
  const sig = await bridgeSignature(url);
  const { page, got } = await register(url, { agent: sig.agentConfig, jsApiList: ['getContext', 'getCurExternalContact'] });
  assert.equal(got.which, 'onAgentConfigSuccess', JSON.stringify(got));
  assert.equal((await page.evaluate(() => ww.getContext())).entry, 'single_chat_tools');
  const c = await page.evaluate(() => ww.getCurExternalContact());
  assert.match(c.userId, /^wmSbx/);
  await page.close();
});

test('a stale ticket (invalidated in the sandbox, replaced in wwdev) fails, diagnosed stale_ticket', async () => {
  const url = `${pageOrigin}/page.html?d=4`;
  const old = await bridgeSignature(url);
  const inv = await http('POST', `${sb}/sandbox/admin/invalidate`, { kind: 'jsapi_ticket' });
  assert.equal(inv.status, 200, JSON.stringify(inv.body));
  const r = await http('GET', `${bridge}/__wwdev/signature?refresh=1&url=${encodeURIComponent(url)}`);
  assert.equal(r.status, 200);
  assert.notEqual(r.body.config.signature, old.config.signature);
  const from = lines.length;
  const { page, got } = await register(url, { config: old.config });
  assert.equal(got.which, 'onConfigFail', JSON.stringify(got));
  assert.equal(got.errMsg, 'config:invalid signature');
  const ev = await printed((l) => l.type === 'config' && l.ok === false, from);
  assert.equal(ev.diagnosis.causes[0].id, 'stale_ticket', JSON.stringify(ev.diagnosis.causes));
  await page.close();
});

test('a single-page app signing its entry URL after pushState fails, diagnosed spa_entry_url', async () => {
  const entry = `${pageOrigin}/page.html?from=menu`;
  const sig = await bridgeSignature(entry);
  const from = lines.length;
  const { page, got } = await register(entry, { config: sig.config, before: () => history.pushState({}, '', '/orders/7') });
  assert.equal(got.which, 'onConfigFail', JSON.stringify(got));
  const ev = await printed((l) => l.type === 'config' && l.ok === false, from);
  assert.equal(ev.href, `${pageOrigin}/orders/7`);
  assert.equal(ev.diagnosis.causes[0].id, 'spa_entry_url', JSON.stringify(ev.diagnosis.causes));
  await page.close();
});

test('a page outside the trusted domain gets invalid url domain', async () => {
  const port = new URL(pageOrigin).port;
  const url = `http://localhost:${port}/page.html`;
  const sig = await bridgeSignature(url);
  const { page, got } = await register(url, { config: sig.config });
  assert.equal(got.which, 'onConfigFail', JSON.stringify(got));
  assert.equal(got.errMsg, 'config:invalid url domain');
  await page.close();
});

test('probe.js alone reports a real client refusing config (bridge appearing later), network calls and console errors', async () => {
  const page = await browser.newPage();
  const url = `${pageOrigin}/bare.html?e=5`;
  await page.goto(url, { waitUntil: 'load' });
  const from = lines.length;
  const t = await tickets();
  const bad = signWith(t.corp, url + '#/x');
  // A stand-in native bridge appearing after load, answering like the WeCom client.
  await page.evaluate((bad) => {
    window.WeixinJSBridge = { invoke(name, params, cb) { setTimeout(() => cb({ err_msg: 'config:invalid signature' }), 5); }, on() {} };
    document.dispatchEvent(new Event('WeixinJSBridgeReady'));
    window.WeixinJSBridge.invoke('preVerifyJSAPI', {
      appId: 'ignored-by-probe', verifyAppId: 'x', verifySignType: 'sha1', verifyJsApiList: ['getContext'],
      verifyTimestamp: String(bad.timestamp), verifyNonceStr: bad.nonceStr, verifySignature: bad.signature,
    }, () => {});
    fetch('/api.json');
    console.error('boom', { code: 1 });
  }, bad);
  const ev = await printed((l) => l.type === 'config' && l.source === 'probe', from);
  assert.equal(ev.ok, false);
  assert.equal(ev.errMsg, 'config:invalid signature');
  assert.equal(ev.diagnosis.valid, false);
  assert.ok(ev.diagnosis.causes.length > 0, JSON.stringify(ev.diagnosis));
  const net = await printed((l) => l.type === 'network' && /\/api\.json$/.test(l.url || ''), from);
  assert.equal(net.status, 200);
  assert.equal(net.errcode, 40014);
  const con = await printed((l) => l.type === 'console' && l.level === 'error', from);
  assert.match(con.message, /^boom/);
  await page.close();
});

test('jweixin-1.x (weixin-js-sdk from npm) gets wx.ready for a right signature and wx.error for a wrong one', async () => {
  for (const right of [true, false]) {
    const url = `${pageOrigin}/jweixin.html?right=${right}`;
    const sig = await bridgeSignature(url);
    const use = right ? sig.config : sig.agentConfig;
    const from = lines.length;
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const got = await page.evaluate((corpId, s) => new Promise((resolve) => {
      wx.config({ beta: true, debug: false, appId: corpId, timestamp: s.timestamp, nonceStr: s.nonceStr, signature: s.signature, jsApiList: ['getLocation'] });
      wx.error((res) => resolve({ which: 'error', errMsg: res.errMsg }));
      wx.ready(() => setTimeout(() => resolve({ which: 'ready' }), 50));
      setTimeout(() => resolve({ which: 'timeout' }), 8000);
    }), sandbox.corpid, use);
    const ev = await printed((l) => l.type === 'config', from);
    if (right) {
      assert.equal(got.which, 'ready', JSON.stringify(got));
      assert.equal(ev.ok, true);
    } else {
      assert.deepEqual(got, { which: 'error', errMsg: 'config:invalid signature' });
      assert.equal(ev.ok, false);
      assert.equal(ev.diagnosis.causes[0].id, 'wrong_ticket_kind', JSON.stringify(ev.diagnosis.causes));
    }
    await page.close();
  }
});

test('probe.js is a silent no-op when wwdev is unreachable: no page errors, the page works, it gives up', async () => {
  const page = await browser.newPage();
  const pageErrors = [];
  let attempts = 0;
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('request', (r) => { if (r.url().startsWith('http://127.0.0.1:9/')) attempts++; });
  await page.goto(`${pageOrigin}/dead.html`, { waitUntil: 'load' });
  const r = await page.evaluate(async () => {
    for (let i = 0; i < 10; i++) { console.warn('w' + i); await new Promise((ok) => setTimeout(ok, 450)); }
    const j = await (await fetch('/api.json')).json();
    return j.errcode;
  });
  assert.equal(r, 40014, 'the page\'s own fetch still works through the hook');
  assert.deepEqual(pageErrors, []);
  assert.ok(attempts >= 1 && attempts <= 4, `gave up after a few failed sends, not one per event: ${attempts}`);
  await page.close();
});

test('client.js stands aside inside a real WeCom client (its user agent already says wxwork)', async () => {
  const page = await browser.newPage();
  const real = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.30 MicroMessenger/7.0.1 Language/zh';
  await page.setUserAgent(real);
  await page.goto(`${pageOrigin}/page.html?real=1`, { waitUntil: 'load' });
  const seen = await page.evaluate(() => ({ ua: navigator.userAgent, bridge: typeof window.WeixinJSBridge }));
  assert.deepEqual(seen, { ua: real, bridge: 'undefined' });
  await page.close();
});
