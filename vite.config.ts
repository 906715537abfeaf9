/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { browserTargets, packageEntries } from './scripts/bundles.js';

export default defineConfig({
  // The npm package's JS (`npm run build`, see scripts/build.ts): one file per source module, so a
  // consumer's bundler drops every module it does not use; ky and zod stay dependencies.
  build: {
    target: browserTargets,
    minify: false, // the consumer minifies; names, JSDoc and /* @__PURE__ */ stay readable
    copyPublicDir: false,
    lib: { entry: packageEntries(), formats: ['es'] },
    rolldownOptions: {
      external: [/^(ky|zod|vite|rollup|msw|@tanstack\/query-core)(\/|$)/, /^node:/],
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
  test: {
    // STATESET_KY=<folder of another ky> runs the tests against it (`npm run test:ky2`: ky's other major).
    ...(process.env.STATESET_KY && { alias: { ky: process.env.STATESET_KY } }),
    environment: 'happy-dom',
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/page-console.ts', 'test/setup.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts', 'test/**/*.test-d.tsx'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    pool: 'forks',
  },
});
