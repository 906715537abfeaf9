// @vitest-environment node
/**
 * The README's Worker (demo/edge/worker.ts) in Cloudflare's own runtime, workerd, through Miniflare: bundled as
 * `wrangler` would, with the stand-in as upstream. Its store is the platform Cache API (`caches.default`), found by
 * itself: answers survive a restart of the isolate (memory gone, cache kept).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare, type MiniflareOptions } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../../scripts/bundles.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';

const KEY = 'pk_test_worker1';
const SHOP = 'https://shop.example';
let api: StandIn;
let mf: Miniflare;
let options: MiniflareOptions;
let cacheDir: string;

beforeAll(async () => {
  api = await startStandIn();
  const { outputFiles } = await build({
    entryPoints: [join(root, 'demo/edge/worker.ts')], bundle: true, format: 'esm', platform: 'neutral', write: false,
    mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'browser'], logLevel: 'silent',
  });
  cacheDir = mkdtempSync(join(tmpdir(), 'stateset-workerd-cache-'));
  options = {
    modules: true, script: outputFiles[0]!.text, compatibilityDate: '2026-04-26', cachePersist: cacheDir,
    durableObjects: { STATESET_BUDGET: { className: 'KeyBudget', useSQLite: true } },
    bindings: { STATESET_API: api.url, SHOP_ORIGIN: SHOP, STATESET_PUBLISHABLE_KEY: KEY },
  };
  mf = new Miniflare(options);
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await api.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) =>
  mf.dispatchFetch(`https://shop.example/stateset/v1${path}`, { headers: { Authorization: `Bearer ${KEY}`, 'CF-Connecting-IP': '203.0.113.5', ...headers } });

describe('the Worker under workerd', () => {
  it('is the README\'s example, verbatim, with its wrangler.toml', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(readFileSync(join(root, 'demo/edge/worker.ts'), 'utf8').trim());
    expect(readme).toContain(readFileSync(join(root, 'demo/edge/wrangler.toml'), 'utf8').trim());
  });

  it('collapses a burst into one upstream request, keeps it in caches.default, and serves it after the isolate restarts', async () => {
    api.reset();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/account/balance', { Origin: SHOP })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect((await answers[0]!.json() as { object: string }).object).toBe('balance');
    expect(answers[0]!.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(api.requests).toHaveLength(1);
    await mf.setOptions(options); // a new isolate: the handler's memory is gone, the Cache API is not
    const after = await get('/account/balance');
    expect(after.status).toBe(200);
    expect(after.headers.get('x-stateset-edge')).toBe('HIT');
    expect(api.requests).toHaveLength(1);
  });

  it('refuses secrets, other keys and other paths in workerd too, sending nothing', async () => {
    api.reset();
    const refused = [
      await get('/account/balance', { Cookie: `k=${btoa('sk_live_abc123')}` }),
      await get('/account/balance', { Authorization: 'Bearer pk_test_someoneelse' }),
      await get('/customers'),
      await mf.dispatchFetch('https://shop.example/stateset/v1/products', { method: 'POST', headers: { Authorization: `Bearer ${KEY}` } }),
    ];
    expect(refused.map((response) => response.status)).toEqual([403, 401, 404, 405]);
    for (const response of refused) expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
    expect(api.requests).toHaveLength(0);
  });

  it('limits misses per CF-Connecting-IP', async () => {
    const statuses: number[] = [];
    for (let limit = 1; limit <= 22; limit++) statuses.push((await get(`/products?limit=${limit}`, { 'CF-Connecting-IP': '198.51.100.1' })).status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect((await get('/products?limit=22', { 'CF-Connecting-IP': '198.51.100.2' })).status).toBe(200);
  });
});

describe('KeyBudget, the Durable Object, under workerd: one budget for a key across two locations', () => {
  // The stand-in enforces burst 4 at 25/s, the locations' plan is burst 4 at 20/s: on exactly one rate, a bucket that
  // starts a little later could refuse a request that arrives a millisecond early (as seen once under load).
  let locations: Miniflare | undefined;
  const start = async (coordinate: boolean) => {
    const { outputFiles } = await build({
      entryPoints: [join(root, 'test/edge/fixtures/two-locations.ts')], bundle: true, format: 'esm', platform: 'neutral', write: false,
      mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'browser'], logLevel: 'silent',
    });
    await locations?.dispose();
    locations = new Miniflare({
      modules: true, script: outputFiles[0]!.text, compatibilityDate: '2026-04-26',
      durableObjects: { STATESET_BUDGET: 'KeyBudget' },
      bindings: { STATESET_API: api.url, COORDINATE: coordinate ? '1' : '0' },
    });
    await locations.ready;
    api.reset();
    api.setOptions({ plan: { perSecond: 25, burst: 4 } });
  };
  const miss = (location: 'a' | 'b', limit: number) =>
    locations!.dispatchFetch(`https://shop.example/${location}/v1/products?limit=${limit}`, { headers: { Authorization: `Bearer ${KEY}`, 'CF-Connecting-IP': '203.0.113.5' } });
  const misses = (location: 'a' | 'b', from: number) => Promise.all(Array.from({ length: 6 }, (_, index) => miss(location, from + index)));
  afterAll(async () => {
    await locations?.dispose();
    api.setOptions({ plan: false });
  });

  it('two locations × 6 distinct misses at once, burst 4: not one 429 upstream, every visitor answered', async () => {
    await start(true);
    const answers = (await Promise.all([misses('a', 1), misses('b', 11)])).flat();
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    expect(api.requests.filter((request) => request.method === 'GET')).toHaveLength(12);
    expect(api.requests.filter((request) => request.status === 429)).toHaveLength(0);
  }, 30_000);

  it('a 429 upstream pauses both locations for its Retry-After, then every queued miss is served, with no second 429', async () => {
    await start(true);
    api.fault({ status: 429, retryAfter: '1', times: 1 });
    expect((await miss('a', 1)).status).toBe(429); // nothing stored to serve instead
    const told = Date.now();
    const answers = (await Promise.all([misses('a', 2), misses('b', 11)])).flat();
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    expect(api.requests.filter((request) => request.status === 429)).toHaveLength(1);
    // They waited out the pause (Retry-After: 1, less the moments since the 429), not only the pacer's rate.
    expect(Date.now() - told).toBeGreaterThanOrEqual(900);
  }, 30_000);

  it('(control) without the coordinator the two locations go over the key\'s plan: 429s upstream (and every visitor is answered)', async () => {
    await start(false);
    const answers = (await Promise.all([misses('a', 1), misses('b', 11)])).flat();
    expect(api.requests.filter((request) => request.status === 429).length).toBeGreaterThan(0);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 429)).toBe(true);
  }, 30_000);

  it('one location without a coordinator: a 429 pauses it, then every miss queued behind the pause is served (none hangs)', async () => {
    await start(false);
    api.fault({ status: 429, retryAfter: '1', times: 1 });
    expect((await miss('a', 1)).status).toBe(429);
    const told = Date.now();
    const answers = await misses('a', 2);
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect(api.requests.filter((request) => request.status === 429)).toHaveLength(1);
    expect(Date.now() - told).toBeGreaterThanOrEqual(900);
  }, 30_000);
});
