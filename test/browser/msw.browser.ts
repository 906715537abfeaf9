/**
 * `@stateset/browser/testing/msw` in a browser, as Storybook or a dev page uses it: msw's service worker
 * intercepts the client's requests to https://api.stateset.com/v1 and our handlers answer them in the
 * page (no network, no server). Page script bundled here by esbuild for the browser.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accountBalance } from '../../src/testing/data.js';
import { openPage } from './harness.js';
import { root } from './paths.js';
import { startSite, type Site } from './site.js';

const KEY = 'pk_test_mswWorker1';
let dir: string;
let site: Site;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stateset-msw-'));
  const entry = `
    import { setupWorker } from 'msw/browser';
    import { handlers, standIn } from './src/testing/msw/index.ts';
    import { createClient, getBalance, getProduct } from './src/index.ts';
    await setupWorker(...handlers).start({ quiet: true, serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'error' });
    standIn.fault('GET /account/balance 503 x1');
    const client = createClient({ publishableKey: ${JSON.stringify(KEY)}, retry: 2 });
    const balance = await getBalance(client);
    const error = await getProduct(client, 'prod_missing').then(() => null, (e) => ({ name: e.name, status: e.status, code: e.code }));
    window.__result = { balance, error, calls: standIn.requests.map((r) => r.method + ' ' + r.path + ' ' + r.status) };
  `;
  await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'msw-page.js' },
    bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'app.js'), logLevel: 'silent',
  });
  copyFileSync(join(root, 'node_modules/msw/lib/mockServiceWorker.js'), join(dir, 'mockServiceWorker.js'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>msw</title><script type="module" src="/app.js"></script>\n');
  site = await startSite({ mounts: { '/': dir } });
}, 60_000);
afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('the handlers answer the client through msw\'s worker, faults and errors included', async () => {
  const { page, pageErrors } = await openPage();
  await page.goto(`${site.origin}/`);
  await page.waitForFunction(() => '__result' in window, undefined, { timeout: 20_000 });
  const result = await page.evaluate(() => (window as unknown as { __result: unknown }).__result);
  expect(pageErrors).toEqual([]);
  expect(result).toEqual({
    balance: accountBalance(KEY, undefined),
    error: { name: 'ApiError', status: 404, code: 'resource_missing' },
    calls: ['GET /v1/account/balance 503', 'GET /v1/account/balance 200', 'GET /v1/products/prod_missing 404'],
  });
  // The worker was installed from the site; api.stateset.com is unreachable here, so only it can have answered.
  expect(site.requests).toContain('/mockServiceWorker.js');
});
