import { describe, expect, test } from 'vitest';
import { EMPTY_FORM, mergeNewest, nextBefore, parseCode, toFilterView } from '../src/lib/logFilter';
import { firstDiff, splitAt } from '../src/lib/diff';
import type { LogItem } from '../src/api/types';

const item = (id: number): LogItem => ({
  id, time_ms: id * 1000, profile: 'p', feature: 'token', method: 'GET', path: '/cgi-bin/gettoken',
  status: 200, errcode: 0, errmsg: 'ok', latency_ms: 3, failed: false, error: null,
});

describe('log filter form → LogFilterView', () => {
  test('the empty form filters nothing', () => {
    expect(toFilterView(EMPTY_FORM)).toEqual({
      profile: null, endpoint: null, outcome: 'any', code: null, since_ms: null, until_ms: null, text: null,
    });
  });

  test('blank strings become null and text is trimmed', () => {
    const v = toFilterView({ ...EMPTY_FORM, profile: '  ', endpoint: '/cgi-bin/user/get', text: '  userid zhangsan ' });
    expect(v.profile).toBeNull();
    expect(v.endpoint).toBe('/cgi-bin/user/get');
    expect(v.text).toBe('userid zhangsan');
  });

  test('an errcode is sent only with outcome "code" and only when it is a number', () => {
    expect(toFilterView({ ...EMPTY_FORM, outcome: 'code', code: ' 40014 ' })).toMatchObject({ outcome: 'code', code: 40014 });
    expect(toFilterView({ ...EMPTY_FORM, outcome: 'code', code: '-1' })).toMatchObject({ outcome: 'code', code: -1 });
    // Half-typed: show everything rather than nothing.
    expect(toFilterView({ ...EMPTY_FORM, outcome: 'code', code: '400x' })).toMatchObject({ outcome: 'any', code: null });
    expect(toFilterView({ ...EMPTY_FORM, outcome: 'error', code: '40014' })).toMatchObject({ outcome: 'error', code: null });
    expect(parseCode('')).toBeNull();
    expect(parseCode('1e3')).toBeNull();
  });

  test('a range is ordered into since/until', () => {
    expect(toFilterView({ ...EMPTY_FORM, range: [2000, 1000] })).toMatchObject({ since_ms: 1000, until_ms: 2000 });
  });
});

describe('live merge and keyset paging', () => {
  test('new entries go on top, newest first, without duplicates', () => {
    const list = [item(5), item(4), item(3)];
    const r = mergeNewest(list, [item(5), item(6), item(7)]);
    expect(r.added).toBe(2);
    expect(r.list.map((i) => i.id)).toEqual([7, 6, 5, 4, 3]);
    expect(mergeNewest(list, []).list).toBe(list);
    expect(mergeNewest([], [item(1), item(2)]).list.map((i) => i.id)).toEqual([2, 1]);
  });

  test('the next page starts below the last loaded id', () => {
    expect(nextBefore([item(9), item(8)])).toBe(8);
    expect(nextBefore([])).toBeNull();
  });
});

describe('string1 diff', () => {
  test('first differing character, prefixes and equal strings', () => {
    expect(firstDiff('abc', 'abc')).toBeNull();
    expect(firstDiff('abcd', 'abXd')).toBe(2);
    expect(firstDiff('abc', 'abc#frag')).toBe(3);
    // Code points, not UTF-16 units: the emoji counts once, like Rust chars.
    expect(firstDiff('😀a', '😀b')).toBe(1);
  });

  test('splitAt cuts around the differing character', () => {
    expect(splitAt('url=https://a/p#x', 15)).toEqual({ same: 'url=https://a/p', at: '#', rest: 'x' });
    expect(splitAt('abc', 3)).toEqual({ same: 'abc', at: '', rest: '' });
    expect(splitAt('abc', null)).toEqual({ same: 'abc', at: '', rest: '' });
    expect(splitAt('😀ab', 1)).toEqual({ same: '😀', at: 'a', rest: 'b' });
  });
});
