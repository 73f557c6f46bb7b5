import { describe, expect, test } from 'vitest';
import { filterPalette, moveSelection, type PaletteItem } from '../src/lib/palette';
import { SCREENS } from '../src/nav';
import en from '../src/i18n/en';
import zh from '../src/i18n/zh';

// The same items the palette builds: label in the current language, the other
// language's label and the screen's keywords as search words.
function items(lang: 'zh' | 'en'): PaletteItem[] {
  const cur = lang === 'zh' ? zh : en;
  const other = lang === 'zh' ? en : zh;
  return SCREENS.map((s) => ({
    key: s.key,
    label: cur.nav[s.key as keyof typeof cur.nav],
    keywords: [other.nav[s.key as keyof typeof other.nav], cur.navGroup[s.group], ...s.keywords],
    group: cur.navGroup[s.group],
  }));
}
const keys = (r: PaletteItem[]) => r.map((i) => i.key);

describe('command palette filter', () => {
  test('empty query keeps every screen in navigation order', () => {
    expect(keys(filterPalette(items('en'), ''))).toEqual(SCREENS.map((s) => s.key));
    expect(keys(filterPalette(items('en'), '   '))).toHaveLength(SCREENS.length);
  });

  test('exact label wins', () => {
    expect(keys(filterPalette(items('en'), 'Sandbox'))[0]).toBe('sandbox');
    expect(keys(filterPalette(items('en'), 'error codes'))[0]).toBe('errcodes');
  });

  test('typos still find the tool', () => {
    expect(keys(filterPalette(items('en'), 'oath'))[0]).toBe('oauth');
    expect(keys(filterPalette(items('en'), 'setings'))[0]).toBe('settings');
  });

  test('Chinese labels match in the English UI and the reverse', () => {
    expect(keys(filterPalette(items('en'), '签名'))).toContain('sign');
    expect(keys(filterPalette(items('zh'), 'identity'))[0]).toBe('identity');
    expect(keys(filterPalette(items('zh'), '错误码'))[0]).toBe('errcodes');
  });

  test('keywords find screens whose label does not contain the word', () => {
    expect(keys(filterPalette(items('en'), 'jsapi_ticket'))[0]).toBe('credentials');
    expect(keys(filterPalette(items('en'), 'ww.register'))[0]).toBe('sign');
    expect(keys(filterPalette(items('en'), 'WW_verify'))[0]).toBe('domain');
  });

  test('nonsense finds nothing', () => {
    expect(filterPalette(items('en'), 'zzqqxxyy')).toEqual([]);
  });

  test('moveSelection wraps around and handles empty lists', () => {
    expect(moveSelection(0, 1, 3)).toBe(1);
    expect(moveSelection(2, 1, 3)).toBe(0);
    expect(moveSelection(0, -1, 3)).toBe(2);
    expect(moveSelection(0, 1, 0)).toBe(-1);
  });
});
