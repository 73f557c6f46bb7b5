import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import ProfilesScreen from './screens/ProfilesScreen.vue';

// Hash history: the app is served from files (tauri://), and error displays deep-link
// to `#/errcodes?code=40029`. The first screen is bundled eagerly (startup time); the
// others load on first visit.
const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/profiles' },
  // meta.plain: no Naive UI (AppShell does not wrap it in a NaiveScope).
  { path: '/profiles', component: ProfilesScreen, meta: { plain: true } },
  { path: '/credentials', component: () => import('./screens/CredentialsScreen.vue') },
  { path: '/sign', component: () => import('./screens/SignScreen.vue') },
  { path: '/oauth', component: () => import('./screens/OAuthScreen.vue') },
  { path: '/identity', component: () => import('./screens/IdentityScreen.vue') },
  { path: '/diagnosis', component: () => import('./screens/DiagnosisScreen.vue') },
  { path: '/live', component: () => import('./screens/LiveScreen.vue') },
  { path: '/console', component: () => import('./screens/ConsoleScreen.vue') },
  { path: '/log', component: () => import('./screens/LogScreen.vue') },
  { path: '/errcodes', component: () => import('./screens/ErrcodesScreen.vue') },
  { path: '/domain', component: () => import('./screens/DomainScreen.vue') },
  { path: '/sandbox', component: () => import('./screens/SandboxScreen.vue') },
  { path: '/settings', component: () => import('./screens/SettingsScreen.vue') },
  { path: '/:rest(.*)*', redirect: '/profiles' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });
