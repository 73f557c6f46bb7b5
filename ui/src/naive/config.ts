// Naive UI's config provider props for the theme and language in effect. Loaded with
// Naive itself, after the first screen (src/naive/index.ts).
import { computed } from 'vue';
import { createDiscreteApi, darkTheme, dateEnUS, dateZhCN, enUS, zhCN, type ConfigProviderProps, type GlobalThemeOverrides } from 'naive-ui';
import { effectiveLocale, effectiveTheme } from '../theme';

export const themeOverrides: GlobalThemeOverrides = {
  // The font stack is style.css's (why a CJK family comes first: see there); the primary
  // colours are theme.css's --shell-primary*.
  common: { fontFamily: 'var(--app-font)', primaryColor: '#1f7ae0', primaryColorHover: '#3b8ef0', primaryColorPressed: '#1663bb', primaryColorSuppl: '#3b8ef0' },
};

export const configProviderProps = computed<ConfigProviderProps>(() => ({
  inlineThemeDisabled: true,
  theme: effectiveTheme.value === 'dark' ? darkTheme : null,
  themeOverrides,
  locale: effectiveLocale.value === 'zh' ? zhCN : enUS,
  dateLocale: effectiveLocale.value === 'zh' ? dateZhCN : dateEnUS,
}));

/** Naive's message API outside any component tree, themed like the rest of the app. */
export function createMessageApi() {
  return createDiscreteApi(['message'], { configProviderProps }).message;
}
