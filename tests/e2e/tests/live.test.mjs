// The Live screen (实时调试), end to end: the bridge is started on the screen, a page
// reports a config signed over its #fragment (a probe batch posted like probe.js posts
// it, with the token read from the served probe.js), the screen shows the session and
// the diagnosed failure (`fragment_in_url` and its fix) as it is pushed, and the button
// opens the Diagnosis screen pre-filled, where the same cause comes out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, click, invoke, launchApp, makeHome, screenshot, tid, waitForIpc, waitText } from '../lib/app.mjs';
import { setText } from '../lib/text.mjs';
import { bridgeToken, openInChromium, postBatch, servePage, setLook, sha1 } from '../lib/live.mjs';

const HAS_UI = fs.existsSync(path.join(ROOT, 'ui/package.json'));
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.30 MicroMessenger/7.0.1';

describe('live page bridge screen', { skip: !HAS_UI && 'ui/ not built' }, () => {
  let app;
  let b;
  before(async () => {
    app = await launchApp(makeHome('live'));
    b = app.browser;
    await waitForIpc(b);
    await tid(b, 'app-root').waitForDisplayed({ timeout: 20000 });
  });
  after(async () => {
    try { await invoke(b, 'signer_stop'); } catch { /* app gone */ }
    await app?.close();
  });

  test('a fragment-signed config from a page is shown diagnosed, and opens the diagnosis pre-filled', async () => {
    await b.execute(() => { window.location.hash = '#/live'; });
    await tid(b, 'screen-live').waitForDisplayed({ timeout: 15000 });
    await tid(b, 'live-no-sessions').waitForDisplayed({ timeout: 10000 });
    await setText(b, 'live-origins', 'http://localhost:5173');
    await click(b, 'live-start');
    const running = await waitText(b, 'live-running', /127\.0\.0\.1:\d+/);
    const base = running.match(/http:\/\/127\.0\.0\.1:\d+/)[0];
    const scripts = await waitText(b, 'live-scripts', /probe\.js/);
    assert.ok(scripts.includes(`<script src="${base}/__wwdev/probe.js"></script>`), scripts);
    assert.ok(scripts.includes(`${base}/__wwdev/client.js`), scripts);
    // Both proxy snippets point at this bridge (the webpack one on its own tab).
    const vite = await waitText(b, 'live-proxy-vite', /__wwdev/);
    assert.ok(vite.includes(`'/__wwdev': { target: '${base}', changeOrigin: true }`), vite);
    await click(b, 'live-tab-webpack');
    const webpack = await waitText(b, 'live-proxy-webpack', /devServer/);
    assert.ok(webpack.includes(`context: ['/__wwdev'], target: '${base}'`), webpack);
    await click(b, 'live-tab-vite');
    assert.match(await waitText(b, 'live-origins-shown', /localhost:5173/), /http:\/\/localhost:5173/);

    // The page signs location.href as is, fragment included, with the sandbox's corp ticket.
    const profiles = await invoke(b, 'profiles_list');
    const profile = profiles.profiles.find((p) => p.id === profiles.active_id);
    await invoke(b, 'ticket_fetch', { profileId: profile.id, kind: 'corp', force: false });
    const ticket = await invoke(b, 'secret_reveal', { profileId: profile.id, what: 'corp_ticket' });
    const href = `https://${profile.trusted_domains[0]}/h5/index.html?from=menu#/orders/42`;
    const nonce = 'Wm3WZYTPz0wzccnW';
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sha1(`jsapi_ticket=${ticket}&noncestr=${nonce}&timestamp=${ts}&url=${href}`);

    const token = await bridgeToken(`${base}/__wwdev/probe.js`);
    const r = await postBatch(base, token, 'e2e-page-1', [
      { type: 'session', href, entry: href, ua: UA },
      {
        type: 'config', href, entry: href, api: 'preVerifyJSAPI', ua: UA,
        params: { appId: profile.corpid, verifyTimestamp: ts, verifyNonceStr: nonce, verifySignature: signature, verifyJsApiList: ['getContext'] },
        result: { errMsg: 'config:invalid signature', errCode: 40093 },
      },
    ]);
    assert.equal(r.accepted, 2);

    // Pushed: the session and its failed attempt appear without any reload.
    const session = await b.$('[data-testid="live-session"][data-session="e2e-page-1"]');
    await session.waitForDisplayed({ timeout: 15000 });
    assert.equal(await session.getAttribute('data-client'), 'wxwork');
    assert.match(await session.getText(), /wxwork 4\.1\.30 · iOS/);
    assert.ok((await session.getText()).includes(href));
    const failure = await tid(b, 'live-failure');
    await failure.waitForDisplayed({ timeout: 15000 });
    assert.equal(await failure.getAttribute('data-cause-id'), 'fragment_in_url');
    assert.match(await waitText(b, 'live-verdict', /config:invalid signature/), /企业微信返回/);
    const fixZh = await waitText(b, 'live-fix', /\S/);
    assert.match(fixZh, /[\u4e00-\u9fff]/, `the fix is in Chinese by default: ${fixZh}`);

    for (const [locale, theme] of [['zh', 'light'], ['zh', 'dark'], ['en', 'light'], ['en', 'dark']]) {
      await setLook(b, locale, theme);
      await (await tid(b, 'live-running')).scrollIntoView({ block: 'start' });
      await screenshot(b, `live-diagnosed-${locale}-${theme}`);
      if (locale === 'en') {
        const fixEn = await waitText(b, 'live-fix', /\S/);
        assert.match(fixEn, /^Fix:/, fixEn);
        assert.doesNotMatch(fixEn, /[\u4e00-\u9fff]/);
      }
    }
    await setLook(b, 'zh', 'light');

    // The full diagnosis, pre-filled: page URL, kind, and what the page used.
    await click(b, 'live-open-diagnosis');
    await tid(b, 'screen-diagnosis').waitForDisplayed({ timeout: 15000 });
    assert.equal(await (await tid(b, 'diag-url')).getValue(), href);
    const pasted = await (await tid(b, 'diag-paste')).getValue();
    assert.ok(pasted.includes(signature) && pasted.includes(nonce), pasted);
    const first = await b.$('[data-testid="diag-cause"]');
    await b.waitUntil(async () => (await first.isExisting()) && (await first.getAttribute('data-cause-id')) === 'fragment_in_url', {
      timeout: 15000, timeoutMsg: 'the pre-filled diagnosis does not name fragment_in_url first',
    });
    await screenshot(b, 'live-to-diagnosis-zh-light');

    // Back on the Live screen the bridge is still running with its session (one bridge per app).
    await b.execute(() => { window.location.hash = '#/live'; });
    await (await b.$('[data-testid="live-session"][data-session="e2e-page-1"]')).waitForDisplayed({ timeout: 15000 });
    await click(b, 'live-stop');
    await tid(b, 'live-stopped').waitForDisplayed({ timeout: 15000 });
  });
  test('a real page in headless Chromium (probe.js + client.js) reports its fragment-signed config live', async () => {
    await b.execute(() => { window.location.hash = '#/live'; });
    await tid(b, 'screen-live').waitForDisplayed({ timeout: 15000 });
    const profiles = await invoke(b, 'profiles_list');
    const profile = profiles.profiles.find((p) => p.id === profiles.active_id);
    const host = profile.trusted_domains[0];
    await invoke(b, 'ticket_fetch', { profileId: profile.id, kind: 'corp', force: false });
    const ticket = await invoke(b, 'secret_reveal', { profileId: profile.id, what: 'corp_ticket' });
    // The bridge must exist before the page names its scripts: start it, then write the page.
    if (await (await tid(b, 'live-stop')).isExisting()) { await click(b, 'live-stop'); await tid(b, 'live-stopped').waitForDisplayed({ timeout: 15000 }); }
    await setText(b, 'live-origins', `http://${host}`);
    await click(b, 'live-start');
    const base = (await waitText(b, 'live-running', /127\.0\.0\.1:\d+/)).match(/http:\/\/127\.0\.0\.1:\d+/)[0];
    const href = `http://${host}/shop/index.html#/cart`;
    const nonce = 'ChromiumNonce123';
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sha1(`jsapi_ticket=${ticket}&noncestr=${nonce}&timestamp=${ts}&url=${href}`);
    const params = { appId: profile.corpid, verifyTimestamp: ts, verifyNonceStr: nonce, verifySignature: signature, verifyJsApiList: ['getContext'] };
    const page = await servePage(`<!doctype html><html><head>
<script src="${base}/__wwdev/probe.js"></script><script src="${base}/__wwdev/client.js"></script>
<script>
  function go() { WeixinJSBridge.invoke('preVerifyJSAPI', ${JSON.stringify(params)}, function (r) { document.title = r.err_msg; }); }
  if (window.WeixinJSBridge) go(); else document.addEventListener('WeixinJSBridgeReady', go);
</script></head><body>shop</body></html>`);
    const chromium = await openInChromium(href, host, page.port);
    try {
      const failure = await b.$('[data-testid="live-failure"][data-cause-id="fragment_in_url"]');
      await failure.waitForDisplayed({ timeout: 30000 });
      const session = await b.$('[data-testid="live-session"]');
      await screenshot(b, 'live-chromium-zh-light');
      const text = await session.getText();
      assert.match(text, /wxwork 4\.\d/, 'client.js presents the page as WeCom desktop');
      assert.ok(text.replace(/\s+/g, '').includes(href), text);
      assert.match(await waitText(b, 'live-verdict', /invalid signature/), /config:invalid signature/);
    } finally {
      chromium.kill();
      await page.close();
    }
  });
});
