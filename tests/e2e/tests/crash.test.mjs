// Crash and damage, end to end on the real app: a SIGKILL while calls are being recorded
// loses no committed log entry and the app starts again; a damaged store file and a
// damaged request log are moved aside with a message in the app; with no Secret Service
// on the bus the app runs with in-memory secrets and says so.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { describe, test } from 'node:test';
import {
  ROOT, click, fill, filesContaining, invoke, keyringLookup, keyringSecrets, launchApp, makeHome, screenshot, textOf, tid,
  waitForIpc, waitText,
} from '../lib/app.mjs';

const HAS_UI = fs.existsSync(path.join(ROOT, 'ui/package.json'));
/** tauri's app data dir on Linux: $XDG_DATA_HOME/<identifier>. */
const APP_DIR = 'dev.wwdev.app';
const PATH = '/cgi-bin/get_api_domain_ip';

async function open(b, route) {
  await b.execute((r) => { window.location.hash = r; }, `#${route}`);
  await tid(b, `screen-${route.slice(1).split('?')[0]}`).waitForDisplayed({ timeout: 15000 });
}

async function ready(app) {
  await waitForIpc(app.browser);
  await tid(app.browser, 'app-root').waitForDisplayed({ timeout: 20000 });
}

async function setLocale(b, want) {
  if ((await (await tid(b, 'app-root')).getAttribute('data-locale')) === want) return;
  await click(b, 'lang-toggle');
  await b.waitUntil(async () => (await (await tid(b, 'app-root')).getAttribute('data-locale')) === want, { timeout: 5000 });
}

function sqlite(file, sql) {
  return execFileSync('sqlite3', ['-batch', '-noheader', file, sql], { encoding: 'utf8' }).trim();
}

function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('crash and damage', { skip: !HAS_UI && 'ui/ not built' }, () => {
  test('SIGKILL while calls are recorded: every committed entry survives, the app starts again', async () => {
    const home = makeHome('sigkill');
    let app = await launchApp(home);
    const logFile = () => path.join(home.data, 'wwdev', 'requests.sqlite3');
    let done;
    try {
      await ready(app);
      const b = app.browser;
      const profileId = (await invoke(b, 'profiles_list')).active_id;
      // Three loops in the page, each call tagged; a tag is listed once its call returned
      // (the log entry is written before the command answers).
      await b.execute((profileId, path) => {
        window.__done = [];
        const loop = async (lane) => {
          for (let i = 1; i <= 2000; i++) {
            const tag = `${lane}-${i}-z`; // the -z keeps a-12-z from being a substring of a-123-z
            try {
              await window.__TAURI_INTERNALS__.invoke('console_send', {
                profileId, method: 'GET', path, query: [['e2e_tag', tag]], body: null,
              });
            } catch { /* a 45009 from the sandbox's per-minute limit is recorded too */ }
            window.__done.push(tag);
          }
        };
        for (const lane of ['a', 'b', 'c']) loop(lane);
      }, profileId, PATH);
      await b.waitUntil(async () => (await b.execute(() => window.__done.length)) >= 60, {
        timeout: 60000, timeoutMsg: 'the calls did not run',
      });
      const pid = app.appPid();
      done = await b.execute(() => window.__done.slice());
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => { const t = setInterval(() => { if (!alive(pid)) { clearInterval(t); r(); } }, 50); });
      // The loops were still running: the kill landed while calls were being recorded.
      assert.ok(fs.existsSync(`${logFile()}-wal`), 'no WAL left: the log was not open when the app was killed');
    } finally {
      await app.close();
    }

    // The file as the app left it: whole, and holding every call that had returned.
    assert.equal(sqlite(logFile(), 'PRAGMA integrity_check'), 'ok');
    const rows = sqlite(logFile(), `SELECT query FROM requests WHERE path = '${PATH}'`).split('\n');
    const tags = new Set(rows.map((q) => JSON.parse(q).find(([k]) => k === 'e2e_tag')?.[1]));
    const lost = done.filter((t) => !tags.has(t));
    assert.deepEqual(lost, [], `${lost.length} of ${done.length} committed entries lost`);
    assert.ok(rows.length >= done.length);

    app = await launchApp(home);
    try {
      await ready(app);
      const b = app.browser;
      // Not treated as damage: no recovery banner, the old entries are there.
      assert.equal(await (await tid(b, 'log-recovered')).isExisting(), false, 'the log was moved aside after a kill');
      await open(b, '/log');
      const last = done[done.length - 1];
      await b.execute((v) => {
        const el = document.querySelector('[data-testid="log-search"]');
        el.focus();
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, last);
      // The search matches substrings of path/query/bodies: exactly this call's row.
      await b.waitUntil(async () => {
        const paths = await b.execute(() => [...document.querySelectorAll('[data-testid="log-row"]')].map((r) => r.getAttribute('data-path')));
        return paths.length === 1 && paths[0] === PATH;
      }, { timeout: 15000, timeoutMsg: `the last committed call (${last}) is not on the Log screen after the restart` });
      const filter = { profile: null, endpoint: PATH, outcome: 'any', code: null, since_ms: null, until_ms: null, text: null };
      const page = await invoke(b, 'log_query', { filter, page: { before_id: null, limit: 1 } });
      assert.ok(page.total >= done.length, `${page.total} entries after restart, ${done.length} committed`);
      await screenshot(b, 'crash-log-after-sigkill');
      // And it records again.
      const profileId = (await invoke(b, 'profiles_list')).active_id;
      await invoke(b, 'console_send', { profileId, method: 'GET', path: PATH, query: [['e2e_tag', 'after']], body: null });
      assert.equal((await invoke(b, 'log_query', { filter, page: { before_id: null, limit: 1 } })).total, page.total + 1);
    } finally {
      await app.close();
    }
  });

  test('a damaged request log is moved aside with a message; a new log works', async () => {
    const home = makeHome('bad-log');
    // A function: a retried launch moves the test to a fresh copy of the home.
    const logDir = () => path.join(home.data, 'wwdev');
    fs.mkdirSync(logDir(), { recursive: true });
    const damaged = Buffer.concat([Buffer.from('not a database, just damage\n'), Buffer.alloc(8192, 0xa5)]);
    fs.writeFileSync(path.join(logDir(), 'requests.sqlite3'), damaged);
    const app = await launchApp(home);
    const dir = logDir();
    try {
      await ready(app);
      const b = app.browser;
      const banner = await tid(b, 'log-recovered');
      await banner.waitForDisplayed({ timeout: 10000 });
      const moved = fs.readdirSync(dir).filter((f) => /^requests\.sqlite3\.corrupt-\d{8}T\d{6}Z/.test(f));
      assert.equal(moved.length, 1, fs.readdirSync(dir).join(', '));
      assert.deepEqual(fs.readFileSync(path.join(dir, moved[0])), damaged, 'the moved file is not the damaged one');
      const text = await banner.getText();
      assert.ok(text.includes(moved[0]), `the message does not say where the old file went: ${text}`);
      assert.match(text, /请求日志提示/);
      await screenshot(b, 'damage-log-zh');
      await setLocale(b, 'en');
      assert.match(await banner.getText(), /Request log notice[\s\S]*moved to/);
      await screenshot(b, 'damage-log-en');
      // The new log records.
      await open(b, '/credentials');
      await click(b, 'cred-token-fetch');
      await waitText(b, 'cred-token-value', /\*\*\*/);
      const filter = { profile: null, endpoint: '/cgi-bin/gettoken', outcome: 'any', code: null, since_ms: null, until_ms: null, text: null };
      assert.equal((await invoke(b, 'log_query', { filter, page: { before_id: null, limit: 5 } })).total, 1);
    } finally {
      await app.close();
    }
  });

  test('a damaged store file is moved aside with a message in both languages; the app works and the notice is shown once', async () => {
    const home = makeHome('bad-store');
    // A function: a retried launch moves the test to a fresh copy of the home.
    const storeFile = () => path.join(home.data, APP_DIR, 'wwdev.json');
    let app = await launchApp(home);
    try {
      await ready(app);
      const status = await invoke(app.browser, 'sandbox_status');
      await invoke(app.browser, 'profile_save', {
        profile: { id: '', name: 'Before damage', corpid: status.corpid, agentid: '1000002', base_url: status.base_url, trusted_domains: [], default_redirect_uri: '', notes: '' },
        secret: null,
      });
    } finally {
      await app.close();
    }
    const good = fs.readFileSync(storeFile());
    assert.ok(good.includes('Before damage'), 'the profile was not saved to the store file');
    // A write cut short (the plugin writes in place, not atomically).
    const damaged = good.subarray(0, Math.floor(good.length / 2));
    fs.writeFileSync(storeFile(), damaged);

    app = await launchApp(home);
    try {
      await ready(app);
      const b = app.browser;
      await setLocale(b, 'zh');
      const banner = await tid(b, 'store-recovered');
      await banner.waitForDisplayed({ timeout: 10000 });
      // Computed after the launch: a retried launch runs on a fresh copy of the home.
      const dir = path.join(home.data, APP_DIR);
      const moved = fs.readdirSync(dir).filter((f) => /^wwdev\.json\.corrupt-\d{8}T\d{6}Z/.test(f));
      assert.equal(moved.length, 1, fs.readdirSync(dir).join(', '));
      assert.deepEqual(fs.readFileSync(path.join(dir, moved[0])), damaged, 'the moved file is not the damaged one');
      const zh = await banner.getText();
      assert.match(zh, /设置文件已损坏，已重置/);
      assert.ok(zh.includes(`已移到 ${path.join(dir, moved[0])}`), zh);
      assert.match(zh, /EOF while parsing/);
      await screenshot(b, 'damage-store-zh');
      await setLocale(b, 'en');
      const en = await banner.getText();
      assert.match(en, /The settings file was damaged and has been reset/);
      assert.ok(en.includes(`moved to ${path.join(dir, moved[0])}`), en);
      await screenshot(b, 'damage-store-en');
      await setLocale(b, 'zh');
      // The app works on a fresh store: the Sandbox profile is back, the file is sound.
      const { profiles } = await invoke(b, 'profiles_list');
      assert.ok(profiles.some((p) => p.is_sandbox), 'no Sandbox profile after recovery');
      assert.ok(!profiles.some((p) => p.name === 'Before damage'));
      JSON.parse(fs.readFileSync(path.join(home.data, APP_DIR, 'wwdev.json'), 'utf8'));
    } finally {
      await app.close();
    }

    app = await launchApp(home);
    try {
      await ready(app);
      await tid(app.browser, 'nav').waitForDisplayed();
      assert.equal(await (await tid(app.browser, 'store-recovered')).isExisting(), false, 'the notice came back on a sound store');
      assert.equal(fs.readdirSync(path.join(home.data, APP_DIR)).filter((f) => f.includes('.corrupt-')).length, 1);
    } finally {
      await app.close();
    }
  });

  test('no Secret Service on the bus: in-memory secrets, and the app says so', async () => {
    // A private session bus with no services at all (no activation either), so nothing
    // answers org.freedesktop.secrets.
    const conf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wwdev-e2e-bus-')), 'bus.conf');
    fs.writeFileSync(conf, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${os.tmpdir()}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`);
    const bus = spawn('dbus-daemon', [`--config-file=${conf}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const address = await new Promise((resolve, reject) => {
        readline.createInterface({ input: bus.stdout }).once('line', resolve);
        bus.once('exit', (c) => reject(new Error(`dbus-daemon exited ${c}`)));
      });
      const env = { DBUS_SESSION_BUS_ADDRESS: address, GNOME_KEYRING_CONTROL: null };
      // The bus really has no Secret Service.
      assert.throws(() => keyringLookup('x', env));

      const home = makeHome('no-keyring');
      let app = await launchApp(home, { env });
      let secret;
      let id;
      try {
        await ready(app);
        const b = app.browser;
        const info = await invoke(b, 'app_info');
        assert.equal(info.keyring.available, false);
        assert.match(info.keyring.message, /Secret Service|keyring/i);
        const warning = await tid(b, 'keyring-warning');
        await warning.waitForDisplayed({ timeout: 10000 });
        await setLocale(b, 'zh');
        const zh = await warning.getText();
        assert.match(zh, /系统密钥环不可用/);
        assert.match(zh, /只保存在本次运行的内存中，绝不写入磁盘/);
        // The cause in Chinese; the OS's English text only as the labelled quote.
        assert.match(zh, /系统密钥环没有运行：D-Bus 上没有程序提供 Secret Service/);
        assert.match(zh, /（系统原文：[^）]*was not provided by any \.service files[^）]*）/);
        await screenshot(b, 'no-keyring-zh');
        await setLocale(b, 'en');
        assert.match(await warning.getText(), /No system keyring available[\s\S]*kept in memory for this session only/);
        await screenshot(b, 'no-keyring-en');
        await setLocale(b, 'zh');

        // A secret typed now works for this session (the crm app accepts only its own).
        const status = await invoke(b, 'sandbox_status');
        const crm = status.apps[1];
        secret = crm.secret;
        await open(b, '/profiles');
        await click(b, 'profile-new');
        await fill(b, 'profile-name', 'Memory only');
        await fill(b, 'profile-corpid', status.corpid);
        await fill(b, 'profile-agentid', String(crm.agentid));
        await fill(b, 'profile-secret', secret);
        await fill(b, 'profile-base-url', status.base_url);
        await click(b, 'profile-save');
        const row = await b.$('[data-testid="profile-row"][data-profile-name="Memory only"]');
        await row.waitForDisplayed({ timeout: 15000 });
        id = await row.getAttribute('data-profile-id');
        await (await row.$('[data-testid="profile-test"]')).click();
        await (await row.$('[data-testid="profile-test-ok"]')).waitForDisplayed({ timeout: 20000 });
        assert.ok(await textOf(b, 'keyring-warning'));
        await screenshot(b, 'no-keyring-profile-ok');
      } finally {
        await app.close();
      }
      // Never on disk, never in the (test session's) real keyring.
      assert.deepEqual(filesContaining(home.dir, secret), [], 'the secret was written to a file');
      assert.equal(keyringLookup(id), null);
      assert.ok(!keyringSecrets().includes(secret));

      // After a restart the profile is there but its secret is gone, as the notice said.
      app = await launchApp(home, { env });
      try {
        await ready(app);
        const p = (await invoke(app.browser, 'profiles_list')).profiles.find((x) => x.id === id);
        assert.ok(p, 'the profile itself was lost');
        assert.equal(p.has_secret, false);
        await tid(app.browser, 'keyring-warning').waitForDisplayed({ timeout: 10000 });
      } finally {
        await app.close();
      }
    } finally {
      bus.kill('SIGTERM');
    }
  });
});
