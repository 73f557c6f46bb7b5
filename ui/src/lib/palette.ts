import Fuse from 'fuse.js';

export interface PaletteItem {
  key: string;
  /** Label in the current language (shown). */
  label: string;
  /** Other words that should find it: the label in the other language, synonyms. */
  keywords: string[];
  group: string;
}

/**
 * Fuzzy filter for the Ctrl/Cmd+K switcher: an empty query keeps the nav order;
 * otherwise the best matches first (label weighs more than keywords). Fuse handles
 * typos ("oath" → OAuth) and Chinese substrings ("签名").
 */
export function filterPalette(items: PaletteItem[], query: string): PaletteItem[] {
  const q = query.trim();
  if (q === '') return items.slice();
  const fuse = new Fuse(items, {
    keys: [
      { name: 'label', weight: 3 },
      { name: 'keywords', weight: 1 },
      { name: 'key', weight: 1 },
    ],
    threshold: 0.4,
    ignoreLocation: true,
    includeScore: true,
  });
  return fuse.search(q).map((r) => r.item);
}

/** Next highlighted row for arrow keys, wrapping around. */
export function moveSelection(current: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  const next = (current + delta) % count;
  return next < 0 ? next + count : next;
}
