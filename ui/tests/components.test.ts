import { describe, expect, test } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createRouter, createMemoryHistory } from 'vue-router';
import { createI18n } from 'vue-i18n';
import en from '../src/i18n/en';
import zh from '../src/i18n/zh';
import ErrorAlert from '../src/components/ErrorAlert.vue';
import CommandPalette from '../src/components/CommandPalette.vue';
import { SCREENS } from '../src/nav';
import { errcodeHref, errorSummary, toUiError } from '../src/lib/errors';

const makeI18n = (locale: 'zh' | 'en') =>
  createI18n({ legacy: false, locale, messages: { zh, en }, missingWarn: false, fallbackWarn: false });

describe('error formatting', () => {
  test('toUiError keeps known fields and drops junk', () => {
    expect(toUiError({ kind: 'network', message: 'connection refused', errcode: undefined, hint: '' })).toEqual({
      kind: 'network', message: 'connection refused', message_zh: 'connection refused', errcode: null, hint: null, hint_zh: null,
    });
    expect(toUiError({ kind: 'wecom', message: 'm', message_zh: '中', errcode: 1, hint: 'h', hint_zh: '做' })).toMatchObject({
      message_zh: '中', hint_zh: '做',
    });
    expect(toUiError({ kind: 'weird', message: 'x' }).kind).toBe('internal');
    expect(toUiError(new Error('boom'))).toMatchObject({ kind: 'internal', message: 'boom' });
    expect(toUiError(42)).toMatchObject({ kind: 'internal', message: '42' });
  });
  test('errorSummary adds the errcode once', () => {
    const e = (message: string, errcode: number | null) =>
      ({ kind: 'wecom' as const, message, message_zh: message, errcode, hint: null, hint_zh: null });
    expect(errorSummary(e('invalid code', 40029))).toBe('invalid code (errcode 40029)');
    expect(errorSummary(e('errcode 40029: invalid code', 40029))).toBe('errcode 40029: invalid code');
    expect(errorSummary(e('refused', null))).toBe('refused');
  });
  test('errcode deep link', () => {
    expect(errcodeHref(40029)).toBe('#/errcodes?code=40029');
    expect(errcodeHref(-1)).toBe('#/errcodes?code=-1');
  });
});

describe('ErrorAlert', () => {
  test('shows message, hint and a link to the errcode in the catalogue', () => {
    const w = mount(ErrorAlert, {
      props: {
        error: {
          kind: 'wecom', message: 'errcode 40029: invalid code', message_zh: '错误码 40029：code 无效', errcode: 40029,
          hint: 'Get a fresh code', hint_zh: '重新获取 code',
        },
      },
      global: { plugins: [makeI18n('en')] },
    });
    expect(w.get('[data-testid="error-alert-message"]').text()).toBe('errcode 40029: invalid code');
    expect(w.get('[data-testid="error-alert-hint"]').text()).toContain('Get a fresh code');
    const link = w.get('[data-testid="error-alert-errcode"]');
    expect(link.attributes('href')).toBe('#/errcodes?code=40029');
    expect(w.text()).toContain(en.error.kind.wecom);
  });
  test('no hint and no errcode: neither is rendered; title follows the language', () => {
    const w = mount(ErrorAlert, {
      props: {
        error: { kind: 'network', message: 'connection refused', message_zh: '连接被拒绝', errcode: null, hint: null, hint_zh: null },
        testid: 'x',
      },
      global: { plugins: [makeI18n('zh')] },
    });
    expect(w.get('[data-testid="x-message"]').text()).toBe('连接被拒绝');
    expect(w.find('[data-testid="x-hint"]').exists()).toBe(false);
    expect(w.find('[data-testid="x-errcode"]').exists()).toBe(false);
    expect(w.text()).toContain(zh.error.kind.network);
  });
  test('closable: the close button, titled in the user language, asks to close', async () => {
    const error = { kind: 'network' as const, message: 'm', message_zh: 'm', errcode: null, hint: null, hint_zh: null };
    const w = mount(ErrorAlert, { props: { error, closable: true }, global: { plugins: [makeI18n('zh')] } });
    const close = w.get('[data-testid="error-alert"] button');
    expect(close.attributes('aria-label')).toBe(zh.common.close);
    await close.trigger('click');
    expect(w.emitted('close')).toHaveLength(1);
    const fixed = mount(ErrorAlert, { props: { error }, global: { plugins: [makeI18n('zh')] } });
    expect(fixed.find('button').exists()).toBe(false);
  });
  test('renders nothing without an error', () => {
    const w = mount(ErrorAlert, { props: { error: null }, global: { plugins: [makeI18n('en')] } });
    expect(w.find('[data-testid="error-alert"]').exists()).toBe(false);
  });
});

describe('CommandPalette', () => {
  test('typing filters and Enter jumps to the best match', async () => {
    const Dummy = defineComponent({ render: () => h('div') });
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: Dummy }, ...SCREENS.map((s) => ({ path: s.path, component: Dummy }))],
    });
    router.push('/');
    await router.isReady();
    const Host = defineComponent({
      data: () => ({ show: true }),
      render() {
        return h(CommandPalette, { show: this.show, 'onUpdate:show': (v: boolean) => { this.show = v; } });
      },
    });
    const w = mount(Host, { attachTo: document.body, global: { plugins: [makeI18n('en'), router] } });
    await flushPromises();
    await nextTick();
    const input = document.querySelector<HTMLInputElement>('[data-testid="palette"] input');
    expect(input).not.toBeNull();
    expect(document.querySelectorAll('[data-testid^="palette-item-"]').length).toBe(SCREENS.length);
    input!.value = 'oath';
    input!.dispatchEvent(new Event('input'));
    await flushPromises();
    const first = document.querySelector('[data-testid^="palette-item-"]');
    expect(first?.getAttribute('data-testid')).toBe('palette-item-oauth');
    input!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/oauth');
    expect((w.vm as unknown as { show: boolean }).show).toBe(false);
    w.unmount();
  });
});
