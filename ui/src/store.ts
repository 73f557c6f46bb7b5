// App-wide state shared by every screen: app info, settings, profiles and the active
// profile. A plain reactive object is enough here (no cross-store logic to justify Pinia).
import { computed, reactive } from 'vue';
import { listen } from '@tauri-apps/api/event';
import * as api from './api';
import type { AppInfo, ProfileView, Settings, UiError } from './api/types';
import { toUiError } from './lib/errors';

export const DEFAULT_SETTINGS: Settings = {
  language: 'system',
  theme: 'system',
  proxy: null,
  timeout_secs: 15,
  log_max_entries: 100000,
  log_max_days: 30,
};

export const store = reactive({
  info: null as AppInfo | null,
  settings: { ...DEFAULT_SETTINGS } as Settings,
  profiles: [] as ProfileView[],
  activeId: null as string | null,
  loadError: null as UiError | null,
  loaded: false,
  /** Said once about the request log: a damaged file moved aside, or no log this session. */
  logNotice: null as { message: string; message_zh: string } | null,
});

export const activeProfile = computed<ProfileView | null>(
  () => store.profiles.find((p) => p.id === store.activeId) ?? store.profiles[0] ?? null,
);

/** Listens for `log-opened`: the request log opens in the background (its integrity
 *  check takes seconds with a large log), so what it has to say may come after app_info. */
async function listenForLogNotice(): Promise<void> {
  await listen<{ message: string; message_zh: string }>('log-opened', (e) => { store.logNotice = e.payload; })
    .catch(() => { /* outside the app (unit tests): nothing is pushed */ });
}

export async function loadAll(): Promise<void> {
  try {
    // Listening before app_info is asked, so a notice pushed while it is answered is not
    // missed; settings and profiles do not wait for it.
    const [info, settings, list] = await Promise.all([
      listenForLogNotice().then(() => api.appInfo()), api.settingsGet(), api.profilesList(),
    ]);
    store.info = info;
    if (info.log_recovered_message) {
      store.logNotice = { message: info.log_recovered_message, message_zh: info.log_recovered_message_zh ?? info.log_recovered_message };
    }
    store.settings = settings;
    store.profiles = list.profiles;
    store.activeId = list.active_id;
    store.loadError = null;
  } catch (e) {
    store.loadError = toUiError(e);
  } finally {
    store.loaded = true;
  }
}

export async function refreshProfiles(): Promise<void> {
  const list = await api.profilesList();
  store.profiles = list.profiles;
  store.activeId = list.active_id;
}

export async function setActiveProfile(id: string): Promise<void> {
  await api.profileSetActive(id);
  store.activeId = id;
}

export async function updateSettings(patch: Partial<Settings>): Promise<void> {
  const next = { ...store.settings, ...patch };
  const before = store.settings;
  store.settings = next; // apply at once so language/theme switch without a round trip
  try {
    store.settings = await api.settingsSet(next);
  } catch (e) {
    store.settings = before;
    throw toUiError(e);
  }
}
