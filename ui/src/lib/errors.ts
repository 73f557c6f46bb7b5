import type { ErrorKind, UiError } from '../api/types';

const KINDS: ErrorKind[] = [
  'wecom', 'network', 'timeout', 'http', 'decode', 'invalid_input',
  'keyring', 'storage', 'not_found', 'config', 'io', 'internal',
];

/**
 * Normalises anything a command can reject with into a UiError. Our commands reject
 * with the serialised UiError; Tauri itself rejects with a plain string (e.g. a command
 * refused by the ACL, or a missing argument); JS errors arrive as Error.
 */
export function toUiError(e: unknown): UiError {
  if (e && typeof e === 'object' && 'message' in e && 'kind' in e) {
    const o = e as Record<string, unknown>;
    const kind = KINDS.includes(o.kind as ErrorKind) ? (o.kind as ErrorKind) : 'internal';
    const errcode = typeof o.errcode === 'number' ? o.errcode : null;
    const hint = typeof o.hint === 'string' && o.hint !== '' ? o.hint : null;
    return { kind, message: String(o.message), errcode, hint };
  }
  if (e instanceof Error) return { kind: 'internal', message: e.message, errcode: null, hint: null };
  if (typeof e === 'string') return { kind: 'internal', message: e, errcode: null, hint: null };
  return { kind: 'internal', message: JSON.stringify(e) ?? String(e), errcode: null, hint: null };
}

/** Route of the catalogue entry for an errcode, used by every error display. */
export function errcodeRoute(code: number): { path: string; query: { code: string } } {
  return { path: '/errcodes', query: { code: String(code) } };
}

/** Href form of errcodeRoute for the hash router (`#/errcodes?code=40029`). */
export function errcodeHref(code: number): string {
  return `#/errcodes?code=${encodeURIComponent(String(code))}`;
}

/** One line for a toast: "message (errcode 40029)". */
export function errorSummary(err: UiError): string {
  return err.errcode != null && !err.message.includes(String(err.errcode))
    ? `${err.message} (errcode ${err.errcode})`
    : err.message;
}

/** i18n key of the title shown for an error kind. */
export function errorTitleKey(kind: ErrorKind): string {
  return `error.kind.${kind}`;
}
