// The Log screen's filter form → the LogFilterView the backend expects, and merging
// live entries into the loaded list. Pure functions, tested in tests/logFilter.test.ts.
import type { LogFilterView, LogItem, LogOutcome } from '../api/types';

export interface LogFilterForm {
  profile: string | null;
  endpoint: string | null;
  outcome: LogOutcome;
  /** Typed errcode (text box) when outcome is "code". */
  code: string;
  /** [from, to] in Unix ms from the date-range picker, or null. */
  range: [number, number] | null;
  text: string;
}

export const EMPTY_FORM: LogFilterForm = { profile: null, endpoint: null, outcome: 'any', code: '', range: null, text: '' };

/** A whole-number errcode typed by the user, or null when it is not one. */
export function parseCode(s: string): number | null {
  const t = s.trim();
  if (!/^-?\d{1,12}$/.test(t)) return null;
  return Number(t);
}

export function toFilterView(f: LogFilterForm): LogFilterView {
  const blank = (s: string | null) => (s && s.trim() ? s.trim() : null);
  const code = f.outcome === 'code' ? parseCode(f.code) : null;
  return {
    profile: blank(f.profile),
    endpoint: blank(f.endpoint),
    // "a code" with nothing valid typed yet narrows nothing rather than matching nothing.
    outcome: f.outcome === 'code' && code === null ? 'any' : f.outcome,
    code,
    since_ms: f.range ? Math.min(f.range[0], f.range[1]) : null,
    until_ms: f.range ? Math.max(f.range[0], f.range[1]) : null,
    text: blank(f.text),
  };
}

/**
 * Puts entries from a live poll (oldest first) on top of the newest-first list,
 * skipping ids already there. Returns the new list and how many were added.
 */
export function mergeNewest(list: LogItem[], incoming: LogItem[]): { list: LogItem[]; added: number } {
  if (!incoming.length) return { list, added: 0 };
  const top = list.length ? list[0].id : -Infinity;
  const fresh = incoming.filter((i) => i.id > top).sort((a, b) => b.id - a.id);
  return { list: fresh.length ? [...fresh, ...list] : list, added: fresh.length };
}

/** Ids below which the next keyset page starts. */
export function nextBefore(list: LogItem[]): number | null {
  return list.length ? list[list.length - 1].id : null;
}

/** "2024-05-01 13:04:05.123" in local time. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
