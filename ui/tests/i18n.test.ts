import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createI18n } from 'vue-i18n';
import en from '../src/i18n/en';
import zh from '../src/i18n/zh';
import { GROUPS, SCREENS } from '../src/nav';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'i18n' ? [] : sourceFiles(p);
    return /\.(vue|ts)$/.test(name) ? [p] : [];
  });
}

const zhKeys = flatten(zh as unknown as Tree);
const enKeys = flatten(en as unknown as Tree);

describe('i18n completeness', () => {
  test('every English key exists in Chinese and the reverse', () => {
    const missingInZh = [...enKeys.keys()].filter((k) => !zhKeys.has(k));
    const missingInEn = [...zhKeys.keys()].filter((k) => !enKeys.has(k));
    expect(missingInZh, 'keys missing in zh.ts').toEqual([]);
    expect(missingInEn, 'keys missing in en.ts').toEqual([]);
  });

  test('no message is empty', () => {
    for (const [k, v] of [...zhKeys, ...enKeys]) expect(v.trim(), k).not.toBe('');
  });

  test('placeholders ({name}) are the same in both languages', () => {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of enKeys) expect(ph(zhKeys.get(k) ?? ''), k).toEqual(ph(v));
  });

  test('every key used in the source exists', () => {
    const root = join(__dirname, '..', 'src');
    const used = new Set<string>();
    for (const file of sourceFiles(root)) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
    }
    // Keys built at run time from data.
    for (const s of SCREENS) used.add(`nav.${s.key}`);
    for (const g of GROUPS) used.add(`navGroup.${g}`);
    for (const k of ['wecom', 'network', 'timeout', 'http', 'decode', 'invalid_input', 'keyring', 'storage', 'not_found', 'config', 'io', 'internal']) used.add(`error.kind.${k}`);
    for (const k of ['errcode', 'latency', 'http_status', 'html_error', 'malformed_json', 'drop_connection']) used.add(`sandbox.fault.${k}`);
    for (const k of ['parse', 'token', 'getuserinfo', 'user_get', 'getuserdetail']) used.add(`identity.step.${k}`);
    for (const k of ['log', 'diagnosis']) { used.add(`placeholder.${k}.title`); used.add(`placeholder.${k}.body`); }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !enKeys.has(k) || !zhKeys.has(k));
    expect(missing, 'used but not defined').toEqual([]);
  });

  test('every message compiles and renders in both languages (no stray @ or |)', () => {
    const errors: string[] = [];
    const i18n = createI18n({
      legacy: false,
      locale: 'en',
      messages: { zh, en },
      missingWarn: false,
      fallbackWarn: false,
      warnHtmlMessage: false,
    });
    for (const locale of ['zh', 'en'] as const) {
      i18n.global.locale.value = locale;
      for (const [k, v] of locale === 'zh' ? zhKeys : enKeys) {
        try {
          const out = i18n.global.t(k, { n: 3, name: 'X', ms: 5, path: '/p', code: 1, d: '1:00', fragment: '#/a' });
          if (out === k) errors.push(`${locale}:${k} not resolved`);
          // A linked message (@:) or plural (|) would change the text beyond the placeholders.
          if (!v.includes('{') && out !== v) errors.push(`${locale}:${k} rendered as ${out}`);
        } catch (e) {
          errors.push(`${locale}:${k}: ${String(e)}`);
        }
      }
    }
    expect(errors).toEqual([]);
  });
});
