// Splitting two strings at their first differing character, for the string1 diff of
// the Diagnosis screen. Indexes count Unicode code points, as the Rust side does.

export function firstDiff(a: string, b: string): number | null {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? null : n;
}

export interface DiffParts {
  /** Equal prefix. */
  same: string;
  /** The first differing character ('' when this string ended there). */
  at: string;
  rest: string;
}

/** Cuts `s` at `index` (code points): the prefix, the character at it, the remainder. */
export function splitAt(s: string, index: number | null): DiffParts {
  const cps = Array.from(s);
  if (index === null || index >= cps.length) return { same: s, at: '', rest: '' };
  const i = Math.max(0, index);
  return { same: cps.slice(0, i).join(''), at: cps[i], rest: cps.slice(i + 1).join('') };
}
