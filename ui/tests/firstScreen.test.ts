// The first screen (the shell and the Profiles screen) must not load Naive UI: it is
// nearly half of the JavaScript otherwise parsed and run before it (src/naive/index.ts).
// Builds the app with Vite and walks the entry chunk's static imports: a static
// `import … from 'naive-ui'` anywhere on that path fails here.
import { describe, expect, test } from 'vitest';
import { build, type Rollup } from 'vite';

describe('first screen bundle', () => {
  test('the entry chunk and its static imports hold no Naive UI module', async () => {
    const out = (await build({ logLevel: 'silent', build: { write: false } })) as Rollup.RollupOutput;
    const chunks = new Map(out.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
    const entry = [...chunks.values()].find((c) => c.isEntry)!;
    const seen = new Set<string>();
    const walk = (c: Rollup.OutputChunk) => {
      if (seen.has(c.fileName)) return;
      seen.add(c.fileName);
      for (const f of c.imports) walk(chunks.get(f)!);
    };
    walk(entry);
    const firstModules = [...seen].flatMap((f) => chunks.get(f)!.moduleIds);
    expect(firstModules.some((m) => m.includes('/src/screens/ProfilesScreen.vue'))).toBe(true);
    expect(firstModules.filter((m) => m.includes('/node_modules/naive-ui/'))).toEqual([]);
    // …and Naive is still in the build, behind a dynamic import.
    const all = [...chunks.values()].flatMap((c) => c.moduleIds);
    expect(all.some((m) => m.includes('/node_modules/naive-ui/'))).toBe(true);
  }, 60_000);
});
