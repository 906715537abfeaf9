/// <reference types="vitest/config" />
// The browser suite (`npm run test:browser`), kept out of `npm test`: Node environment, the engines
// started once for the whole run (global setup), files one after another so timing-based scenarios
// are not starved. engines/*.browser.ts run in every selected engine (STATESET_ENGINES, default all
// three); the other *.browser.ts files are Chromium-only (playwright's DevTools-protocol features)
// and run when Chromium is selected.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { selectedEngines } from './engines/select.js';

const chromium = selectedEngines().includes('chromium');

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    environment: 'node',
    include: chromium ? ['test/browser/**/*.browser.ts'] : ['test/browser/engines/**/*.browser.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    typecheck: { enabled: false },
  },
});
