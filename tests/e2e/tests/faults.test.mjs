// Fault matrix, end to end: every sandbox fault kind on the token, both tickets and the
// identity lookup shows a clear, explained error in the UI — the kind's own title and
// wording, a hint, the errcode linked to the catalogue where there is one — and the UI
// stays usable while a slow call is pending. One screenshot per case in tests/artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ROOT, click, clickEl, fill, invoke, launchApp, makeHome, screenshot, textOf, tid, waitForIpc, waitText,
} from '../lib/app.mjs';

const HAS_UI = fs.existsSync(path.join(ROOT, 'ui/package.json'));

/** The app's request timeout for this test (Settings), and a latency well beyond it. */
const TIMEOUT_SECS = 8;
const LATENCY_MS = 30000;

/** Alert titles per error kind (ui/src/i18n/{zh,en}.ts `error.kind`). */
const TITLES = {
  zh: { timeout: '请求超时', http: 'HTTP 响应异常', decode: '无法解析响应', network: '网络错误', wecom: '企业微信返回错误' },
  en: { timeout: 'The request timed out', http: 'Unexpected HTTP response', decode: 'Unreadable response', network: 'Network error', wecom: 'WeCom returned an error' },
};

/**
 * Each fault kind: the sandbox fault, the UiError kind the app must show, and what its
 * message must say in each language (from the sandbox's actual answer, so a generic
 * "failed" fails).
 * `option` is the kind's position in the Sandbox screen's select.
 */
const KINDS = [
  { kind: 'latency', option: 1, fault: { latency_ms: LATENCY_MS }, ui: 'timeout',
    message: { en: new RegExp(`within ${TIMEOUT_SECS * 1000} ms`), zh: new RegExp(`在 ${TIMEOUT_SECS * 1000} 毫秒内没有应答`) } },
  { kind: 'http_status', option: 2, fault: { status: 503 }, ui: 'http',
    message: { en: /HTTP 503 .*503 Service Unavailable/, zh: /返回 HTTP 503.*503 Service Unavailable/ } },
  { kind: 'html_error', option: 3, fault: {}, ui: 'decode', message: { en: /not JSON.*系统繁忙/s, zh: /无法解析.*的应答.*系统繁忙/s } },
  { kind: 'malformed_json', option: 4, fault: {}, ui: 'decode', message: { en: /not JSON \(EOF while parsing/, zh: /无法解析.*EOF while parsing/ } },
  { kind: 'drop_connection', option: 5, fault: {}, ui: 'network', message: { en: /network error calling/, zh: /时网络出错/ } },
  { kind: 'errcode', option: 0, fault: { errcode: 60020 }, ui: 'wecom', message: { en: /errcode 60020/, zh: /错误码 60020/ }, errcode: 60020 },
];

/** Where each fault is set and where its error shows. */
const TARGETS = [
  { name: 'token', path: '/cgi-bin/gettoken', screen: '/credentials', button: 'cred-token-force', alert: 'cred-error' },
  { name: 'corp-ticket', path: '/cgi-bin/get_jsapi_ticket', screen: '/credentials', button: 'cred-corp-force', alert: 'cred-error' },
  { name: 'agent-ticket', path: '/cgi-bin/ticket/get', screen: '/credentials', button: 'cred-agent-force', alert: 'cred-error' },
  // Step ids are the core flow's step names (wwdev_core::flows): `auth/getuserinfo`.
  { name: 'identity', path: '/cgi-bin/auth/getuserinfo', screen: '/identity', button: 'identity-submit', alert: 'identity-step-auth/getuserinfo-error' },
];

async function open(b, route) {
  await b.execute((r) => { window.location.hash = r; }, `#${route}`);
  await tid(b, `screen-${route.slice(1).split('?')[0]}`).waitForDisplayed({ timeout: 15000 });
}

/** Picks the n-th option (0-based) of a Naive UI select. */
async function pickOption(b, id, index) {
  await click(b, id);
  await b.waitUntil(async () => (await b.$$('.n-base-select-option')).length > index, { timeout: 5000 });
  const opt = (await b.$$('.n-base-select-option'))[index];
  await opt.waitForClickable({ timeout: 5000 });
  await b.pause(300); // the menu fades in; a click during the animation can be intercepted
  await clickEl(b, opt);
}

async function isLoading(b, id) {
  return /\bn-button--loading\b/.test((await (await tid(b, id)).getAttribute('class')) ?? '');
}

describe('fault matrix', { skip: !HAS_UI && 'ui/ not built' }, () => {
  let app;
  let b;
  let admin;
  let sandbox;
  before(async () => {
    app = await launchApp(makeHome('faults'));
    b = app.browser;
    await waitForIpc(b);
    await tid(b, 'app-root').waitForDisplayed({ timeout: 20000 });
    const info = await invoke(b, 'app_info');
    admin = `${info.sandbox_base_url}/sandbox/admin/faults`;
    sandbox = await invoke(b, 'sandbox_status');
  });
  after(async () => { await app?.close(); });

  async function adminFaults(method, body) {
    const res = await fetch(admin, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${admin}: ${res.status} ${text}`);
    return JSON.parse(text);
  }

  /** Sets a fault through the Sandbox screen, as a user would, and checks it registered. */
  async function setFaultInUi(target, k) {
    await open(b, '/sandbox');
    await fill(b, 'fault-path', target.path);
    await pickOption(b, 'fault-kind', k.option);
    if (k.kind === 'latency') await fill(b, 'fault-latency', String(LATENCY_MS));
    if (k.kind === 'http_status') await fill(b, 'fault-status', '503');
    if (k.kind === 'errcode') await fill(b, 'fault-errcode', String(k.errcode));
    await fill(b, 'fault-count', '1');
    await click(b, 'fault-add');
    let faults = [];
    await b.waitUntil(async () => { ({ faults } = await adminFaults('GET')); return faults.length === 1; }, {
      timeout: 10000, timeoutMsg: `the Sandbox screen did not add the fault; sandbox has ${JSON.stringify(faults)}`,
    });
    const [f] = faults;
    assert.deepEqual(
      { path: f.path, kind: f.kind, count: f.count, ...Object.fromEntries(Object.keys(k.fault).map((key) => [key, f[key]])) },
      { path: target.path, kind: k.kind, count: 1, ...k.fault },
    );
  }

  /** Log entries for `path` so far (the request log records every call the app makes). */
  async function logged(path) {
    const filter = { profile: null, endpoint: path, outcome: 'any', code: null, since_ms: null, until_ms: null, text: null };
    return (await invoke(b, 'log_query', { filter, page: { before_id: null, limit: 1 } }));
  }

  /** A fresh OAuth callback URL for a member (codes work once). */
  async function freshCallback() {
    const sb = (await invoke(b, 'profiles_list')).profiles.find((p) => p.is_sandbox);
    const link = await invoke(b, 'oauth_build', {
      p: { profileId: sb.id, redirectUri: sb.default_redirect_uri, scope: 'snsapi_base', state: 'faults', agentid: null, forSandbox: true },
    });
    assert.ok(link.url, JSON.stringify(link.problems));
    const res = await fetch(`${link.url.replace('#wechat_redirect', '')}&sandbox_userid=${sandbox.members[0].userid}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    return res.headers.get('location');
  }

  test('a low request timeout is set in Settings', async () => {
    await open(b, '/settings');
    await fill(b, 'settings-timeout', String(TIMEOUT_SECS));
    await click(b, 'settings-save');
    await b.waitUntil(async () => (await invoke(b, 'settings_get')).timeout_secs === TIMEOUT_SECS, {
      timeout: 10000, timeoutMsg: 'the timeout was not saved',
    });
    // Token and tickets once without faults, so each fault below hits only its own call.
    await open(b, '/credentials');
    for (const c of ['cred-token', 'cred-corp', 'cred-agent']) {
      await click(b, `${c}-fetch`);
      await waitText(b, `${c}-value`, /\*\*\*/);
    }
  });

  for (const target of TARGETS) {
    for (const k of KINDS) {
      test(`${k.kind} on ${target.name}: ${k.ui} error, explained; the UI stays responsive`, async () => {
        await adminFaults('DELETE');
        if (target.name === 'token') await setFaultInUi(target, k);
        else await adminFaults('POST', { path: target.path, kind: k.kind, count: 1, ...k.fault });

        // A fresh screen, so the alert below can only be this case's.
        await open(b, '/errcodes');
        await open(b, target.screen);
        if (target.name === 'identity') await fill(b, 'identity-input', await freshCallback());
        await click(b, target.button);

        if (k.kind === 'latency') {
          // While the call hangs: the button says so, the Ctrl+K switcher opens and takes
          // typing, another command answers, an input takes text — and the call is still
          // pending afterwards, so all of that happened during it.
          await b.waitUntil(() => isLoading(b, target.button), { timeout: 5000, timeoutMsg: 'the button never showed the pending call' });
          await b.keys(['Control', 'k']);
          try {
            await tid(b, 'palette').waitForDisplayed({ timeout: 5000 });
            await (await b.$('[data-testid="palette-input"] input')).addValue('sign');
            await tid(b, 'palette-item-sign').waitForDisplayed({ timeout: 5000 });
          } finally {
            await b.keys('Escape');
            await tid(b, 'palette').waitForDisplayed({ reverse: true, timeout: 5000 });
          }
          assert.ok((await invoke(b, 'app_info')).version);
          if (target.name === 'identity') {
            await (await tid(b, 'identity-by-userid')).setValue('zhangsan');
            assert.equal(await (await tid(b, 'identity-by-userid')).getValue(), 'zhangsan');
          }
          assert.ok(await isLoading(b, target.button), `the call ended before the UI checks finished (timeout ${TIMEOUT_SECS} s)`);
          assert.equal(await (await tid(b, target.alert)).isExisting(), false, 'an error showed before the timeout');
        }

        const alert = await tid(b, target.alert);
        await alert.waitForDisplayed({ timeout: (TIMEOUT_SECS + 15) * 1000 });
        assert.equal(await alert.getAttribute('data-kind'), k.ui);
        const locale = await (await tid(b, 'app-root')).getAttribute('data-locale');
        const title = await b.execute((id) => document.querySelector(`[data-testid="${id}"] .p-alert-title`)?.textContent?.trim(), target.alert);
        assert.equal(title, TITLES[locale][k.ui]);
        // Messages are in the UI's language (UiError.message / message_zh).
        assert.match(await textOf(b, `${target.alert}-message`), k.message[locale]);
        assert.ok((await textOf(b, `${target.alert}-hint`)).length > 20, 'no explanation of what to do');
        const link = await tid(b, `${target.alert}-errcode`);
        if (k.errcode) {
          assert.equal((await link.getText()).trim(), String(k.errcode));
          // (WebKitWebDriver reports the resolved href: tauri://localhost#/errcodes?…)
          assert.match(await link.getAttribute('href'), new RegExp(`#/errcodes\\?code=${k.errcode}$`));
        } else {
          assert.equal(await link.isExisting(), false, 'an errcode link for a non-WeCom error');
        }
        if (target.name === 'identity') {
          // The failed step is marked; the steps after it did not run.
          assert.equal(await (await tid(b, 'identity-step-auth/getuserinfo')).getAttribute('data-ok'), 'false');
        }
        // No credential is shown in clear next to the error.
        const profileId = (await invoke(b, 'profiles_list')).active_id;
        // (A failed forced fetch may have dropped the cached token: then there is none to show.)
        const token = await invoke(b, 'secret_reveal', { profileId, what: 'token' }).catch(() => null);
        const shown = await b.execute(() => document.body.innerText);
        assert.ok(!shown.includes(sandbox.apps[0].secret), 'the app secret is shown with the error');
        if (token) assert.ok(!shown.includes(token), 'the access token is shown with the error');
        await screenshot(b, `fault-${target.name}-${k.kind}`);

        if (k.errcode) {
          // The link leads to the catalogue entry.
          await clickEl(b, link);
          await tid(b, 'errcode-detail').waitForDisplayed({ timeout: 10000 });
          assert.equal(await (await tid(b, 'errcode-detail')).getAttribute('data-code'), String(k.errcode));
        }
        // The fault was one-shot: the same action now works, and the log has both calls.
        await open(b, target.screen);
        const before = (await logged(target.path)).total;
        if (target.name === 'identity') {
          await fill(b, 'identity-input', await freshCallback());
          await click(b, target.button);
          await waitText(b, 'identity-userid', new RegExp(`^${sandbox.members[0].userid}$`));
        } else {
          await click(b, target.button);
          let last;
          await b.waitUntil(async () => { last = await logged(target.path); return last.total > before && !(await isLoading(b, target.button)); }, {
            timeout: 15000, timeoutMsg: 'the retry was not made',
          });
          assert.equal(last.items[0].failed, false, JSON.stringify(last.items[0]));
          assert.equal(await (await tid(b, target.alert)).isExisting(), false, 'the error stayed after a successful retry');
        }
      });
    }
  }

  test('faults cleared', async () => {
    await adminFaults('DELETE');
    assert.deepEqual((await adminFaults('GET')).faults, []);
  });
});
