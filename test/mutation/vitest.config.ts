/// <reference types="vitest/config" />
/**
 * The unit tests Stryker runs against each mutant (`npm run test:mutation`): the project's tests minus those that
 * build, bundle or stage the package from disk, or check the edge's Worker against the README (they read the
 * sandbox's copies of files, not the module under test) and without the type tests (a mutant changes values, not types).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    // As in vite.config.ts: every test starts in a fresh realm (no pacer or cache carried over from the test before).
    setupFiles: ['test/page-console.ts', 'test/setup.ts'],
    exclude: ['test/dist.test.ts', 'test/tree-shaking.test.ts', 'test/opt-in-bundle.test.ts', 'test/package.test.ts', 'test/build-guard.test.ts', 'test/edge/workers.test.ts', 'test/browser/**'],
    testTimeout: 20_000,
  },
});
