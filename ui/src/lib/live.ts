// Pure logic of the Live screen: folding pushed page events into sessions and
// timelines, and what a failed registration pre-fills on the Diagnosis screen.
import type { LiveEventView, LiveSessionView } from '../api/types';

/** Timeline entries kept per session in the UI (the request log keeps them all). */
export const TIMELINE_KEPT = 500;

/** Folds one event into the session list (newest activity first), like the workbench does. */
export function foldSession(list: LiveSessionView[], e: LiveEventView): LiveSessionView[] {
  const old = list.find((s) => s.session === e.session);
  const s: LiveSessionView = old
    ? { ...old }
    : {
        session: e.session, client: 'unknown', os: 'unknown', wxwork_version: null, user_agent: null,
        entry_url: null, last_href: null, simulated: false, first_ms: e.time_ms, last_ms: e.time_ms,
        events: 0, failures: 0, last_cause: null,
      };
  s.last_ms = Math.max(s.last_ms, e.time_ms);
  s.events += 1;
  if (isFailure(e)) s.failures += 1;
  if (e.top_cause) s.last_cause = e.top_cause.id;
  if (e.source === 'simulator') s.simulated = true;
  if (e.href) s.last_href = e.href;
  const ua = e.detail?.ua;
  if (ua && typeof ua === 'object') {
    s.client = ua.client ?? 'unknown';
    s.os = ua.os ?? 'unknown';
    s.wxwork_version = ua.wxwork ?? null;
  }
  if (typeof e.detail?.userAgent === 'string') s.user_agent = e.detail.userAgent;
  if (!s.entry_url) s.entry_url = entryUrl(e) ?? e.href;
  return [s, ...list.filter((x) => x.session !== e.session)].sort((a, b) => b.last_ms - a.last_ms);
}

/** Appends an event to a timeline unless already there (a push may race the first load). */
export function appendEvent(list: LiveEventView[], e: LiveEventView): LiveEventView[] {
  if (list.some((x) => x.seq === e.seq)) return list;
  const out = [...list, e].sort((a, b) => a.seq - b.seq);
  return out.length > TIMELINE_KEPT ? out.slice(out.length - TIMELINE_KEPT) : out;
}

/** probe.js's `entry` (the page's first href); the simulator's `entry` is getContext's (`normal`), not a URL. */
export function entryUrl(e: LiveEventView): string | null {
  const v = e.detail?.entry;
  return typeof v === 'string' && /^https?:\/\//.test(v) ? v : null;
}

export function isFailure(e: LiveEventView): boolean {
  return e.ok === false || e.kind === 'error' || e.kind === 'refused';
}

/** config / agentConfig that failed: the attempts the engine diagnoses. */
export function isFailedRegistration(e: LiveEventView): boolean {
  return (e.kind === 'config' || e.kind === 'agentConfig') && e.ok === false;
}

/** One short line saying what the event is about. */
export function summary(e: LiveEventView): string {
  const d = e.detail ?? {};
  switch (e.kind) {
    case 'session': return entryUrl(e) ?? e.href ?? '';
    case 'config': case 'agentConfig': case 'jsapi': return [d.api ?? e.kind, e.err_msg].filter(Boolean).join(' → ');
    case 'network': return `${d.method ?? 'GET'} ${d.url ?? ''} ${d.status ?? ''}${d.errcode != null ? ` errcode=${d.errcode}` : ''}`.trim();
    case 'console': return `${d.level ?? 'log'}: ${d.message ?? ''}`;
    case 'error': return String(d.message ?? '');
    default: return String(d.reason ?? d.message ?? e.err_msg ?? '');
  }
}

/** The Diagnosis screen's form for a failed registration, as route query values. */
export function diagnosisQuery(e: LiveEventView): Record<string, string> {
  const p = (e.detail?.params ?? {}) as Record<string, unknown>;
  // The event's params have the signature masked like the request log; the
  // diagnosis keeps the value it compared ("got"), which a signature is safe to show.
  const fields = (e.diagnosis?.fields ?? []) as Array<{ name: string; got?: string }>;
  const signature = fields.find((f) => f.name === 'signature')?.got ?? p.signature;
  const pasted = JSON.stringify({ timestamp: p.timestamp, nonceStr: p.nonceStr, signature }, null, 2);
  const q: Record<string, string> = { pasted, pageUrl: e.href ?? '', kind: e.kind };
  const entry = entryUrl(e);
  if (entry && entry !== e.href) q.entryUrl = entry;
  return q;
}

/** `wxwork 4.1.30 · iOS` */
export function clientLabel(s: LiveSessionView): string {
  const c = s.client === 'wxwork' && s.wxwork_version ? `wxwork ${s.wxwork_version}` : s.client;
  return `${c} · ${s.os}`;
}
