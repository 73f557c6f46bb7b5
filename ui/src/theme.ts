// The theme and language in effect: the settings, with "system" resolved against the OS.
// Naive-free (the first screen does not load Naive UI; src/naive/ reads these too).
import { computed, ref } from 'vue';
import { store } from './store';
import { resolveLocale, type Locale } from './i18n';

const darkQuery = typeof window !== 'undefined' && window.matchMedia
  ? window.matchMedia('(prefers-color-scheme: dark)')
  : null;
const osDark = ref(darkQuery?.matches ?? false);
darkQuery?.addEventListener('change', (e) => { osDark.value = e.matches; });

export const effectiveTheme = computed<'light' | 'dark'>(() =>
  store.settings.theme === 'system' ? (osDark.value ? 'dark' : 'light') : store.settings.theme,
);
export const effectiveLocale = computed<Locale>(() =>
  resolveLocale(store.settings.language, store.info?.system_locale),
);
