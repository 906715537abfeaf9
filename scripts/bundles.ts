/**
 * What ships and how it is bundled, in one place: used by vite.config.ts (the npm package),
 * scripts/build.ts (the CDN files) and scripts/size.ts (the budgets), so the size script measures
 * exactly what the build produces.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Supported browsers: Baseline "widely available" (Vite's default target), i.e. every evergreen
 * browser of roughly the last two and a half years. Syntax is ES2022; nothing is polyfilled.
 */
export const browserTargets = ['chrome111', 'edge111', 'firefox114', 'safari16.4'];

/** Source entries of the npm package (`dist/<name>.js`), keeping those that exist (the widget may not yet). */
export const packageEntries = (): Record<string, string> =>
  present({
    index: 'src/index.ts',
    'query/index': 'src/query/index.ts',
    'widget/index': 'src/widget/index.ts',
    // `@stateset/browser/build` and the `stateset-guard` bin: the secret-key guard for build tools.
    'build-guard/plugin': 'src/build-guard/plugin.ts',
    'build-guard/cli': 'src/build-guard/cli.ts',
    // `@stateset/browser/testing` (Node only), `/testing/msw` and the `stateset-stand-in` bin.
    'testing/index': 'src/testing/index.ts',
    'testing/msw/index': 'src/testing/msw/index.ts',
    'testing/cli': 'src/testing/cli.ts',
    // `@stateset/browser/edge`, `/edge/node` and the `stateset-edge` bin: the server-side edge.
    'edge/index': 'src/edge/index.ts',
    'edge/node/index': 'src/edge/node/index.ts',
    'edge/cli': 'src/edge/cli.ts',
  });

/** Source entries of the self-contained CDN files (`dist/cdn/<name>.js`). */
export const cdnEntries = (): Record<string, string> => present({ stateset: 'src/index.ts', widget: 'src/widget/index.ts' });

function present(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(resolve(root, file))));
}

/** esbuild options of a CDN file: one minified ESM file, dependencies inside, a linked source map. */
export const cdnOptions = (entry: string, outfile: string): BuildOptions => ({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: browserTargets,
  sourcemap: 'linked',
  logLevel: 'silent',
});
