// The real UI (ui/dist embedded), driven like a user through data-testid selectors
// (see ui/TESTIDS.md). Skipped when the app was built with the shell fixture.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ROOT, clearKeyringEntry, click, fill, filesContaining, invoke, keyringLookup, keyringSecrets, launchApp, makeHome, screenshot, tid,
  waitForIpc, waitText,
} from '../lib/app.mjs';

const HAS_UI = fs.existsSync(path.join(ROOT, 'ui/package.json'));

async function open(browser, route) {
  await browser.execute((r) => { window.location.hash = r; }, `#${route}`);
  const key = route.slice(1).split('?')[0];
  await tid(browser, `screen-${key}`).waitForDisplayed({ timeout: 15000 });
}

async function attr(browser, id, name) {
  return (await tid(browser, id)).getAttribute(name);
}

describe('UI main paths', { skip: !HAS_UI && 'ui/ not built' }, () => {
  let app;
  let b;
  before(async () => {
    app = await launchApp(makeHome('ui'));
    b = app.browser;
    await waitForIpc(b);
    await tid(b, 'app-root').waitForDisplayed({ timeout: 20000 });
  });
  after(async () => { await app?.close(); });

  test('profiles screen lists the ready Sandbox profile', async () => {
    await open(b, '/profiles');
    await tid(b, 'profile-row-sandbox').waitForDisplayed();
    await screenshot(b, 'ui-profiles');
  });

  test('OAuth link → sandbox authorize as a member → callback URL → identity lookup', async () => {
    await open(b, '/oauth');
    await click(b, 'oauth-build');
    const url = await waitText(b, 'oauth-url', /^http:\/\/127\.0\.0\.1:\d+\/connect\/oauth2\/authorize\?/);
    await tid(b, 'oauth-qr').waitForDisplayed();
    await screenshot(b, 'ui-oauth-link');
    const status = await invoke(b, 'sandbox_status');
    const member = status.members[0];
    const res = await fetch(`${url.replace('#wechat_redirect', '')}&sandbox_userid=${member.userid}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const callback = res.headers.get('location');
    await open(b, '/identity');
    await fill(b, 'identity-input', callback);
    await click(b, 'identity-submit');
    await waitText(b, 'identity-userid', new RegExp(`^${member.userid}$`));
    // Each step's answer is shown under it (step names are the core's: auth/getuserinfo, user/get).
    await tid(b, 'identity-userinfo').waitForDisplayed();
    await tid(b, 'identity-user').waitForDisplayed();
    assert.match(await (await tid(b, 'identity-user')).getText(), new RegExp(member.name));
    // The summary is in the UI's language.
    const zh = (await (await tid(b, 'app-root')).getAttribute('data-locale')) === 'zh';
    assert.match(await (await tid(b, 'identity-summary')).getText(), new RegExp(zh ? `成员 ${member.userid}` : `Member ${member.userid}`));
    await screenshot(b, 'ui-identity-member');
  });

  test('sign: fragment stripped, both signatures shown', async () => {
    await open(b, '/sign');
    await fill(b, 'sign-url', 'https://app.example.com/h5/index.html?from=menu#/home');
    await click(b, 'sign-submit');
    await waitText(b, 'sign-config-signature', /^[0-9a-f]{40}$/);
    await tid(b, 'sign-fragment').waitForDisplayed();
    assert.match(await (await tid(b, 'sign-url-signed')).getText(), /index\.html\?from=menu$/);
    await screenshot(b, 'ui-sign');
  });

  test('token & tickets: fetch shows a masked value and a countdown', async () => {
    await open(b, '/credentials');
    await click(b, 'cred-token-fetch');
    await waitText(b, 'cred-token-value', /\*\*\*/);
    await tid(b, 'cred-token-countdown').waitForDisplayed();
    await click(b, 'cred-agent-fetch');
    await waitText(b, 'cred-agent-value', /\*\*\*/);
    await screenshot(b, 'ui-credentials');
  });

  test('error path: a sandbox fault shows the explained errcode', async () => {
    await invoke(b, 'sandbox_set_fault', { fault: { path: '/cgi-bin/gettoken', kind: 'errcode', errcode: 40013, count: 1 } });
    await open(b, '/credentials');
    await click(b, 'cred-token-force');
    await waitText(b, 'cred-error-errcode', /40013/);
    assert.ok((await (await tid(b, 'cred-error-hint')).getText()).length > 0);
    await screenshot(b, 'ui-error-fault');
  });

  test('console, error codes, domain check and sandbox screens', async () => {
    await open(b, '/console');
    await fill(b, 'console-path', '/cgi-bin/get_api_domain_ip');
    assert.equal(await (await tid(b, 'console-path')).getValue(), '/cgi-bin/get_api_domain_ip');
    await click(b, 'console-send');
    await b.waitUntil(async () => (await tid(b, 'console-status').isExisting()) || (await tid(b, 'console-error').isExisting()), { timeout: 15000 });
    if (await tid(b, 'console-error').isExisting()) assert.fail(`console error: ${await (await tid(b, 'console-error')).getText()}`);
    await waitText(b, 'console-status', /200/);
    await screenshot(b, 'ui-console');

    await open(b, '/errcodes?code=40029');
    await tid(b, 'errcode-detail').waitForDisplayed();
    assert.equal(await attr(b, 'errcode-detail', 'data-code'), '40029');
    await screenshot(b, 'ui-errcodes');

    await open(b, '/domain');
    await fill(b, 'domain-domain', 'app.example.com');
    await fill(b, 'domain-urls', 'https://other.example.org/callback');
    await click(b, 'domain-submit');
    await tid(b, 'domain-result').waitForDisplayed();
    assert.equal(await attr(b, 'domain-result', 'data-ok'), 'false');
    await screenshot(b, 'ui-domain');

    const info = await invoke(b, 'app_info');
    await open(b, '/sandbox');
    await waitText(b, 'sandbox-base-url', new RegExp(info.sandbox_base_url.replace(/[.]/g, '\\.')));
    await screenshot(b, 'ui-sandbox');
  });

  test('language and theme switch', async () => {
    await open(b, '/settings');
    const locale = await attr(b, 'app-root', 'data-locale');
    const theme = await attr(b, 'app-root', 'data-theme');
    const text = await b.execute(() => document.querySelector('[data-testid="nav"]').innerText);
    await click(b, 'lang-toggle');
    await b.waitUntil(async () => (await attr(b, 'app-root', 'data-locale')) !== locale, { timeout: 5000 });
    assert.notEqual(await b.execute(() => document.querySelector('[data-testid="nav"]').innerText), text);
    await click(b, 'theme-toggle');
    await b.waitUntil(async () => (await attr(b, 'app-root', 'data-theme')) !== theme, { timeout: 5000 });
    await b.pause(400); // Naive's colour transitions take 0.3 s: a picture, not a check
    await screenshot(b, 'ui-lang-theme-switched');
    await open(b, '/profiles');
    await screenshot(b, 'ui-profiles-lang-theme-switched');
    // Deleting asks first, in the row; cancelling leaves the profile where it was.
    await click(b, 'profile-delete');
    await (await tid(b, 'profile-delete-question')).waitForDisplayed({ timeout: 5000 });
    await screenshot(b, 'ui-profile-delete-question');
    await click(b, 'profile-delete-cancel');
    await (await tid(b, 'profile-delete')).waitForDisplayed({ timeout: 5000 });
    // Duplicate a profile, then delete the copy through its question: each says so in a
    // message (Naive's, loaded after the first screen, in the app's theme and language).
    const rowIds = () => b.execute(() => [...document.querySelectorAll('[data-testid="profile-row"]')].map((r) => r.dataset.profileId));
    const before = await rowIds();
    await click(b, 'profile-duplicate');
    await b.waitUntil(async () => (await rowIds()).length === before.length + 1, { timeout: 5000, timeoutMsg: 'no copy appeared' });
    const copy = (await rowIds()).find((id) => !before.includes(id));
    const messageText = () => b.execute(() => document.querySelector('.n-message')?.textContent ?? '');
    await b.waitUntil(async () => (await messageText()).length > 0, { timeout: 5000, timeoutMsg: 'no message after duplicating' });
    const lang = await attr(b, 'app-root', 'data-locale');
    assert.match(await messageText(), lang === 'zh' ? /^已创建/ : /^Created /);
    await screenshot(b, 'ui-profile-duplicated-message');
    await (await b.$(`[data-profile-id="${copy}"] [data-testid="profile-delete"]`)).click();
    await (await b.$(`[data-profile-id="${copy}"] [data-testid="profile-delete-confirm"]`)).click();
    await b.waitUntil(async () => !(await rowIds()).includes(copy), { timeout: 5000, timeoutMsg: 'the copy was not deleted' });
    assert.deepEqual(await rowIds(), before);
    // The navigation collapses to icons (labels move to tooltips) and expands again.
    const navWidth = () => b.execute(() => document.querySelector('[data-testid="nav"]').getBoundingClientRect().width);
    await click(b, 'nav-collapse');
    await b.waitUntil(async () => (await navWidth()) <= 64, { timeout: 5000, timeoutMsg: 'the navigation did not collapse' });
    const collapsedLink = await b.execute(() => {
      const a = document.querySelector('[data-testid="nav-log"]');
      return { text: a.textContent.trim(), title: a.getAttribute('title') };
    });
    assert.deepEqual({ text: collapsedLink.text, titled: Boolean(collapsedLink.title) }, { text: '', titled: true });
    await screenshot(b, 'ui-nav-collapsed');
    await click(b, 'nav-collapse');
    await b.waitUntil(async () => (await navWidth()) >= 200, { timeout: 5000, timeoutMsg: 'the navigation did not expand' });
    // Settings persist: the backend has them.
    const s = await invoke(b, 'settings_get');
    assert.notEqual(s.theme, 'system');
  });
});

describe('UI keyring round trip', { skip: !HAS_UI && 'ui/ not built' }, () => {
  test('a secret typed in the profile form goes to the keyring under the new profile id and survives a restart', async () => {
    const home = makeHome('ui-keyring');
    const name = 'UI keyring profile';
    let app = await launchApp(home);
    let secret;
    let id;
    try {
      const b = app.browser;
      await waitForIpc(b);
      await tid(b, 'app-root').waitForDisplayed({ timeout: 20000 });
      // The sandbox's second app: no launch stores its secret (the Sandbox profile uses
      // the first app), so only this form can put it in the keyring.
      const status = await invoke(b, 'sandbox_status');
      const crm = status.apps[1];
      secret = crm.secret;
      assert.ok(!keyringSecrets().includes(secret), 'the secret is in the keyring before it was typed');
      await open(b, '/profiles');
      await click(b, 'profile-new');
      await fill(b, 'profile-name', name);
      await fill(b, 'profile-corpid', status.corpid);
      await fill(b, 'profile-agentid', String(crm.agentid));
      await fill(b, 'profile-secret', secret);
      await fill(b, 'profile-base-url', status.base_url);
      await screenshot(b, 'ui-profile-form');
      await click(b, 'profile-save');
      const row = await b.$(`[data-testid="profile-row"][data-profile-name="${name}"]`);
      await row.waitForDisplayed({ timeout: 15000 });
      id = await row.getAttribute('data-profile-id');
      assert.ok(id, 'the new row has no profile id');
    } finally {
      await app.close();
    }
    try {
      assert.equal(keyringLookup(id), secret, `no keyring entry for profile ${id}`);
      assert.deepEqual(filesContaining(home.dir, secret), [], 'secret found in a file');

      app = await launchApp(home);
      try {
        const b = app.browser;
        await waitForIpc(b);
        const { profiles } = await invoke(b, 'profiles_list');
        const p = profiles.find((x) => x.id === id);
        assert.ok(p?.has_secret, 'secret lost after restart');
        // New port for the sandbox after a restart; keep the secret (null).
        const info = await invoke(b, 'app_info');
        await invoke(b, 'profile_save', { profile: { ...p, base_url: info.sandbox_base_url }, secret: null });
        await b.refresh();
        await waitForIpc(b);
        await open(b, '/profiles');
        const row = await b.$(`[data-testid="profile-row"][data-profile-id="${id}"]`);
        await row.waitForDisplayed({ timeout: 15000 });
        // The sandbox accepts only the crm app's real secret.
        await (await row.$('[data-testid="profile-test"]')).click();
        await (await row.$('[data-testid="profile-test-ok"]')).waitForDisplayed({ timeout: 20000 });
        await screenshot(b, 'ui-profile-test-ok');
        await invoke(b, 'profile_delete', { id });
        assert.equal(keyringLookup(id), null, 'the keyring entry outlived its profile');
      } finally {
        await app.close();
      }
      assert.deepEqual(filesContaining(home.dir, secret), [], 'secret found in a file');
    } finally {
      clearKeyringEntry(id);
    }
  });
});
