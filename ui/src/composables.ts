import { ref, type Ref } from 'vue';
import type { UiError } from './api/types';
import { toUiError } from './lib/errors';

/**
 * Wraps an async action with loading and error state. Inputs live elsewhere, so a
 * failed call never clears what the user typed.
 */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const loading = ref(false);
  const error: Ref<UiError | null> = ref(null);
  async function run(...args: A): Promise<R | undefined> {
    loading.value = true;
    error.value = null;
    try {
      return await fn(...args);
    } catch (e) {
      error.value = toUiError(e);
      return undefined;
    } finally {
      loading.value = false;
    }
  }
  return { loading, error, run };
}
