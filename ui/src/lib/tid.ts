import type { HTMLAttributes, InputHTMLAttributes } from 'vue';

/** Puts a data-testid on the native <input>/<textarea> of a Naive UI input (via input-props). */
export function tid(id: string): InputHTMLAttributes {
  return { 'data-testid': id } as InputHTMLAttributes;
}

/** data-testid for a Naive UI tab header (NTabPane tab-props). */
export function tabTid(id: string): HTMLAttributes {
  return { 'data-testid': id } as HTMLAttributes;
}
