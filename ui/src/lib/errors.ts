import type { ErrorKind, UiError } from '../api/types';
import { i18n } from '../i18n';

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
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
    const message = String(o.message);
    const hint = text(o.hint);
    return { kind, message, message_zh: text(o.message_zh) ?? message, errcode, hint, hint_zh: text(o.hint_zh) ?? hint };
  }
  const plain = (m: string): UiError => ({ kind: 'internal', message: m, message_zh: m, errcode: null, hint: null, hint_zh: null });
  if (e instanceof Error) return plain(e.message);
  if (typeof e === 'string') return plain(e);
  return plain(JSON.stringify(e) ?? String(e));
}

/** The error's message and hint in `locale` (default: the UI's current language). */
export function localized(err: UiError, locale: string = i18n.global.locale.value): { message: string; hint: string | null } {
  const zh = locale === 'zh';
  return zh ? { message: err.message_zh || err.message, hint: err.hint_zh ?? err.hint } : { message: err.message, hint: err.hint };
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
  const { message } = localized(err);
  return err.errcode != null && !message.includes(String(err.errcode)) ? `${message} (errcode ${err.errcode})` : message;
}

/** i18n key of the title shown for an error kind. */
export function errorTitleKey(kind: ErrorKind): string {
  return `error.kind.${kind}`;
}
