// Helpers for the Live screen test: the page bridge's token (as a page gets it, from
// the served probe.js), a probe batch posted like probe.js posts it, the app's look.
import crypto from 'node:crypto';
import { click, tid } from './app.mjs';

export const sha1 = (s) => crypto.createHash('sha1').update(s).digest('hex');

/** The per-run token baked into the bridge's probe.js at `probeUrl`. */
export async function bridgeToken(probeUrl) {
  const js = await (await fetch(probeUrl)).text();
  const m = js.match(/"token":"([^"]+)"/);
  if (!m) throw new Error(`no token in ${probeUrl}`);
  return m[1];
}

/** POSTs one batch of page events to the bridge's intake, as probe.js does. */
export async function postBatch(base, token, session, events) {
  const r = await fetch(`${base}/__wwdev/events?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ session, events }),
  });
  if (r.status !== 200) throw new Error(`intake answered ${r.status}: ${await r.text()}`);
  return r.json();
}

/** Switches the app to `locale` (zh/en) and `theme` (light/dark). */
export async function setLook(b, locale, theme, restOn = 'live-verdict') {
  for (const [id, attrName, want] of [['lang-toggle', 'data-locale', locale], ['theme-toggle', 'data-theme', theme]]) {
    const cur = await (await tid(b, 'app-root')).getAttribute(attrName);
    if (cur !== want) {
      await click(b, id);
      await b.waitUntil(async () => (await (await tid(b, 'app-root')).getAttribute(attrName)) === want, { timeout: 5000 });
    }
  }
  // Off the toggles, so their tooltips are not in the picture: onto a plain text line.
  const rest = await tid(b, restOn);
  if (await rest.isExisting()) await rest.moveTo();
  await b.pause(600);
}

/**
 * Serves `html` at every path on 127.0.0.1 (a stand-in for the developer's dev server).
 * Returns { port, close() }.
 */
export async function servePage(html) {
  const http = await import('node:http');
  const server = http.createServer((_req, res) => { res.setHeader('content-type', 'text/html; charset=utf-8'); res.end(html); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Opens `url` in a real headless Chromium, with `host` resolved to 127.0.0.1:`port` (so
 * the page runs on the app's trusted domain). Returns { kill() }; the browser runs until then.
 */
export async function openInChromium(url, host, port) {
  const { spawn } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wwdev-e2e-chromium-'));
  const child = spawn(process.env.CHROME ?? '/usr/bin/chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-proxy-server',
    '--no-first-run', `--user-data-dir=${profile}`, `--host-resolver-rules=MAP ${host}:80 127.0.0.1:${port}`, url,
  ], { stdio: 'ignore', detached: true });
  return {
    kill() {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
