/** Non-empty trimmed lines (also split on commas), for list inputs such as states or URLs. */
export function splitList(input: string): string[] {
  return input
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Query-string rows from a "key=value" per line editor; blank keys are dropped. */
export function rowsToQuery(rows: { key: string; value: string }[]): [string, string][] {
  return rows.filter((r) => r.key.trim() !== '').map((r) => [r.key.trim(), r.value] as [string, string]);
}

/** A random nonceStr of letters and digits (WeCom accepts any string; 16 chars is usual). */
export function randomNonce(length = 16): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** The profile's part of a base URL for display: host[:port]. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Saves text through the WebView's download path (lands in the Downloads folder). */
export function downloadText(filename: string, content: string, mime = 'text/plain'): void {
  const blob = new Blob([content], { type: `${mime};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Pretty JSON for display. */
export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
