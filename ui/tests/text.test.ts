import { describe, expect, test } from 'vitest';
import { hostOf, randomNonce, rowsToQuery, splitList } from '../src/lib/text';
import { resolveLocale } from '../src/i18n';

describe('text helpers', () => {
  test('splitList splits on newlines and commas, trims, drops blanks', () => {
    expect(splitList(' a \n\n b,c ,\n')).toEqual(['a', 'b', 'c']);
    expect(splitList('')).toEqual([]);
  });
  test('rowsToQuery drops rows without a key and keeps values verbatim', () => {
    expect(rowsToQuery([{ key: ' userid ', value: ' x ' }, { key: '', value: 'y' }])).toEqual([['userid', ' x ']]);
  });
  test('randomNonce is alphanumeric with the asked length and varies', () => {
    const a = randomNonce();
    expect(a).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(randomNonce(8)).toHaveLength(8);
    expect(new Set(Array.from({ length: 20 }, () => randomNonce())).size).toBeGreaterThan(1);
  });
  test('hostOf', () => {
    expect(hostOf('http://127.0.0.1:8080/x')).toBe('127.0.0.1:8080');
    expect(hostOf('not a url')).toBe('not a url');
  });
});

describe('language resolution', () => {
  test('explicit choices win', () => {
    expect(resolveLocale('en', 'zh-CN')).toBe('en');
    expect(resolveLocale('zh', 'en-US')).toBe('zh');
  });
  test('system follows the OS locale, Chinese when it says nothing useful', () => {
    expect(resolveLocale('system', 'zh-CN')).toBe('zh');
    expect(resolveLocale('system', 'zh_TW.UTF-8')).toBe('zh');
    expect(resolveLocale('system', 'en-US')).toBe('en');
    expect(resolveLocale('system', 'de-DE')).toBe('en');
    expect(resolveLocale('system', 'C')).toBe('zh');
    expect(resolveLocale('system', 'POSIX')).toBe('zh');
  });
});
