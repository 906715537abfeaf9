/** Where things are, shared by the global setup and the tests. */
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const pagesDir = fileURLToPath(new URL('./pages', import.meta.url));
/** The CDN files under test: `dist/cdn/` from `npm run build` (STATESET_CDN_DIR points elsewhere, e.g. a deployed copy). */
export const cdnDir = process.env.STATESET_CDN_DIR ?? fileURLToPath(new URL('../../dist/cdn', import.meta.url));
export const resultsDir = fileURLToPath(new URL('../../test-results/browser', import.meta.url));
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];
