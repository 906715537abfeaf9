// @vitest-environment node
/**
 * Tree-shaking, proven with esbuild and Rollup on the built package, resolved by its name (so its
 * `exports` and `sideEffects` are what is tested): a consumer keeps only what it uses.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { build } from 'esbuild';
import { rollup, type RollupCache } from 'rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../scripts/bundles.js';
import { stagePackage, type Staged } from '../scripts/stage.js';

let staged: Staged;
beforeAll(async () => { staged = await stagePackage({ types: false, cdn: false }); }, 60_000);
afterAll(() => rmSync(staged.dir, { recursive: true, force: true }));

let entries = 0;
let rollupCache: RollupCache | undefined; // parsed modules, shared between the Rollup builds
const dependencies = ['ky', 'zod', 'zod/mini', 'msw'];
/** Bundles a consumer entry (unminified; ky and zod included unless `ownOnly`) and returns its code. */
const bundlers: Record<string, (entry: string, ownOnly?: boolean) => Promise<string>> = {
  esbuild: async (entry, ownOnly) => {
    const result = await build({
      stdin: { contents: entry, resolveDir: staged.dir, sourcefile: 'entry.js' },
      bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', external: ownOnly ? dependencies : [],
    });
    return result.outputFiles[0]!.text;
  },
  rollup: async (entry, ownOnly) => {
    const input = join(staged.dir, `entry-${entries++}.js`);
    writeFileSync(input, entry);
    const bundle = await rollup({ input, cache: rollupCache, plugins: [nodeResolve({ browser: true })], external: ownOnly ? dependencies : [], onwarn: () => {} });
    rollupCache = bundle.cache;
    const { output } = await bundle.generate({ format: 'es' });
    return output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('');
  },
};

/** Code of the parts a `createClient` + `getBalance` page must not carry (each is in "everything"). */
const callMarkers: Record<string, RegExp> = {
  'the product calls': /["'`]\/products|\bprod_/,
  'the stablecoin call': /["'`]\/stablecoin|stateset1/,
  paginate: /\bpaginate\b/,
  'request() and the allow-list': /\bmatchPath\b|\ballowlist\b/,
  'opt-in cross-tab sharing': /BroadcastChannel/,
  'opt-in persistence across page loads (crossTab({ persist }))': /localStorage/,
  'opt-in stale-while-revalidate': /\bstaleWhileRevalidate\b/,
};
/** Code no bundle of `.` may carry. */
const neverMarkers: Record<string, RegExp> = {
  'the widget': /customElements|stateset-balance|HTMLElement/,
  'the Node-only build guard': /secretKeyGuard|scanDirectory|stateset-guard|["']node:/,
  'the stand-in API (@stateset/browser/testing)': /x_added_later|Organic Cotton Tee|getBuiltinModule|stateset-stand-in/,
  'the server-side edge': /createEdgeHandler|X-StateSet-Edge|stateset-edge/,
};

describe.each(Object.keys(bundlers))('%s', (name) => {
  const bundle = (entry: string, ownOnly = false) => bundlers[name]!(entry, ownOnly);

  it('keeps only createClient and getBalance for a page that uses them', async () => {
    const [used, everything] = await Promise.all([
      bundle("export { createClient, getBalance } from '@stateset/browser';", true),
      bundle("export * from '@stateset/browser';", true),
    ]);
    expect(used).toMatch(/["'`]\/account\/balance/);
    for (const [part, marker] of Object.entries(callMarkers)) {
      expect(everything, `${part} in everything`).toMatch(marker);
      expect(used, `${part} in createClient + getBalance`).not.toMatch(marker);
    }
    for (const [part, marker] of Object.entries(neverMarkers)) {
      expect(used, part).not.toMatch(marker);
      expect(everything, part).not.toMatch(marker);
    }
  });

  it.each([
    ["import '@stateset/browser';"],
    ["import { createClient, getBalance, StateSetError } from '@stateset/browser';"],
    ["import * as stateset from '@stateset/browser';"],
    ["import { formatAmount } from '@stateset/browser';"],
    ["import '@stateset/browser/query';"],
    ["import { balanceQueryOptions, isRetryable } from '@stateset/browser/query';"],
  ])('bundles nothing, so executes nothing, for %s', async (entry) => {
    expect((await bundle(entry)).trim()).toBe('');
  });

  it('keeps formatAmount out of a page that does not use it, and the query entry free of TanStack and React', async () => {
    const [used, query] = await Promise.all([
      bundle("export { formatAmount } from '@stateset/browser';", true),
      bundle("export { balanceQueryOptions } from '@stateset/browser/query';", true),
    ]);
    expect(used).toMatch(/NumberFormat/);
    expect(await bundle("export { createClient, getBalance } from '@stateset/browser';", true)).not.toMatch(/NumberFormat|formatAmount/);
    expect(query).toMatch(/["'`]\/account\/balance/);
    expect(query, 'no TanStack code or import').not.toMatch(/@tanstack|react/i);
    expect(query, 'only the balance call').not.toMatch(callMarkers['the product calls']!);
  });

  it.skipIf(!existsSync(join(root, 'src/widget/index.ts')))('keeps the widget entry\'s registration (its declared side effect)', async () => {
    const widget = await bundle("import '@stateset/browser/widget';");
    expect(widget).toMatch(/customElements/);
    expect(widget, 'the Node-only build guard in the widget').not.toMatch(neverMarkers['the Node-only build guard']!);
    expect(widget, 'the stand-in in the widget').not.toMatch(neverMarkers['the stand-in API (@stateset/browser/testing)']!);
    expect(widget, 'the edge in the widget').not.toMatch(neverMarkers['the server-side edge']!);
  });

  it('cannot put the Node-only @stateset/browser/testing into a browser bundle (its exports have no browser target)', async () => {
    const entry = "export * from '@stateset/browser/testing';";
    if (name === 'esbuild') {
      await expect(bundle(entry)).rejects.toThrow(/@stateset\/browser\/testing/);
    } else {
      // Rollup cannot resolve it either, so leaves the import external: none of the stand-in's code is bundled.
      const code = await bundle(entry);
      expect(code).toMatch(/from ['"]@stateset\/browser\/testing['"]/);
      expect(code).not.toMatch(neverMarkers['the stand-in API (@stateset/browser/testing)']!);
    }
  });

  it('bundles the MSW handlers for a browser (msw\'s worker) with the stand-in engine but no Node server', async () => {
    const code = await bundle("export { handlers, createHandlers } from '@stateset/browser/testing/msw';", true);
    expect(code).toMatch(/x_added_later/); // the engine and its faults
    expect(code).toMatch(/Organic Cotton Tee/); // the data
    expect(code).not.toMatch(/getBuiltinModule|createServer|["']node:/);
  });

  it('carries the edge only when its own entry is imported (the marker is real), never through the browser entries', async () => {
    const edge = await bundle("export { createEdgeHandler } from '@stateset/browser/edge';", true);
    expect(edge).toMatch(neverMarkers['the server-side edge']!);
    expect(edge).not.toMatch(/["']node:/); // runs on Workers without Node compatibility
  });
});
