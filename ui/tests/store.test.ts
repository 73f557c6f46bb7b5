// The app store's start: what app_info says about the request log, and what arrives later
// as `log-opened` (the log opens in the background, after the first screen).
import { beforeEach, describe, expect, it, vi } from 'vitest';

const order: string[] = [];
const invoke = vi.fn();
let pushLogOpened: ((e: { payload: { message: string; message_zh: string } }) => void) | null = null;
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/api/event', () => ({
  listen: async (event: string, cb: typeof pushLogOpened) => {
    order.push(`listen ${event}`);
    if (event === 'log-opened') pushLogOpened = cb;
    return () => undefined;
  },
}));

import { loadAll, store } from '../src/store';

const info = (msg: string | null) => ({
  version: '0.1.0', sandbox_base_url: null, keyring: { available: true, message: null, message_zh: null },
  system_locale: 'zh-CN', log_recovered_message: msg, log_recovered_message_zh: msg && `中文：${msg}`, store_recovered: null,
});

function answer(appInfo: ReturnType<typeof info>) {
  invoke.mockImplementation(async (cmd: string) => {
    order.push(cmd);
    if (cmd === 'app_info') return appInfo;
    if (cmd === 'settings_get') return { language: 'system', theme: 'system', proxy: null, timeout_secs: 15, log_max_entries: 100000, log_max_days: 30 };
    if (cmd === 'profiles_list') return { profiles: [], active_id: null };
    throw new Error(`unexpected ${cmd}`);
  });
}

describe('the request log notice', () => {
  beforeEach(() => { store.logNotice = null; pushLogOpened = null; order.length = 0; invoke.mockReset(); });

  it('comes from app_info when the log had already opened', async () => {
    answer(info('moved aside'));
    await loadAll();
    expect(store.logNotice).toEqual({ message: 'moved aside', message_zh: '中文：moved aside' });
  });

  it('comes later as log-opened, listened for before app_info is asked', async () => {
    answer(info(null));
    await loadAll();
    expect(store.logNotice).toBeNull();
    expect(pushLogOpened).not.toBeNull();
    expect(order.indexOf('listen log-opened')).toBeLessThan(order.indexOf('app_info'));
    pushLogOpened!({ payload: { message: 'damaged', message_zh: '已损坏' } });
    expect(store.logNotice).toEqual({ message: 'damaged', message_zh: '已损坏' });
  });
});
