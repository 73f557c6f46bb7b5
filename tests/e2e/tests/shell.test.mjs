// The Rust shell end to end: the real app binary, its embedded sandbox, the real
// gnome-keyring of this test session, and its command ACL — driven through the page.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  APP_BIN, clearKeyringEntry, filesContaining, invoke, keyringLookup, keyringSecrets, launchApp, makeHome, screenshot, waitForIpc,
} from '../lib/app.mjs';

describe('app shell', () => {
  let app;
  let home;
  before(async () => {
    home = makeHome('shell');
    app = await launchApp(home);
    await waitForIpc(app.browser);
  });
  after(async () => { await app?.close(); });

  test('first start: sandbox running, Sandbox profile ready, keyring available', async () => {
    const info = await invoke(app.browser, 'app_info');
    assert.match(info.sandbox_base_url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(info.keyring.available, true, info.keyring.message ?? '');
    const list = await invoke(app.browser, 'profiles_list');
    const sandbox = list.profiles.find((p) => p.is_sandbox);
    assert.ok(sandbox, 'no sandbox profile');
    assert.equal(sandbox.name, 'Sandbox');
    assert.equal(sandbox.base_url, info.sandbox_base_url);
    assert.equal(sandbox.has_secret, true);
    assert.equal(list.active_id, sandbox.id);
    await screenshot(app.browser, 'shell-first-start');
  });

  test('token and tickets come from the sandbox through one cache', async () => {
    const { profiles } = await invoke(app.browser, 'profiles_list');
    const id = profiles.find((p) => p.is_sandbox).id;
    const t1 = await invoke(app.browser, 'token_fetch', { profileId: id, force: false });
    assert.equal(t1.from_cache, false);
    assert.ok(t1.expires_at - t1.fetched_at === 7200);
    const t2 = await invoke(app.browser, 'token_fetch', { profileId: id, force: false });
    assert.equal(t2.from_cache, true);
    assert.equal(t2.masked, t1.masked);
    await invoke(app.browser, 'ticket_fetch', { profileId: id, kind: 'agent', force: false });
    const snap = await invoke(app.browser, 'credentials_snapshot', { profileId: id });
    assert.equal(snap.agent_fetches_last_hour, 1);
    assert.ok(snap.agent_ticket.masked.includes('***'));
  });

  test('an injected sandbox fault surfaces as an explained error, then clears', async () => {
    const { profiles } = await invoke(app.browser, 'profiles_list');
    const id = profiles.find((p) => p.is_sandbox).id;
    await invoke(app.browser, 'sandbox_set_fault', {
      fault: { path: '/cgi-bin/gettoken', kind: 'errcode', errcode: 40001, count: 1 },
    });
    await assert.rejects(invoke(app.browser, 'token_fetch', { profileId: id, force: true }), (e) => {
      assert.equal(e.ui.kind, 'wecom');
      assert.equal(e.ui.errcode, 40001);
      assert.ok(e.ui.hint);
      return true;
    });
    const t = await invoke(app.browser, 'token_fetch', { profileId: id, force: true });
    assert.equal(t.from_cache, false);
  });

  test('OAuth link → sandbox authorize as a member → code → user', async () => {
    const { profiles } = await invoke(app.browser, 'profiles_list');
    const sb = profiles.find((p) => p.is_sandbox);
    const link = await invoke(app.browser, 'oauth_build', {
      p: {
        profileId: sb.id, redirectUri: sb.default_redirect_uri, scope: 'snsapi_privateinfo',
        state: 'e2e1', agentid: null, forSandbox: true,
      },
    });
    assert.ok(link.url, JSON.stringify(link.problems));
    const status = await invoke(app.browser, 'sandbox_status');
    const member = status.members[0];
    const res = await fetch(`${link.url.replace('#wechat_redirect', '')}&sandbox_userid=${member.userid}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const callback = new URL(res.headers.get('location'));
    assert.equal(callback.searchParams.get('state'), 'e2e1');
    assert.ok(callback.searchParams.get('code'));
    const report = await invoke(app.browser, 'identity_lookup', { profileId: sb.id, input: callback.toString() });
    assert.equal(report.code, callback.searchParams.get('code'));
    assert.equal(report.state, 'e2e1');
    assert.equal(report.userinfo.userid, member.userid, JSON.stringify(report.steps));
    assert.equal(report.user.userid, member.userid);
    assert.ok(report.steps.every((s) => s.ok), JSON.stringify(report.steps));
    // A code works once: the second lookup explains why it fails.
    const again = await invoke(app.browser, 'identity_lookup', { profileId: sb.id, input: callback.toString() });
    const failed = again.steps.find((s) => !s.ok);
    assert.equal(failed.error.errcode, 40029);
    const user = await invoke(app.browser, 'user_get', { profileId: sb.id, userid: member.userid });
    assert.equal(user.userid, member.userid);
    const history = await invoke(app.browser, 'link_history');
    assert.equal(history[0].url, link.url);
  });

  test('installed commands the capability does not grant are refused by the ACL', async () => {
    // The store plugin is installed (the app keeps its profiles in it) but the page gets
    // no store permission: reading the store file directly must be refused. Likewise the
    // dialog plugin's "open" (only "save" is granted).
    await assert.rejects(invoke(app.browser, 'plugin:store|load', { path: 'wwdev.json' }), (e) => {
      assert.match(String(e.ui), /^store\.load not allowed\. Permissions associated with this command: .*store:allow-load/, String(e.ui));
      return true;
    });
    await assert.rejects(invoke(app.browser, 'plugin:dialog|open', { options: {} }), (e) => {
      assert.match(String(e.ui), /^dialog\.open not allowed\. Permissions associated with this command: .*dialog:allow-open/, String(e.ui));
      return true;
    });
    // A granted command of the same plugin passes the ACL (so the refusals above are the
    // ACL's, not a missing plugin's): dialog "save" is allowed and only fails on its input.
    await assert.rejects(invoke(app.browser, 'plugin:dialog|save', { options: 'not an object' }), (e) => {
      assert.doesNotMatch(String(e.ui), /not allowed/, String(e.ui));
      return true;
    });
  });
});

describe('keyring round trip', () => {
  const SECRET_NAME = 'Keyring e2e';
  test('a profile secret lives only in the keyring, under its profile id, and survives a restart', async () => {
    const home = makeHome('keyring');
    let app = await launchApp(home);
    let secret;
    let id;
    try {
      await waitForIpc(app.browser);
      // The sandbox's second app: launches store only the first one's secret (for the
      // Sandbox profile), so this secret reaches the keyring only through this save.
      const status = await invoke(app.browser, 'sandbox_status');
      const crm = status.apps[1];
      secret = crm.secret;
      assert.ok(!keyringSecrets().includes(secret), 'the secret is in the keyring before it was saved');
      const saved = await invoke(app.browser, 'profile_save', {
        profile: {
          id: '', name: SECRET_NAME, corpid: status.corpid, agentid: String(crm.agentid),
          base_url: status.base_url, trusted_domains: crm.trusted_domains,
          default_redirect_uri: '', notes: '',
        },
        secret,
      });
      id = saved.id;
      assert.equal(saved.has_secret, true);
      await screenshot(app.browser, 'keyring-saved');
    } finally {
      await app.close();
    }
    try {
      assert.equal(keyringLookup(id), secret, `no keyring entry for profile ${id}`);
      assert.deepEqual(filesContaining(home.dir, secret), [], 'secret written to a file');

      app = await launchApp(home);
      try {
        await waitForIpc(app.browser);
        const info = await invoke(app.browser, 'app_info');
        const { profiles } = await invoke(app.browser, 'profiles_list');
        const p = profiles.find((x) => x.id === id);
        assert.ok(p && p.has_secret, 'profile or its secret lost after restart');
        // The sandbox listens on a new port after a restart; point the profile at it
        // without touching the secret (null = keep).
        await invoke(app.browser, 'profile_save', { profile: { ...p, base_url: info.sandbox_base_url }, secret: null });
        // The sandbox accepts only the crm app's real secret: this passes only when the
        // keyring gave back exactly what was saved.
        const test = await invoke(app.browser, 'profile_test', { id: p.id });
        assert.equal(test.ok, true, JSON.stringify(test.error));
        // Deleting the profile deletes its keyring entry.
        await invoke(app.browser, 'profile_delete', { id: p.id });
        assert.equal(keyringLookup(id), null, 'the keyring entry outlived its profile');
      } finally {
        await app.close();
      }
      assert.deepEqual(filesContaining(home.dir, secret), [], 'secret written to a file');
    } finally {
      clearKeyringEntry(id);
    }
  });
});

describe('--exit-when-ready', () => {
  test('exits 0 once the first screen reported ready', async () => {
    const home = makeHome('ready');
    const child = spawn(APP_BIN, ['--exit-when-ready'], {
      env: { ...process.env, XDG_DATA_HOME: home.data, XDG_CONFIG_HOME: home.config, XDG_CACHE_HOME: home.cache },
      stdio: 'ignore',
      detached: true,
    });
    const code = await new Promise((resolve) => {
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} resolve('timeout'); }, 90000);
      child.on('exit', (c) => { clearTimeout(t); resolve(c); });
    });
    assert.equal(code, 0);
  });
});
