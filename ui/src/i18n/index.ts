import { createI18n } from 'vue-i18n';
import en from './en';
import zh from './zh';
import type { Language } from '../api/types';

export type Locale = 'zh' | 'en';

/** "system" follows the OS locale: zh-* means Chinese, other languages English. */
export function resolveLocale(setting: Language, systemLocale: string | null | undefined): Locale {
  if (setting === 'zh' || setting === 'en') return setting;
  const sys = (systemLocale || (typeof navigator !== 'undefined' ? navigator.language : '') || '').toLowerCase();
  // No real locale (empty, "C", "POSIX") → the product default, Chinese.
  if (sys === '' || sys === 'c' || sys.startsWith('c.') || sys === 'posix') return 'zh';
  return sys.startsWith('zh') ? 'zh' : 'en';
}

export const messages = { zh, en };

export const i18n = createI18n({
  legacy: false,
  locale: resolveLocale('system', null),
  fallbackLocale: 'en',
  messages,
  missingWarn: false,
  fallbackWarn: false,
});
