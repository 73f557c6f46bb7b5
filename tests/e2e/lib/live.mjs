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
