import { beforeEach, describe, expect, test, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

import * as api from '../src/api';

beforeEach(() => {
  invoke.mockReset();
  invoke.mockResolvedValue('ok');
});

const last = () => invoke.mock.calls[invoke.mock.calls.length - 1];

describe('api wrapper maps arguments as the Rust commands expect', () => {
  const profile = {
    id: '', name: 'n', corpid: 'c', agentid: '1', base_url: 'u', trusted_domains: ['a.com'], default_redirect_uri: '', notes: '',
  };
  // [call, command, args]
  const cases: [() => Promise<unknown>, string, Record<string, unknown> | undefined][] = [
    [() => api.appInfo(), 'app_info', undefined],
    [() => api.appReady(), 'app_ready', { marks: null }],
    [() => api.appReady([{ name: 'x', ms: 1.5 }]), 'app_ready', { marks: [{ name: 'x', ms: 1.5 }] }],
    [() => api.profileSave(profile, null), 'profile_save', { profile, secret: null }],
    [() => api.profileSave(profile, ''), 'profile_save', { profile, secret: '' }],
    [() => api.profileDelete('p1'), 'profile_delete', { id: 'p1' }],
    [() => api.profileTest('p1'), 'profile_test', { id: 'p1' }],
    [() => api.profilesImport('[]'), 'profiles_import', { json: '[]' }],
    [() => api.credentialsSnapshot('p1'), 'credentials_snapshot', { profileId: 'p1' }],
    [() => api.tokenFetch('p1', true), 'token_fetch', { profileId: 'p1', force: true }],
    [() => api.ticketFetch('p1', 'agent', false), 'ticket_fetch', { profileId: 'p1', kind: 'agent', force: false }],
    [() => api.ticketHistory('p1', 'corp'), 'ticket_history', { profileId: 'p1', kind: 'corp' }],
    [() => api.secretReveal('p1', 'corp_ticket'), 'secret_reveal', { profileId: 'p1', what: 'corp_ticket' }],
    // Blank optional inputs go as typed: the workbench treats blank as absent (registry.rs `blank`).
    [() => api.sign('p1', 'https://a/b', '  ', '', false), 'sign', { profileId: 'p1', url: 'https://a/b', nonceStr: '  ', timestamp: '', reveal: false }],
    [() => api.sign('p1', 'https://a/b'), 'sign', { profileId: 'p1', url: 'https://a/b', nonceStr: null, timestamp: null, reveal: null }],
    [() => api.sign('p1', 'https://a/b', 'n0nce', '1700000000', true), 'sign', { profileId: 'p1', url: 'https://a/b', nonceStr: 'n0nce', timestamp: '1700000000', reveal: true }],
    [() => api.explainUrl(null, 'x'), 'explain_url', { profileId: null, url: 'x' }],
    [() => api.qrSave('t', 'png', '/tmp/a.png'), 'qr_save', { text: 't', format: 'png', path: '/tmp/a.png' }],
    [() => api.identityLookup('p1', 'https://cb?code=1'), 'identity_lookup', { profileId: 'p1', input: 'https://cb?code=1' }],
    [() => api.userGet('p1', 'zhangsan'), 'user_get', { profileId: 'p1', userid: 'zhangsan' }],
    [() => api.userToOpenid('p1', 'zhangsan'), 'user_to_openid', { profileId: 'p1', userid: 'zhangsan' }],
    [() => api.consoleSend('p1', 'GET', '/cgi-bin/user/get', [['userid', 'a']], ''), 'console_send', { profileId: 'p1', method: 'GET', path: '/cgi-bin/user/get', query: [['userid', 'a']], body: '' }],
    [() => api.errcodeGet(40029), 'errcode_get', { code: 40029 }],
    [() => api.errcodesSearch('token'), 'errcodes_search', { query: 'token' }],
    [() => api.sandboxAdvanceClock(300), 'sandbox_advance_clock', { seconds: 300 }],
    [() => api.sandboxAuthorizeUrl('p1', ''), 'sandbox_authorize_url', { profileId: 'p1', userid: '' }],
    [() => api.sandboxSetFault({ path: '/cgi-bin/gettoken', kind: 'errcode', latency_ms: null, status: null, errcode: 60020, count: 1 }), 'sandbox_set_fault', { fault: { path: '/cgi-bin/gettoken', kind: 'errcode', latency_ms: null, status: null, errcode: 60020, count: 1 } }],
  ];
  test.each(cases)('%#: %s', async (fn, cmd, args) => {
    await fn();
    expect(last()[0]).toBe(cmd);
    expect(last()[1]).toEqual(args);
  });

  test('struct parameters are wrapped as p with camelCase fields', async () => {
    const p = { profileId: 'p1', redirectUri: 'https://a.com/cb', scope: 'snsapi_base', state: 's', agentid: null, forSandbox: true };
    await api.oauthBuild(p);
    expect(last()).toEqual(['oauth_build', { p }]);
    const d = { profileId: null, domain: 'a.com', verifyFileName: null, expectedContent: null, urls: [] };
    await api.domainCheck(d);
    expect(last()).toEqual(['domain_check', { p: d }]);
  });
});

describe('rejections become UiError', () => {
  test('a serialised UiError passes through', async () => {
    const err = {
      kind: 'wecom', message: 'errcode 40029: invalid code', message_zh: '错误码 40029：code 无效', errcode: 40029,
      hint: 'Codes are single use', hint_zh: 'code 只能用一次',
    };
    invoke.mockRejectedValueOnce(err);
    await expect(api.tokenFetch('p', false)).rejects.toEqual(err);
  });
  test('a plain string from Tauri (e.g. ACL refusal) becomes an internal error', async () => {
    invoke.mockRejectedValueOnce('Command plugin:fs|read_file not allowed by ACL');
    await expect(api.appInfo()).rejects.toMatchObject({ kind: 'internal', message: expect.stringContaining('not allowed'), errcode: null });
  });
});

