import { describe, expect, test } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { createI18n } from 'vue-i18n';
import en from '../src/i18n/en';
import zh from '../src/i18n/zh';
import ShellNav from '../src/components/ShellNav.vue';
import ShellTopBar from '../src/components/ShellTopBar.vue';
import { SCREENS } from '../src/nav';
import type { ProfileView } from '../src/api/types';

const makeI18n = (locale: 'zh' | 'en') =>
  createI18n({ legacy: false, locale, messages: { zh, en }, missingWarn: false, fallbackWarn: false });

async function mountNav(path: string, locale: 'zh' | 'en' = 'zh', collapsed = false) {
  const Blank = defineComponent({ render: () => h('div') });
  const router = createRouter({ history: createMemoryHistory(), routes: SCREENS.map((s) => ({ path: s.path, component: Blank })) });
  await router.push(path);
  const w = mount(ShellNav, { props: { collapsed }, global: { plugins: [makeI18n(locale), router] } });
  return { w, router };
}

describe('ShellNav', () => {
  test('every screen is a link under its group, in the user language, and the current one is marked', async () => {
    const { w } = await mountNav('/log?foo=1');
    for (const s of SCREENS) {
      const a = w.get(`[data-testid="nav-${s.key}"]`);
      expect(a.attributes('href')).toBe(s.path);
      expect(a.text()).toBe((zh.nav as Record<string, string>)[s.key]);
    }
    expect(w.findAll('.group-label').map((g) => g.text())).toEqual(Object.values(zh.navGroup));
    const current = w.findAll('[aria-current="page"]');
    expect(current.map((a) => a.attributes('data-testid'))).toEqual(['nav-log']);
    expect(current[0].classes()).toContain('active');
  });

  test('a click navigates and moves the mark', async () => {
    const { w, router } = await mountNav('/profiles', 'en');
    await w.get('[data-testid="nav-sign"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/sign');
    expect(w.get('[data-testid="nav-sign"]').attributes('aria-current')).toBe('page');
    expect(w.get('[data-testid="nav-profiles"]').attributes('aria-current')).toBeUndefined();
  });

  test('collapsed: icons only, the label moves to the title; the trigger asks to toggle', async () => {
    const { w } = await mountNav('/profiles', 'en', true);
    const item = w.get('[data-testid="nav-credentials"]');
    expect(item.find('.label').exists()).toBe(false);
    expect(item.attributes('title')).toBe(en.nav.credentials);
    const trigger = w.get('[data-testid="nav-collapse"]');
    expect(trigger.attributes('aria-label')).toBe(en.top.expandNav);
    await trigger.trigger('click');
    expect(w.emitted('toggle')).toHaveLength(1);
  });
});

describe('ShellTopBar', () => {
  const profile = (id: string, name: string, is_sandbox = false): ProfileView => ({
    id, name, corpid: 'ww1', agentid: '1000002', base_url: 'http://127.0.0.1:1', trusted_domains: [],
    default_redirect_uri: '', notes: '', has_secret: true, is_sandbox,
  });
  const mountBar = (props: Partial<InstanceType<typeof ShellTopBar>['$props']>, locale: 'zh' | 'en' = 'zh') =>
    mount(ShellTopBar, {
      props: { theme: 'light', locale, profiles: [], active: null, ...props },
      global: { plugins: [makeI18n(locale)] },
    });

  test('the switcher lists the profiles, shows the active one and reports a choice', async () => {
    const a = profile('a', 'Sandbox', true);
    const b = profile('b', '生产环境');
    const w = mountBar({ profiles: [a, b], active: a });
    const select = w.get<HTMLSelectElement>('[data-testid="profile-switcher"]');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Sandbox', '生产环境']);
    expect(select.element.value).toBe('a');
    expect(w.get('[data-testid="profile-switcher-sandbox"]').text()).toBe(zh.profiles.sandboxTag);
    await select.setValue('b');
    expect(w.emitted('selectProfile')).toEqual([['b']]);
    // Until the switch has happened (it may fail), the active profile is what it shows.
    expect(select.element.value).toBe('a');
    await w.setProps({ active: b });
    expect(select.element.value).toBe('b');
    expect(w.find('[data-testid="profile-switcher-sandbox"]').exists()).toBe(false);
  });

  test('no profiles: a disabled switcher says so, no sandbox tag', () => {
    const w = mountBar({}, 'en');
    const select = w.get<HTMLSelectElement>('[data-testid="profile-switcher"]');
    expect(select.element.disabled).toBe(true);
    expect(select.text()).toBe(en.top.noProfile);
    expect(w.find('[data-testid="profile-switcher-sandbox"]').exists()).toBe(false);
  });

  test('language and theme buttons say what they do and report clicks', async () => {
    const w = mountBar({ theme: 'dark', locale: 'en' }, 'en');
    const lang = w.get('[data-testid="lang-toggle"]');
    expect(lang.text()).toBe('English');
    expect(lang.attributes('title')).toBe(en.top.switchLanguage);
    const theme = w.get('[data-testid="theme-toggle"]');
    expect(theme.attributes('aria-label')).toBe(en.top.toLight);
    await lang.trigger('click');
    await theme.trigger('click');
    await w.get('[data-testid="palette-open"]').trigger('click');
    expect(w.emitted('toggleLanguage')).toHaveLength(1);
    expect(w.emitted('toggleTheme')).toHaveLength(1);
    expect(w.emitted('palette')).toHaveLength(1);
  });
});
