import { describe, expect, it } from 'vitest';
import type { LiveEventView } from '../src/api/types';
import { appendEvent, clientLabel, diagnosisQuery, foldSession, isFailedRegistration, summary, TIMELINE_KEPT } from '../src/lib/live';

const ev = (seq: number, kind: string, session: string, extra: Partial<LiveEventView> = {}): LiveEventView => ({
  seq, time_ms: 1000 + seq, kind, session, href: `https://app.example.com/p${seq}`, ok: null, err_msg: null, err_code: null,
  source: 'probe', diagnosis: null, top_cause: null, detail: {}, ...extra,
});

describe('live sessions', () => {
  it('folds events into sessions, newest activity first, with client facts', () => {
    let list = foldSession([], ev(1, 'session', 'a', { detail: { entry: 'https://app.example.com/', ua: { client: 'wxwork', os: 'iOS', wxwork: '4.1.30' } } }));
    list = foldSession(list, ev(2, 'session', 'b', { detail: { entry: 'single_chat_tools' } }));
    expect(list.map((s) => s.session)).toEqual(['b', 'a']);
    list = foldSession(list, ev(3, 'config', 'a', { ok: false, top_cause: { id: 'fragment_in_url' } as LiveEventView['top_cause'] }));
    expect(list.map((s) => s.session)).toEqual(['a', 'b']);
    const a = list[0];
    expect([a.events, a.failures, a.last_cause, a.entry_url]).toEqual([2, 1, 'fragment_in_url', 'https://app.example.com/']);
    expect(clientLabel(a)).toBe('wxwork 4.1.30 · iOS');
    expect(list[1].entry_url).toBe('https://app.example.com/p2');
    expect(clientLabel(list[1])).toBe('unknown · unknown');
  });

  it('appends each event once, in order, bounded', () => {
    let t: LiveEventView[] = [];
    t = appendEvent(t, ev(2, 'jsapi', 'a'));
    t = appendEvent(t, ev(1, 'session', 'a'));
    t = appendEvent(t, ev(2, 'jsapi', 'a'));
    expect(t.map((e) => e.seq)).toEqual([1, 2]);
    for (let i = 3; i < TIMELINE_KEPT + 10; i++) t = appendEvent(t, ev(i, 'console', 'a'));
    expect(t.length).toBe(TIMELINE_KEPT);
    expect(t[t.length - 1].seq).toBe(TIMELINE_KEPT + 9);
  });
});

describe('failed registration → diagnosis', () => {
  const failed = ev(5, 'config', 's', {
    ok: false, err_msg: 'config:invalid signature', href: 'https://app.example.test/app/#/home',
    detail: { api: 'preVerifyJSAPI', entry: 'https://app.example.test/app/', params: { timestamp: '1700000000', nonceStr: 'n0nce', signature: '504a***(40)' } },
    diagnosis: { valid: false, fields: [{ name: 'signature', got: '504a1914242844d2988c68e4fae0766e4e7ca243', ok: true }] },
  });

  it('pre-fills the pasted values with the signature the diagnosis compared, not the masked one', () => {
    const q = diagnosisQuery(failed);
    expect(JSON.parse(q.pasted)).toEqual({ timestamp: '1700000000', nonceStr: 'n0nce', signature: '504a1914242844d2988c68e4fae0766e4e7ca243' });
    expect(q.pageUrl).toBe('https://app.example.test/app/#/home');
    expect(q.kind).toBe('config');
    expect(q.entryUrl).toBe('https://app.example.test/app/');
  });

  it('leaves out an entry URL equal to the page URL', () => {
    const q = diagnosisQuery({ ...failed, detail: { ...failed.detail, entry: failed.href } });
    expect(q.entryUrl).toBeUndefined();
  });

  it('recognises failed registrations and summarises events', () => {
    expect(isFailedRegistration(failed)).toBe(true);
    expect(isFailedRegistration(ev(6, 'jsapi', 's', { ok: false }))).toBe(false);
    expect(summary(failed)).toBe('preVerifyJSAPI → config:invalid signature');
    expect(summary(ev(7, 'network', 's', { detail: { method: 'GET', url: '/api', status: 200, errcode: 42001 } }))).toBe('GET /api 200 errcode=42001');
  });
});
