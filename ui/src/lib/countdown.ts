// Countdowns use the backend clock: the sandbox clock can be moved ahead of the wall
// clock, so "remaining" must be computed from the backend's `now`, not Date.now() alone.

/** Seconds to add to the local clock to get the backend clock. */
export function clockOffset(backendNow: number, localNowMs: number): number {
  return backendNow - Math.floor(localNowMs / 1000);
}

/** Backend time now, in Unix seconds. */
export function backendNow(offset: number, localNowMs: number): number {
  return Math.floor(localNowMs / 1000) + offset;
}

/** Seconds until expiresAt (negative once expired). */
export function remaining(expiresAt: number, offset: number, localNowMs: number): number {
  return expiresAt - backendNow(offset, localNowMs);
}

/** "1:59:58", "4:05", "0:07"; "-0:12" once past. */
export function formatDuration(totalSeconds: number): string {
  const neg = totalSeconds < 0;
  let s = Math.abs(Math.trunc(totalSeconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const body = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  return neg ? `-${body}` : body;
}

/** Share of the lifetime still left, 0..100, for a progress bar. */
export function lifetimePercent(fetchedAt: number, expiresAt: number, now: number): number {
  const total = expiresAt - fetchedAt;
  if (total <= 0) return 0;
  const left = expiresAt - now;
  return Math.max(0, Math.min(100, Math.round((left / total) * 100)));
}

export type CountdownState = 'ok' | 'refresh_soon' | 'expired';

/** ok until refresh_at (when the cache will fetch anew), then refresh_soon, then expired. */
export function countdownState(expiresAt: number, refreshAt: number | null, now: number): CountdownState {
  if (now >= expiresAt) return 'expired';
  if (refreshAt != null && now >= refreshAt) return 'refresh_soon';
  return 'ok';
}

/** Local date-time for a Unix-seconds timestamp: "2024-05-01 13:04:05". */
export function formatTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
