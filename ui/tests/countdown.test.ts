import { describe, expect, test } from 'vitest';
import { backendNow, clockOffset, countdownState, formatDuration, formatTime, lifetimePercent, remaining } from '../src/lib/countdown';

describe('countdown math uses the backend clock', () => {
  test('offset is zero when both clocks agree', () => {
    expect(clockOffset(1_700_000_000, 1_700_000_000_500)).toBe(0);
  });

  test('a sandbox clock advanced by 2 h shortens the remaining time by 2 h', () => {
    const local = 1_700_000_000_000;
    const offset = clockOffset(1_700_000_000 + 7200, local);
    expect(offset).toBe(7200);
    const fetchedAt = 1_700_000_000;
    const expiresAt = fetchedAt + 7200;
    expect(remaining(expiresAt, 0, local)).toBe(7200);
    expect(remaining(expiresAt, offset, local)).toBe(0);
  });

  test('remaining keeps counting down as local time passes', () => {
    const local = 1_700_000_000_000;
    const offset = clockOffset(1_700_000_100, local); // backend 100 s ahead
    expect(backendNow(offset, local)).toBe(1_700_000_100);
    expect(remaining(1_700_000_200, offset, local)).toBe(100);
    expect(remaining(1_700_000_200, offset, local + 30_000)).toBe(70);
    expect(remaining(1_700_000_200, offset, local + 130_000)).toBe(-30);
  });

  test('formatDuration', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(245)).toBe('4:05');
    expect(formatDuration(7199)).toBe('1:59:59');
    expect(formatDuration(7200)).toBe('2:00:00');
    expect(formatDuration(-12)).toBe('-0:12');
  });

  test('lifetimePercent is clamped to 0..100', () => {
    expect(lifetimePercent(1000, 8200, 1000)).toBe(100);
    expect(lifetimePercent(1000, 8200, 4600)).toBe(50);
    expect(lifetimePercent(1000, 8200, 9000)).toBe(0);
    expect(lifetimePercent(1000, 1000, 1000)).toBe(0);
    expect(lifetimePercent(1000, 8200, 0)).toBe(100);
  });

  test('countdownState: ok → refresh_soon at refresh_at → expired at expires_at', () => {
    expect(countdownState(8200, 7900, 7899)).toBe('ok');
    expect(countdownState(8200, 7900, 7900)).toBe('refresh_soon');
    expect(countdownState(8200, 7900, 8199)).toBe('refresh_soon');
    expect(countdownState(8200, 7900, 8200)).toBe('expired');
    expect(countdownState(8200, null, 8000)).toBe('ok');
  });

  test('formatTime renders local date and time', () => {
    const d = new Date(2024, 4, 1, 13, 4, 5);
    expect(formatTime(Math.floor(d.getTime() / 1000))).toBe('2024-05-01 13:04:05');
  });
});
