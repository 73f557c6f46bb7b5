// Live updates pushed by the Rust side (Tauri events), with cleanup that works even
// when the listener registers after the component is gone.
import { onBeforeUnmount } from 'vue';
import { listen } from '@tauri-apps/api/event';

/** Calls `cb` with each payload of `event` while the calling component is mounted. */
export function usePushed<T>(event: string, cb: (payload: T) => void): void {
  let stop: (() => void) | undefined;
  let gone = false;
  listen<T>(event, (e) => cb(e.payload))
    .then((un) => { if (gone) un(); else stop = un; })
    .catch(() => { /* outside the app (unit tests): nothing is pushed */ });
  onBeforeUnmount(() => { gone = true; stop?.(); });
}
