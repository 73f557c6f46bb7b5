// Signature diagnosis, end to end: with no ticket the screen offers to fetch one; a
// signature made the way a buggy backend makes it (URL signed with its #fragment) is
// named `fragment_in_url`; the correct one is valid. Screenshots in zh/en, light/dark.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, click, fill, invoke, launchApp, makeHome, screenshot, tid, waitForIpc } from '../lib/app.mjs';
import { setText } from '../lib/text.mjs';

const HAS_UI = fs.existsSync(path.join(ROOT, 'ui/package.json'));
const sha1 = (s) => crypto.createHash('sha1').update(s).digest('hex');

async function setLook(b, locale, theme) {
  for (const [id, attrName, want] of [['lang-toggle', 'data-locale', locale], ['theme-toggle', 'data-theme', theme]]) {
    const cur = await (await tid(b, 'app-root')).getAttribute(attrName);
    if (cur !== want) {
      await click(b, id);
      await b.waitUntil(async () => (await (await tid(b, 'app-root')).getAttribute(attrName)) === want, { timeout: 5000 });
    }
  }
  // Let the theme transition finish before a screenshot.
  await b.pause(600);
}

async function verdict(b, want) {
  await b.waitUntil(async () => {
    const el = await tid(b, 'diag-verdict');
    return (await el.isExisting()) && (await el.getAttribute('data-valid')) === want;
  }, { timeout: 10000, timeoutMsg: `verdict never became valid=${want}` });
}

describe('signature diagnosis', { skip: !HAS_UI && 'ui/ not built' }, () => {
  let app;
  let b;
  before(async () => {
    app = await launchApp(makeHome('diag'));
    b = app.browser;
    await waitForIpc(b);
    await tid(b, 'app-root').waitForDisplayed({ timeout: 20000 });
  });
  after(async () => { await app?.close(); });

  test('no ticket yet → fetch; a fragment-signed URL is named; the right one is valid', async () => {
    await b.execute(() => { window.location.hash = '#/diagnosis'; });
    await tid(b, 'screen-diagnosis').waitForDisplayed({ timeout: 15000 });
    await tid(b, 'diag-no-tickets').waitForDisplayed({ timeout: 10000 });
    await screenshot(b, 'diag-no-tickets');
    await click(b, 'diag-fetch-tickets');
    await tid(b, 'diag-no-tickets').waitForDisplayed({ reverse: true, timeout: 15000 });

    const profileId = (await invoke(b, 'profiles_list')).active_id;
    const ticket = await invoke(b, 'secret_reveal', { profileId, what: 'corp_ticket' });
    const page = 'https://app.example.com/h5/index.html?from=menu#/orders/42';
    const nonce = 'Wm3WZYTPz0wzccnW';
    const ts = '1700000000';
    // The buggy backend signs location.href as is, fragment included.
    const wrong = sha1(`jsapi_ticket=${ticket}&noncestr=${nonce}&timestamp=${ts}&url=${page}`);
    const right = sha1(`jsapi_ticket=${ticket}&noncestr=${nonce}&timestamp=${ts}&url=${page.split('#')[0]}`);

    await setText(b, 'diag-url', page);
    await setText(b, 'diag-paste', `getConfigSignature :>> {timestamp: ${ts}, nonceStr: '${nonce}', signature: '${wrong}'}`);
    await verdict(b, 'false');
    const first = await b.$('[data-testid="diag-cause"]');
    await b.waitUntil(async () => (await first.getAttribute('data-cause-id')) === 'fragment_in_url', {
      timeout: 10000, timeoutMsg: 'first cause is not fragment_in_url',
    });
    await tid(b, 'diag-diff-char').waitForDisplayed();
    assert.equal((await (await tid(b, 'diag-diff-char')).getText()).trim(), '#');
    // The ticket is never shown: string1 carries it masked.
    const shown = await b.execute(() => document.body.innerText);
    assert.ok(!shown.includes(ticket), 'the ticket is shown in the UI');
    await tid(b, 'diag-copy-corrected').waitForDisplayed();

    for (const [locale, theme] of [['zh', 'light'], ['en', 'dark'], ['en', 'light'], ['zh', 'dark']]) {
      await setLook(b, locale, theme);
      await screenshot(b, `diag-fragment-${locale}-${theme}`);
      if (locale === 'en') {
        await (await tid(b, 'diag-fields')).scrollIntoView();
        await screenshot(b, `diag-diff-${locale}-${theme}`);
        await b.execute(() => window.scrollTo(0, 0));
      }
    }
    await setLook(b, 'zh', 'light');

    await setText(b, 'diag-paste', `{"timestamp": "${ts}", "nonceStr": "${nonce}", "signature": "${right}"}`);
    try {
      await verdict(b, 'true');
    } finally {
      await screenshot(b, 'diag-after-right');
    }
    await screenshot(b, 'diag-valid');

    await setText(b, 'diag-paste', 'hello, this is not a signature');
    await tid(b, 'diag-parse-error').waitForDisplayed({ timeout: 10000 });
  });

  test('local signing endpoint: switched on, fetched with a real HTTP client, listed, switched off', async () => {
    await b.execute(() => { window.location.hash = '#/diagnosis'; });
    await tid(b, 'signer-panel').waitForDisplayed({ timeout: 15000 });
    await setText(b, 'signer-origins', 'http://localhost:5173');
    await click(b, 'signer-switch');
    await tid(b, 'signer-running').waitForDisplayed({ timeout: 15000 });
    const url = (await (await tid(b, 'signer-base-url')).getText()).trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/jssdk\/signature\?url=$/);
    const page = 'https://app.example.com/h5/index.html?from=menu#/orders/42';
    const res = await fetch(url + encodeURIComponent(page), { headers: { Origin: 'http://localhost:5173' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    const body = await res.json();
    const profileId = (await invoke(b, 'profiles_list')).active_id;
    const ticket = await invoke(b, 'secret_reveal', { profileId, what: 'corp_ticket' });
    const c = body.config;
    assert.equal(c.signature, sha1(`jsapi_ticket=${ticket}&noncestr=${c.nonceStr}&timestamp=${c.timestamp}&url=${page.split('#')[0]}`));
    assert.match(body.agentConfig.signature, /^[0-9a-f]{40}$/);
    assert.ok(body.corpId && String(body.agentId));
    // Origins not listed — including near misses of the listed one (other port, other
    // scheme, a suffix that makes it another host) — get a 403 and no signature.
    for (const origin of ['http://evil.example', 'http://localhost:5174', 'https://localhost:5173', 'http://localhost:5173.evil.test']) {
      const other = await fetch(url + encodeURIComponent(page), { headers: { Origin: origin } });
      const text = await other.text();
      assert.equal(other.status, 403, `${origin}: ${text}`);
      assert.equal(other.headers.get('access-control-allow-origin'), null, origin);
      assert.doesNotMatch(text, /"signature"|[0-9a-f]{40}/, `${origin} got a signature: ${text}`);
      assert.ok(!text.includes(ticket), `${origin} got the ticket`);
      assert.equal(JSON.parse(text).error.kind, 'origin_not_allowed', origin);
    }
    await b.waitUntil(async () => (await b.$$('[data-testid="signer-event"]')).length >= 1, {
      timeout: 10000, timeoutMsg: 'the request did not appear in the live list',
    });
    const snippet = await (await tid(b, 'signer-snippet')).getText();
    assert.ok(snippet.includes('ww.register') && snippet.includes(url.split('/jssdk')[0]));
    const logged = await invoke(b, 'log_query', {
      filter: { profile: null, endpoint: null, outcome: 'any', code: null, since_ms: null, until_ms: null, text: 'jssdk' },
      page: { before_id: null, limit: 10 },
    });
    assert.ok(logged.items.some((i) => i.feature === 'signing-endpoint'), 'endpoint request not in the request log');
    await (await tid(b, 'signer-panel')).scrollIntoView();
    for (const [locale, theme] of [['en', 'light'], ['zh', 'dark']]) {
      await setLook(b, locale, theme);
      await screenshot(b, `signer-${locale}-${theme}`);
    }
    await setLook(b, 'zh', 'light');
    await click(b, 'signer-switch');
    await tid(b, 'signer-running').waitForDisplayed({ reverse: true, timeout: 10000 });
    await assert.rejects(fetch(url + 'x'));
  });
});
