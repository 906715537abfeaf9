/// <reference types="vitest/config" />
// The Chromium suite (`npm run test:browser`), kept out of `npm test`: Node environment, one browser
// for the whole run (global setup), files one after another so timing-based scenarios are not starved.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['test/browser/**/*.browser.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    typecheck: { enabled: false },
  },
});
