// The console's parameter hints follow the UI language: `hint_zh` under zh, `hint` under en.
// The backend is the IPC boundary (`invoke`), answered here.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createI18n } from 'vue-i18n';
import en from '../src/i18n/en';
import zh from '../src/i18n/zh';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/plugin-opener', () => ({ openUrl: vi.fn() }));

import { NMessageProvider, NSelect } from 'naive-ui';
import ConsoleScreen from '../src/screens/ConsoleScreen.vue';
import { store } from '../src/store';
import type { ConsoleEndpoint, ProfileView } from '../src/api/types';

const catalog: ConsoleEndpoint[] = [{
  method: 'GET', path: '/cgi-bin/auth/getuserinfo', title_zh: '获取访问用户身份', title_en: 'Identity from an OAuth code', body_template: null,
  params: [{ name: 'code', in: 'query', required: true, hint: 'the code from the redirect (valid once, 5 min)', hint_zh: '重定向带回的 code（只能用一次，5 分钟内有效）' }],
}];

beforeEach(() => {
  invoke.mockReset();
  invoke.mockImplementation(async (cmd: string) => (cmd === 'console_catalog' ? catalog : null));
  store.profiles = [{ id: 'p1', name: 'p1', corpid: 'ww1', agentid: '1000002', base_url: 'http://127.0.0.1:1', trusted_domains: [],
    default_redirect_uri: '', notes: '', is_sandbox: true } as unknown as ProfileView];
  store.activeId = 'p1';
});

async function placeholderUnder(locale: 'zh' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages: { zh, en }, missingWarn: false, fallbackWarn: false });
  const Host = defineComponent({ render: () => h(NMessageProvider, null, { default: () => h(ConsoleScreen) }) });
  const w = mount(Host, { attachTo: document.body, global: { plugins: [i18n] } });
  await flushPromises();
  w.findComponent(NSelect).vm.$emit('update:value', 'GET /cgi-bin/auth/getuserinfo');
  await flushPromises();
  const value = w.get<HTMLInputElement>('[data-testid="console-query-value-0"]').element.placeholder;
  w.unmount();
  return value;
}

describe('ConsoleScreen parameter hints', () => {
  test('zh shows hint_zh, en shows hint', async () => {
    expect(await placeholderUnder('zh')).toBe('重定向带回的 code（只能用一次，5 分钟内有效）');
    expect(await placeholderUnder('en')).toBe('the code from the redirect (valid once, 5 min)');
  });
});
