// The OAuth screen is a tab host over five components; these tests pin the wiring
// between them that the split had to keep: builds refresh the history tab, the
// builder's "for the sandbox" switch also drives batch links, and a profile change
// refills the forms. The backend is the IPC boundary (`invoke`), answered here.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { createI18n } from 'vue-i18n';
import en from '../src/i18n/en';
import zh from '../src/i18n/zh';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/plugin-opener', () => ({ openUrl: vi.fn() }));

import { NMessageProvider } from 'naive-ui';
import OAuthScreen from '../src/screens/OAuthScreen.vue';
import { store } from '../src/store';
import type { ProfileView } from '../src/api/types';

const profile = (id: string, redirect: string, sandbox: boolean) =>
  ({ id, name: id, corpid: 'ww1', agentid: '1000002', base_url: 'http://127.0.0.1:1', trusted_domains: [],
     default_redirect_uri: redirect, notes: '', is_sandbox: sandbox }) as unknown as ProfileView;

const link = { url: 'https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1#wechat_redirect', problems: [] };
const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd);

beforeEach(() => {
  invoke.mockReset();
  invoke.mockImplementation(async (cmd: string) => {
    switch (cmd) {
      case 'link_history': return [];
      case 'oauth_build': case 'weblogin_build': return link;
      case 'oauth_batch': return { links: [], csv: '', markdown: '' };
      case 'qr_svg': return '<svg/>';
      default: return null;
    }
  });
  store.profiles = [profile('p1', 'https://a.example.com/cb', true), profile('p2', 'https://b.example.com/cb', false)];
  store.activeId = 'p1';
});

async function mountScreen() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/oauth', component: defineComponent({ render: () => h('div') }) }] });
  router.push('/oauth');
  await router.isReady();
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { zh, en }, missingWarn: false, fallbackWarn: false });
  const Host = defineComponent({ render: () => h(NMessageProvider, null, { default: () => h(OAuthScreen) }) });
  const w = mount(Host, { attachTo: document.body, global: { plugins: [i18n, router] } });
  await flushPromises();
  return w;
}
const input = (w: ReturnType<typeof mount>, id: string) => w.get<HTMLInputElement>(`[data-testid="${id}"]`).element;

describe('OAuthScreen tabs', () => {
  test('forms start from the active profile and follow a profile change', async () => {
    const w = await mountScreen();
    expect(input(w, 'oauth-redirect').value).toBe('https://a.example.com/cb');
    expect(input(w, 'web-redirect').value).toBe('https://a.example.com/cb');
    expect(input(w, 'oauth-agentid').value).toBe('1000002');
    store.activeId = 'p2';
    await flushPromises();
    expect(input(w, 'oauth-redirect').value).toBe('https://b.example.com/cb');
    expect(input(w, 'web-redirect').value).toBe('https://b.example.com/cb');
    w.unmount();
  });

  test('building a link reloads the history tab', async () => {
    const w = await mountScreen();
    expect(calls('link_history').length).toBe(1);
    await w.findAll('form')[0].trigger('submit');
    await flushPromises();
    expect(calls('oauth_build').length).toBeGreaterThan(0);
    expect(w.get('[data-testid="oauth-url"]').text()).toBe(link.url);
    expect(calls('link_history').length).toBeGreaterThan(1);
    w.unmount();
  });

  test("the builder's sandbox switch applies to batch links", async () => {
    const w = await mountScreen();
    const forms = w.findAll('form');
    const batchForm = forms[2];
    await batchForm.trigger('submit');
    await flushPromises();
    expect(calls('oauth_batch').at(-1)![1].p.forSandbox).toBe(true); // p1 is the sandbox profile
    await w.get('[data-testid="oauth-for-sandbox"]').trigger('click');
    await flushPromises();
    await batchForm.trigger('submit');
    await flushPromises();
    expect(calls('oauth_batch').at(-1)![1].p.forSandbox).toBe(false);
    w.unmount();
  });
});
