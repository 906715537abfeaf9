/**
 * The CDN build on a storefront: a cross-origin call with a real preflight (1) and Subresource Integrity on the
 * file itself (3). Scenario 2, the same page under a strict CSP with Trusted Types, runs in every engine
 * (engines/storefront.browser.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountBalance } from '../../src/testing/data.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';
import { calls, openPage } from './harness.js';
import { cdnDir, pagesDir } from './paths.js';
import { startSite, type Site } from './site.js';

const KEY = 'pk_test_cdnPage1';
const sha384 = (bytes: Uint8Array | string): string => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const expectedText = (): string => {
  const [first] = accountBalance(KEY, undefined).available;
  return `${first!.amount} ${first!.currency.toUpperCase()}`;
};

let api: StandIn;
let site: Site;
/** A third origin serving dist/cdn with `Access-Control-Allow-Origin: *`, like a CDN. */
let cdn: Site;

beforeAll(async () => {
  api = await startStandIn();
  site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir }, vars: { API_BASE: api.url, KEY } });
  cdn = await startSite({ mounts: { '/': cdnDir }, cors: true });
});
afterAll(async () => {
  await Promise.all([api?.close(), site?.close(), cdn?.close()]);
});
beforeEach(() => {
  api.reset();
  site.headers = [];
});

async function loadBalancePage() {
  const watched = await openPage();
  await watched.page.goto(`${site.origin}/balance.html`);
  const out = watched.page.locator('#balance:not([data-state="loading"])');
  await out.waitFor();
  return { ...watched, out };
}

describe('scenario 1: <script type="module"> importing dist/cdn/stateset.js', () => {
  it('fetches the balance cross-origin, preflight and all, and shows it', async () => {
    const { out, consoleErrors, pageErrors } = await loadBalancePage();
    expect(await out.getAttribute('data-state')).toBe('loaded');
    expect(await out.textContent()).toBe(expectedText());

    const preflight = api.requests.find((r) => r.method === 'OPTIONS');
    expect(preflight, 'the browser sent a CORS preflight').toBeDefined();
    expect(preflight!.path).toBe('/v1/account/balance');
    expect(preflight!.headers.origin).toBe(site.origin);
    expect(preflight!.headers['access-control-request-headers']).toMatch(/authorization/i);
    const [get, ...more] = calls(api.requests);
    expect(more).toEqual([]);
    expect(get).toMatchObject({ method: 'GET', path: '/v1/account/balance', status: 200 });
    expect(get!.headers.origin).toBe(site.origin);
    expect(get!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

// Scenario 2 (the same page under a strict CSP with Trusted Types, zero violations, and its control) runs in every
// engine: engines/storefront.browser.ts.

describe('scenario 3: Subresource Integrity on the CDN file', () => {
  const integrity = (): Record<string, string> => JSON.parse(readFileSync(join(cdnDir, 'integrity.json'), 'utf8'));

  it('integrity.json holds the sha384 of each CDN file', () => {
    const hashes = integrity();
    expect(Object.keys(hashes).sort()).toEqual(['stateset.js', 'widget.js']);
    for (const [file, hash] of Object.entries(hashes)) expect(hash, file).toBe(sha384(readFileSync(join(cdnDir, file))));
  });

  /** The page for each CDN file, and how it shows it worked: a balance in the page's own output, or a rendered widget. */
  const pages = {
    'stateset.js': { page: '/sri.html', result: '#balance', loaded: 'data-state' },
    'widget.js': { page: '/sri-widget.html', result: 'stateset-balance', loaded: 'state' },
  } as const;

  async function loadSriPage(file: keyof typeof pages, hash: string) {
    site.vars.CDN_URL = `${cdn.origin}/${file}`;
    site.vars.INTEGRITY = hash;
    cdn.requests.length = 0;
    const watched = await openPage();
    await watched.page.goto(`${site.origin}${pages[file].page}`);
    await watched.page.locator('html[data-cdn]').waitFor();
    return { ...watched, cdnScript: await watched.page.locator('html').getAttribute('data-cdn') };
  }

  it.each(Object.keys(pages) as Array<keyof typeof pages>)('%s from another origin with its published hash: runs', async (file) => {
    const { page, cdnScript, consoleErrors } = await loadSriPage(file, integrity()[file]!);
    expect(cdnScript).toBe('loaded');
    const { result, loaded } = pages[file];
    const shown = page.locator(`${result}[${loaded}="loaded"]`);
    await shown.waitFor();
    expect(await shown.textContent()).toContain(file === 'widget.js' ? '' : expectedText());
    expect(cdn.requests).toEqual([`/${file}`]); // one fetch: the page reuses the checked module
    expect(calls(api.requests, '/v1/account/balance')).toHaveLength(1);
    expect(consoleErrors).toEqual([]);
  });

  it.each(Object.keys(pages) as Array<keyof typeof pages>)('%s with a wrong hash: blocked, nothing of it runs', async (file) => {
    const wrong = sha384(`${readFileSync(join(cdnDir, file), 'utf8')}\n`);
    const { page, cdnScript, consoleErrors } = await loadSriPage(file, wrong);
    expect(cdnScript).toBe('error');
    expect(cdn.requests).toEqual([`/${file}`]); // fetched, then refused
    expect(consoleErrors.join('\n')).toMatch(/integrity/i);
    if (file === 'widget.js') expect(await page.evaluate(() => customElements.get('stateset-balance'))).toBeUndefined();
    else expect(await page.locator('#balance').getAttribute('data-state')).toBe('blocked');
    expect(api.requests).toEqual([]);
  });
});
