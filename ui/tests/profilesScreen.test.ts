// The Profiles screen is the first screen and plain markup (no Naive UI); deleting a
// profile asks first, in the row. The backend is the IPC boundary (`invoke`), answered here.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createI18n } from 'vue-i18n';
import en from '../src/i18n/en';
import zh from '../src/i18n/zh';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import ProfilesScreen from '../src/screens/ProfilesScreen.vue';
import { store } from '../src/store';
import type { ProfileView } from '../src/api/types';

const profile = (id: string, name: string) =>
  ({ id, name, corpid: 'ww1', agentid: '1000002', base_url: 'http://127.0.0.1:1', trusted_domains: [],
     default_redirect_uri: '', notes: '', is_sandbox: false, has_secret: true }) as unknown as ProfileView;
const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd);

let profiles: ProfileView[];
beforeEach(() => {
  profiles = [profile('p1', 'Sandbox'), profile('p2', 'Staging')];
  invoke.mockReset();
  invoke.mockImplementation(async (cmd: string, args?: { id?: string }) => {
    switch (cmd) {
      case 'profile_delete': profiles = profiles.filter((p) => p.id !== args?.id); return null;
      case 'profiles_list': return { profiles, active_id: 'p1' };
      default: return null;
    }
  });
  store.profiles = profiles;
  store.activeId = 'p1';
});

function mountScreen(locale: 'zh' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages: { zh, en }, missingWarn: false, fallbackWarn: false });
  return mount(ProfilesScreen, { attachTo: document.body, global: { plugins: [i18n] } });
}
const row = (w: ReturnType<typeof mount>, id: string) => w.get(`[data-profile-id="${id}"]`);

describe('ProfilesScreen delete', () => {
  test('asks in the row, in the user language; cancel keeps the profile', async () => {
    const w = mountScreen('zh');
    await row(w, 'p2').get('[data-testid="profile-delete"]').trigger('click');
    await flushPromises();
    const question = row(w, 'p2').get('[data-testid="profile-delete-question"]');
    expect(question.text()).toContain('删除档案「Staging」及其保存的 Secret？');
    // The answer has the focus; the other row is untouched.
    expect(document.activeElement).toBe(question.get('[data-testid="profile-delete-confirm"]').element);
    expect(row(w, 'p1').find('[data-testid="profile-delete-question"]').exists()).toBe(false);
    await question.get('[data-testid="profile-delete-cancel"]').trigger('click');
    expect(row(w, 'p2').find('[data-testid="profile-delete-question"]').exists()).toBe(false);
    expect(row(w, 'p2').find('[data-testid="profile-delete"]').exists()).toBe(true);
    expect(calls('profile_delete')).toEqual([]);
    w.unmount();
  });

  test('Escape also cancels', async () => {
    const w = mountScreen('en');
    await row(w, 'p2').get('[data-testid="profile-delete"]').trigger('click');
    await flushPromises();
    await row(w, 'p2').get('[data-testid="profile-delete-confirm"]').trigger('keydown', { key: 'Escape' });
    expect(row(w, 'p2').find('[data-testid="profile-delete-question"]').exists()).toBe(false);
    expect(calls('profile_delete')).toEqual([]);
    w.unmount();
  });

  test('confirming deletes that profile and refreshes the list', async () => {
    const w = mountScreen('en');
    await row(w, 'p2').get('[data-testid="profile-delete"]').trigger('click');
    await flushPromises();
    expect(row(w, 'p2').text()).toContain('Delete the profile "Staging" and its stored secret?');
    await row(w, 'p2').get('[data-testid="profile-delete-confirm"]').trigger('click');
    await flushPromises();
    expect(calls('profile_delete').map((c) => c[1])).toEqual([{ id: 'p2' }]);
    expect(w.findAll('[data-testid="profile-row"]').map((r) => r.attributes('data-profile-id'))).toEqual(['p1']);
    w.unmount();
  });
});
