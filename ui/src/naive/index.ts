// Naive UI, loaded after the first screen. The first screen (the shell and the Profiles
// screen) is plain markup (src/plain.css): Naive's code is nearly half of the JavaScript
// the app would otherwise load, parse and run before it (bench/README.md "Startup").
// Everything that uses Naive's components sits inside a <NaiveScope>; AppShell wraps every
// other screen in one, and preloads Naive once the first screen is up.
import { defineAsyncComponent } from 'vue';

const loadScope = () => import('./NaiveScope.vue');

/** Naive's providers (theme, language, messages); renders its slot once Naive is loaded. */
export const NaiveScope = defineAsyncComponent(loadScope);

/** Starts loading Naive (the providers and the config) without waiting for it. */
export function preloadNaive(): void {
  loadScope().catch(() => undefined);
}

type ToastType = 'success' | 'info' | 'warning' | 'error';
let messageApi: Promise<{ [K in ToastType]: (text: string) => unknown }> | null = null;

/** A Naive message outside any component tree (for the plain first screen), themed
 *  like the rest of the app. */
export async function toast(type: ToastType, text: string): Promise<void> {
  messageApi ??= import('./config').then((config) => config.createMessageApi());
  (await messageApi)[type](text);
}
