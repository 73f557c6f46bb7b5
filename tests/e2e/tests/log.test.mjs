// The request log, end to end: calls made in the app land in the log; the Log screen
// lists, filters, searches, shows a detail, replays, exports and clears; new entries
// appear live. Screenshots in zh/en and light/dark.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ROOT, click, clickEl, fill, filesContaining, invoke, launchApp, makeHome, screenshot, textOf, tid, waitForIpc, waitText,
} from '../lib/app.mjs';
import { setText } from '../lib/text.mjs';

const HAS_UI = fs.existsSync(path.join(ROOT, 'ui/package.json'));

async function open(browser, route) {
  await browser.execute((r) => { window.location.hash = r; }, `#${route}`);
  await tid(browser, `screen-${route.slice(1).split('?')[0]}`).waitForDisplayed({ timeout: 15000 });
}

/** Paths of the rows currently rendered in the virtual list. */
async function rowPaths(b) {
  return b.execute(() => [...document.querySelectorAll('[data-testid="log-row"]')].map((r) => r.getAttribute('data-path')));
}

async function waitRows(b, pred, msg) {
  let last = [];
  await b.waitUntil(async () => { last = await rowPaths(b); return pred(last); }, {
    timeout: 15000, timeoutMsg: `${msg}; rows: ${JSON.stringify(last)}`,
  });
  return last;
}

/** Picks the n-th option (0-based) of a Naive UI select. */
async function pickOption(b, id, index) {
  await click(b, id);
  await b.waitUntil(async () => (await b.$$('.n-base-select-option')).length > index, { timeout: 5000 });
  const opt = (await b.$$('.n-base-select-option'))[index];
  await opt.waitForClickable({ timeout: 5000 });
  // The menu fades in; a click during the animation can be intercepted.
  await b.pause(300);
  await clickEl(b, opt);
}

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

describe('request log', { skip: !HAS_UI && 'ui/ not built' }, () => {
  let app;
  let b;
  let home;
  before(async () => {
    home = makeHome('log');
    app = await launchApp(home);
    b = app.browser;
    await waitForIpc(b);
    await tid(b, 'app-root').waitForDisplayed({ timeout: 20000 });
  });
  after(async () => { await app?.close(); });

  test('calls made in the app are listed, filtered, searched and explained', async () => {
    // A token fetch and an identity lookup with a code WeCom rejects.
    await open(b, '/credentials');
    await click(b, 'cred-token-fetch');
    await waitText(b, 'cred-token-value', /\*\*\*/);
    await open(b, '/identity');
    await fill(b, 'identity-input', 'NOT-A-VALID-CODE');
    await click(b, 'identity-submit');
    // The lookup itself succeeds (it is a report); its getuserinfo step shows WeCom's
    // 40029 (invalid code) with the errcode linked to the catalogue.
    await tid(b, 'identity-result').waitForDisplayed({ timeout: 15000 });
    assert.equal(await (await tid(b, 'identity-step-auth/getuserinfo')).getAttribute('data-ok'), 'false');
    await waitText(b, 'identity-step-auth/getuserinfo-error-errcode', /^40029$/);
    assert.match(await (await tid(b, 'identity-step-auth/getuserinfo-error-errcode')).getAttribute('href'), /#\/errcodes\?code=40029$/);
    assert.equal(await (await tid(b, 'identity-step-auth/getuserinfo-error')).getAttribute('data-kind'), 'wecom');
    assert.ok((await textOf(b, 'identity-step-auth/getuserinfo-error-hint')).length > 0, 'no hint for 40029');

    await open(b, '/log');
    await waitRows(b, (p) => p.includes('/cgi-bin/gettoken') && p.includes('/cgi-bin/auth/getuserinfo'), 'calls not listed');
    await waitText(b, 'log-total', /\d/);
    // The shared log file lives under XDG_DATA_HOME, like the CLI's.
    assert.ok(fs.existsSync(path.join(home.data, 'wwdev', 'requests.sqlite3')));

    // Errors only: the failed identity call stays, the token fetch goes.
    await pickOption(b, 'log-filter-outcome', 2);
    await waitRows(b, (p) => p.length > 0 && !p.includes('/cgi-bin/gettoken') && p.includes('/cgi-bin/auth/getuserinfo'), 'error filter');
    const rows = await b.$$('[data-testid="log-row"]');
    await clickEl(b, rows[0]);
    await tid(b, 'log-detail').waitForDisplayed();
    await tid(b, 'log-detail-explanation').waitForDisplayed();
    await tid(b, 'log-errcode-link').waitForDisplayed();
    await tid(b, 'log-detail-response').waitForDisplayed();
    await waitText(b, 'log-detail-errcode', /errcode [1-9]\d*/);
    // The single-use code was masked, so this call cannot be replayed.
    assert.equal(await (await tid(b, 'log-replay')).isEnabled(), false);
    await screenshot(b, 'log-error-detail');

    // Full-text search.
    await click(b, 'log-filter-reset');
    await setText(b, 'log-search', 'gettoken');
    await waitRows(b, (p) => p.length > 0 && p.every((x) => x === '/cgi-bin/gettoken'), 'search');
    await setText(b, 'log-search', '');
    await waitRows(b, (p) => p.includes('/cgi-bin/auth/getuserinfo'), 'search cleared');
  });

  test('new entries appear live; replay is logged as a new entry', async () => {
    await open(b, '/log');
    const profileId = (await invoke(b, 'profiles_list')).active_id;
    await invoke(b, 'console_send', { profileId, method: 'GET', path: '/cgi-bin/get_api_domain_ip', query: [], body: null });
    await waitRows(b, (p) => p[0] === '/cgi-bin/get_api_domain_ip', 'live entry did not appear on top');
    const first = await b.$('[data-testid="log-row"]');
    const idBefore = Number(await first.getAttribute('data-id'));
    await clickEl(b, first);
    await waitText(b, 'log-detail-path', /get_api_domain_ip/);
    await click(b, 'log-replay');
    await tid(b, 'log-replay-result').waitForDisplayed({ timeout: 15000 });
    await b.waitUntil(async () => Number(await (await b.$('[data-testid="log-row"]')).getAttribute('data-id')) > idBefore, {
      timeout: 10000, timeoutMsg: 'the replay did not appear as a new entry',
    });
    const detail = await invoke(b, 'log_get', { id: Number(await (await b.$('[data-testid="log-row"]')).getAttribute('data-id')) });
    assert.equal(detail.item.feature, 'replay');
    assert.match(await invoke(b, 'log_curl', { id: idBefore }), /^curl .*get_api_domain_ip/s);
    await screenshot(b, 'log-replay');
  });

  test('export holds the filtered set and no secret; screenshots; clear empties the log', async () => {
    const profileId = (await invoke(b, 'profiles_list')).active_id;
    const token = await invoke(b, 'secret_reveal', { profileId, what: 'token' });
    const status = await invoke(b, 'sandbox_status');
    const secret = status.apps[0].secret;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wwdev-log-export-'));
    const har = path.join(dir, 'log.har');
    const filter = { profile: null, endpoint: '/cgi-bin/gettoken', outcome: 'any', code: null, since_ms: null, until_ms: null, text: null };
    const n = await invoke(b, 'log_export', { filter, format: 'har', path: har });
    const doc = JSON.parse(fs.readFileSync(har, 'utf8'));
    assert.equal(doc.log.version, '1.2');
    assert.equal(doc.log.entries.length, n);
    assert.ok(n >= 1 && doc.log.entries.every((e) => e.request.url.includes('/cgi-bin/gettoken')));
    for (const format of ['json', 'curl']) {
      const text = await invoke(b, 'log_export_text', { filter: { ...filter, endpoint: null }, format });
      assert.ok(text.includes('gettoken'), format);
      assert.ok(!text.includes(token) && !text.includes(secret), `${format} export leaks a secret`);
    }
    assert.deepEqual(filesContaining(dir, token), []);
    assert.deepEqual(filesContaining(home.dir, token), [], 'the token is in a file under the data dir');
    assert.deepEqual(filesContaining(home.dir, secret), [], 'the secret is in a file under the data dir');
    const shown = await b.execute(() => document.body.innerText);
    assert.ok(!shown.includes(token), 'the token is shown in the UI');

    await open(b, '/log');
    for (const [locale, theme] of [['zh', 'light'], ['en', 'dark'], ['en', 'light'], ['zh', 'dark']]) {
      await setLook(b, locale, theme);
      const first = await b.$('[data-testid="log-row"]');
      await clickEl(b, first);
      await tid(b, 'log-detail').waitForDisplayed();
      await screenshot(b, `log-${locale}-${theme}`);
    }
    await setLook(b, 'zh', 'light');

    await click(b, 'log-clear');
    await click(b, 'log-clear-confirm');
    await tid(b, 'log-empty').waitForDisplayed({ timeout: 10000 });
    assert.equal((await invoke(b, 'log_query', { filter, page: { before_id: null, limit: 10 } })).total, 0);
    await screenshot(b, 'log-cleared');
  });
});
