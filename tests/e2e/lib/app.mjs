// Launches the real wwdev app through tauri-driver (WebKitWebDriver underneath) and
// gives tests a WebdriverIO browser plus helpers keyed on data-testid.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { remote } from 'webdriverio';
import assert from 'node:assert/strict';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const APP_BIN = process.env.WWDEV_APP_BIN ?? path.join(ROOT, 'target/debug/wwdev-app');
export const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
export const KEYRING_SERVICE = 'dev.wwdev.app';

/** A fresh XDG data/config home for one app "installation". */
export function makeHome(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wwdev-e2e-${name}-`));
  const home = { dir, data: path.join(dir, 'data'), config: path.join(dir, 'config'), cache: path.join(dir, 'cache') };
  for (const d of [home.data, home.config, home.cache]) fs.mkdirSync(d, { recursive: true });
  return home;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, log, what = 'tauri-driver', timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise((res) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); res(true); });
      s.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on ${port}:\n${log()}`);
}

/**
 * Starts tauri-driver in its own process group and opens a WebDriver session on the app.
 * Returns { browser, home, appPid(), close() }; close() ends the session and kills the
 * whole group.
 *
 * Under load WebKitWebDriver occasionally drops the new-session request (the socket
 * closes without an answer) even once it listens. That, and only that, is retried once — on a fresh home
 * holding a copy of what `home` held before the first attempt (a half-started app may
 * have written to it), and only when the app process itself did not exit: an app that
 * crashed at startup fails the launch at once.
 */
export async function launchApp(home, opts = {}) {
  const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'wwdev-e2e-snapshot-'));
  fs.cpSync(home.dir, snapshot, { recursive: true });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await launchOnce(home, opts);
      } catch (e) {
        if (attempt >= 2 || !e.retryable) throw e;
        const fresh = fs.mkdtempSync(path.join(os.tmpdir(), `${path.basename(home.dir)}-retry-`));
        fs.cpSync(snapshot, fresh, { recursive: true });
        console.warn(`WebDriver dropped the new-session request (${e.message.split('\n')[0]}); retrying once with a fresh home ${fresh}`);
        // The caller's home object now names the fresh copy, so later checks look there.
        Object.assign(home, { dir: fresh, data: path.join(fresh, 'data'), config: path.join(fresh, 'config'), cache: path.join(fresh, 'cache') });
      }
    }
  } finally {
    fs.rmSync(snapshot, { recursive: true, force: true });
  }
}

/** A socket closed without an HTTP answer (undici's UND_ERR_SOCKET and its kin). */
function droppedSocket(e) {
  const seen = new Set();
  for (let x = e; x && !seen.has(x); x = x.cause) {
    seen.add(x);
    if (['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(x.code)) return true;
    if (/other side closed|socket hang up|UND_ERR_SOCKET|ECONNRESET/.test(String(x.message))) return true;
  }
  return false;
}

/** Pids of live processes descending from `root` (tauri-driver) that run the app binary. */
export function appPids(root) {
  const procs = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid ...
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(name), ppid: Number(ppid), state });
    } catch { /* the process went away meanwhile */ }
  }
  const family = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!family.has(p.pid) && family.has(p.ppid)) { family.add(p.pid); grew = true; }
  }
  const bin = fs.realpathSync(APP_BIN);
  return procs
    .filter((p) => p.pid !== root && family.has(p.pid) && p.state !== 'Z')
    .filter((p) => { try { return fs.readlinkSync(`/proc/${p.pid}/exe`) === bin; } catch { return false; } })
    .map((p) => p.pid);
}

async function launchOnce(home, { args = [], env = {} } = {}) {
  if (!fs.existsSync(APP_BIN)) throw new Error(`app binary missing: ${APP_BIN} (run tests/e2e/run.sh)`);
  const port = await freePort();
  const nativePort = await freePort();
  let out = '';
  const childEnv = {
    ...process.env,
    XDG_DATA_HOME: home.data,
    XDG_CONFIG_HOME: home.config,
    XDG_CACHE_HOME: home.cache,
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    ...env,
  };
  // `env: { NAME: null }` removes NAME for the app.
  for (const [k, v] of Object.entries(childEnv)) if (v === null || v === undefined) delete childEnv[k];
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    detached: true, // own process group: killing -pid takes WebKitWebDriver and the app with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
  });
  driver.stdout.on('data', (d) => { out += d; });
  driver.stderr.on('data', (d) => { out += d; });
  const kill = async () => {
    for (const sig of ['SIGTERM', 'SIGKILL']) {
      try { process.kill(-driver.pid, sig); } catch { return; }
      for (let i = 0; i < 30 && driver.exitCode === null && driver.signalCode === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  // Every app process this launch started, to tell "the app exited" from "the
  // driver dropped a request" when the session fails.
  const started = new Set();
  const watch = setInterval(() => { for (const p of appPids(driver.pid)) started.add(p); }, 100);
  try {
    await waitForPort(port, driver, () => out);
    // tauri-driver listens before the WebKitWebDriver it spawned does, and a request it
    // cannot forward is answered by closing the socket: wait for the native driver too.
    await waitForPort(nativePort, driver, () => out, 'WebKitWebDriver');
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      connectionRetryCount: 0,
      // WebKitWebDriver occasionally never answers a first screenshot; do not wait 2 min.
      connectionRetryTimeout: 30000,
      waitforTimeout: 15000,
      capabilities: {
        'wdio:enforceWebDriverClassic': true,
        'tauri:options': { application: APP_BIN, args },
      },
    });
    clearInterval(watch);
    return {
      browser,
      home,
      driverLog: () => out,
      /** Pid of the running app (it is a grandchild: tauri-driver → WebKitWebDriver → app). */
      appPid() {
        const pids = appPids(driver.pid);
        if (pids.length !== 1) throw new Error(`expected one app process, found ${JSON.stringify(pids)}`);
        return pids[0];
      },
      async close() {
        try { await browser.deleteSession(); } catch { /* app may be gone already */ }
        await kill();
      },
    };
  } catch (e) {
    clearInterval(watch);
    for (const p of appPids(driver.pid)) started.add(p);
    const alive = new Set(appPids(driver.pid));
    const exited = [...started].filter((p) => !alive.has(p));
    await kill();
    if (exited.length) {
      const err = new Error(`the app process exited during launch (pid ${exited.join(', ')}): ${e.message}\ndriver log:\n${out}`);
      err.cause = e;
      throw err;
    }
    e.retryable = droppedSocket(e);
    throw e;
  }
}

/** Element by data-testid. */
export function tid(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

export async function screenshot(browser, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // WebKitWebDriver's screenshot waits for the next painted frame, and an idle page may
  // never paint again; a 1px near-invisible element changing for a few frames forces one.
  try {
    await browser.execute(() => {
      const el = document.createElement('div');
      el.style.cssText = 'position:fixed;left:0;bottom:0;width:1px;height:1px;opacity:0.01;pointer-events:none';
      document.body.appendChild(el);
      let n = 0;
      const tick = () => {
        el.style.transform = `translateX(${n++ % 2}px)`;
        if (n < 240) requestAnimationFrame(tick);
        else el.remove();
      };
      requestAnimationFrame(tick);
    });
  } catch { /* the screenshot below still reports its own failure */ }
  // If it still goes unanswered, a second attempt usually succeeds. A missing picture is
  // reported, not a test failure.
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await browser.saveScreenshot(file);
      return;
    } catch (e) {
      if (attempt === 2) console.warn(`screenshot ${name} failed: ${e.message}`);
    }
  }
}

/**
 * Replaces an input's value. The id sits on the native <input>/<textarea> (Naive UI
 * input-props). Typing into a pre-filled field appends under WebKitWebDriver, so the
 * old value is cleared through the native setter + an input event (what Vue listens
 * to), then the new value is typed as real keystrokes and checked.
 */
export async function fill(browser, id, value) {
  const el = await tid(browser, id);
  await el.waitForEnabled();
  await el.click();
  const setNative = (e, v) => {
    const proto = e.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(e, v);
    e.dispatchEvent(new Event('input', { bubbles: true }));
  };
  await browser.execute(setNative, el, '');
  if (value) await el.addValue(value);
  if ((await el.getValue()) !== value) await browser.execute(setNative, el, value);
  assert.equal(await el.getValue(), value, `could not fill ${id}`);
}

export async function click(browser, id) {
  const el = await tid(browser, id);
  await el.waitForClickable();
  await clickEl(browser, el);
}

/**
 * Clicks an element. A transient overlay (a toast, a tooltip, a closing popover) can
 * intercept the click under load; wait for it to go and try again, a few times.
 */
export async function clickEl(browser, el) {
  for (let attempt = 1; ; attempt++) {
    try {
      await el.click();
      return;
    } catch (e) {
      if (attempt >= 5 || !/click intercepted/.test(String(e.message))) throw e;
      await browser.pause(400);
    }
  }
}

export async function textOf(browser, id) {
  const el = await tid(browser, id);
  await el.waitForDisplayed();
  return (await el.getText()).trim();
}

/** Waits until the element with this test id shows text matching `re`; returns it. */
export async function waitText(browser, id, re, timeout = 15000) {
  let last = '';
  await browser.waitUntil(async () => {
    const el = await tid(browser, id);
    if (!(await el.isExisting())) return false;
    last = (await el.getText()).trim();
    return re.test(last);
  }, { timeout, timeoutMsg: `[data-testid="${id}"] never matched ${re}; last text: ${JSON.stringify(last)}` });
  return last;
}

/** All files under dir whose bytes contain needle. */
export function filesContaining(dir, needle) {
  const hits = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

/** The secrets this app stored in the (test session's) Secret Service. */
export function keyringSecrets() {
  try {
    const out = execFileSync('secret-tool', ['search', '--all', '--unlock', 'service', KEYRING_SERVICE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return [...out.matchAll(/^secret = (.*)$/gm)].map((m) => m[1]);
  } catch {
    return [];
  }
}

/**
 * The secret stored for one profile id, read straight from the Secret Service the way
 * the `keyring` crate files it (service = app service, username = profile id), or null.
 * `env` can point at another session bus (DBUS_SESSION_BUS_ADDRESS).
 */
export function keyringLookup(profileId, env = {}) {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', KEYRING_SERVICE, 'username', profileId], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
  } catch (e) {
    // secret-tool exits 1 silently when nothing matches; with no Secret Service it
    // exits 1 too but says why on stderr.
    if (e.status === 1 && !e.stdout && !String(e.stderr).trim()) return null;
    throw e;
  }
}

/** Removes a profile's keyring entry (test clean-up, so one test's secret never pre-fills another's check). */
export function clearKeyringEntry(profileId) {
  if (!profileId) return;
  try {
    execFileSync('secret-tool', ['clear', 'service', KEYRING_SERVICE, 'username', profileId], { stdio: 'ignore' });
  } catch { /* nothing to clear */ }
}

/** A random value no launch of the app ever stores (for "lives only in the keyring" checks). */
export function uniqueSecret(tag) {
  return `e2e-${tag}-${crypto.randomBytes(18).toString('base64url')}`;
}

/** Waits until the page has loaded and Tauri's IPC bridge is there. */
export async function waitForIpc(browser, timeout = 30000) {
  await browser.waitUntil(
    async () => browser.execute(() => document.readyState === 'complete' && !!window.__TAURI_INTERNALS__),
    { timeout, timeoutMsg: 'the app page never loaded' },
  );
}

/**
 * Calls an app command from inside the page, exactly as the UI does (same ACL, same
 * serialisation). Rejections throw an Error whose `.ui` is the UiError.
 */
export async function invoke(browser, cmd, args = {}) {
  const r = await browser.executeAsync((cmd, args, done) => {
    window.__TAURI_INTERNALS__.invoke(cmd, args).then(
      (v) => done({ ok: true, v }),
      (e) => done({ ok: false, e }),
    );
  }, cmd, args);
  if (!r.ok) {
    const err = new Error(`${cmd} failed: ${JSON.stringify(r.e)}`);
    err.ui = r.e;
    throw err;
  }
  return r.v;
}
