// The real UI (ui/dist embedded), driven like a user: data-testid selectors only.
// Skipped when the app was built with the shell fixture (no ui/ yet).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  ROOT, click, fill, filesContaining, invoke, keyringSecrets, launchApp, makeHome, screenshot, tid, waitForIpc,
} from '../lib/app.mjs';

const HAS_UI = fs.existsSync(path.join(ROOT, 'ui/package.json'));

async function open(browser, route) {
  await browser.execute((r) => { window.location.hash = r; }, `#${route}`);
  await tid(browser, `screen-${route.slice(1)}`).waitForDisplayed({ timeout: 15000 });
}

describe('UI', { skip: !HAS_UI && 'ui/ not built' }, () => {
  test('profiles: a secret typed in the form goes to the keyring and survives a restart', async () => {
    const home = makeHome('ui-keyring');
    let app = await launchApp(home);
    let secret;
    const name = 'UI keyring profile';
    try {
      const b = app.browser;
      await waitForIpc(b);
      await tid(b, 'app-root').waitForDisplayed({ timeout: 20000 });
      const status = await invoke(b, 'sandbox_status');
      secret = status.apps[0].secret;
      await open(b, '/profiles');
      await click(b, 'profile-new');
      await fill(b, 'profile-name', name);
      await fill(b, 'profile-corpid', status.corpid);
      await fill(b, 'profile-agentid', String(status.apps[0].agentid));
      await fill(b, 'profile-secret', secret);
      await fill(b, 'profile-base-url', status.base_url);
      await screenshot(b, 'ui-profile-form');
      await click(b, 'profile-save');
      await b.waitUntil(async () => {
        for (const row of await b.$$('[data-testid="profile-row"]')) {
          if ((await row.getText()).includes(name)) return true;
        }
        return false;
      }, { timeout: 15000, timeoutMsg: 'saved profile not listed' });
      await screenshot(b, 'ui-profiles');
    } finally {
      await app.close();
    }
    assert.ok(keyringSecrets().includes(secret), 'secret not in the Secret Service');
    assert.deepEqual(filesContaining(home.dir, secret), []);

    app = await launchApp(home);
    try {
      const b = app.browser;
      await waitForIpc(b);
      await open(b, '/profiles');
      const { profiles } = await invoke(b, 'profiles_list');
      const p = profiles.find((x) => x.name === name);
      assert.ok(p?.has_secret);
      const info = await invoke(b, 'app_info');
      await invoke(b, 'profile_save', { profile: { ...p, base_url: info.sandbox_base_url }, secret: null });
      await b.refresh();
      await waitForIpc(b);
      await open(b, '/profiles');
      const rows = await b.$$('[data-testid="profile-row"]');
      let row;
      for (const r of rows) if ((await r.getText()).includes(name)) row = r;
      assert.ok(row, 'profile row missing after restart');
      await (await row.$('[data-testid="profile-test"]')).click();
      await (await row.$('[data-testid="profile-test-ok"]')).waitForDisplayed({ timeout: 20000 });
      await screenshot(b, 'ui-profile-test-ok');
    } finally {
      await app.close();
    }
  });

  test('language and theme switch', async () => {
    const home = makeHome('ui-lang');
    const app = await launchApp(home);
    try {
      const b = app.browser;
      await waitForIpc(b);
      await open(b, '/profiles');
      const before = await b.execute(() => document.body.innerText);
      const bgBefore = await b.execute(() => getComputedStyle(document.querySelector('[data-testid="app-root"]')).backgroundColor);
      await click(b, 'lang-toggle');
      await b.waitUntil(async () => (await b.execute(() => document.body.innerText)) !== before, { timeout: 5000 });
      await click(b, 'theme-toggle');
      await b.waitUntil(async () => {
        const bg = await b.execute(() => getComputedStyle(document.querySelector('[data-testid="app-root"]')).backgroundColor);
        return bg !== bgBefore;
      }, { timeout: 5000, timeoutMsg: 'theme did not change the background' });
      await screenshot(b, 'ui-lang-theme-switched');
    } finally {
      await app.close();
    }
  });
});
