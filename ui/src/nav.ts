import type { Component } from 'vue';
import {
  PeopleOutline, KeyOutline, CreateOutline, QrCodeOutline, PersonCircleOutline, TerminalOutline,
  BookOutline, GlobeOutline, CubeOutline, SettingsOutline, ListOutline, GitCompareOutline, PulseOutline,
} from '@vicons/ionicons5';

export interface NavScreen {
  key: string;
  path: string;
  group: 'setup' | 'h5' | 'debug' | 'app';
  icon: Component;
  /** Search words besides the labels in both languages. */
  keywords: string[];
  /** Comes with a later issue: shows a friendly empty state. */
  placeholder?: boolean;
}

// Order = navigation order. Labels are i18n keys `nav.<key>`.
export const SCREENS: NavScreen[] = [
  { key: 'profiles', path: '/profiles', group: 'setup', icon: PeopleOutline, keywords: ['corpid', 'secret', 'agentid', '配置'] },
  { key: 'credentials', path: '/credentials', group: 'setup', icon: KeyOutline, keywords: ['access_token', 'jsapi_ticket', 'agent ticket', 'token', '票据'] },
  { key: 'sign', path: '/sign', group: 'h5', icon: CreateOutline, keywords: ['signature', 'ww.register', 'wx.config', 'agentConfig', 'string1', 'sha1'] },
  { key: 'oauth', path: '/oauth', group: 'h5', icon: QrCodeOutline, keywords: ['authorize', 'redirect', 'qr', 'web login', '扫码登录', '网页授权', 'link explainer'] },
  { key: 'identity', path: '/identity', group: 'h5', icon: PersonCircleOutline, keywords: ['code', 'userid', 'getuserinfo', 'openid', 'user', '成员'] },
  { key: 'diagnosis', path: '/diagnosis', group: 'h5', icon: GitCompareOutline, keywords: ['diff', 'signature invalid', '诊断'] },
  { key: 'live', path: '/live', group: 'h5', icon: PulseOutline, keywords: ['probe.js', 'client.js', 'bridge', 'config:fail', 'agentConfig', 'session', '实时', '桥接'] },
  { key: 'console', path: '/console', group: 'debug', icon: TerminalOutline, keywords: ['api', 'request', 'cgi-bin', '调试'] },
  { key: 'log', path: '/log', group: 'debug', icon: ListOutline, keywords: ['history', 'requests', 'har', '日志'] },
  { key: 'errcodes', path: '/errcodes', group: 'debug', icon: BookOutline, keywords: ['errcode', 'error', '错误'] },
  { key: 'domain', path: '/domain', group: 'debug', icon: GlobeOutline, keywords: ['trusted domain', 'WW_verify', '可信域名'] },
  { key: 'sandbox', path: '/sandbox', group: 'app', icon: CubeOutline, keywords: ['simulator', 'fault', 'clock', '模拟'] },
  { key: 'settings', path: '/settings', group: 'app', icon: SettingsOutline, keywords: ['language', 'theme', 'proxy', 'timeout', '语言', '主题'] },
];

export const GROUPS: NavScreen['group'][] = ['setup', 'h5', 'debug', 'app'];
