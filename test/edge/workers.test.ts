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
  it('is the README\'s example, verbatim', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(readFileSync(join(root, 'demo/edge/worker.ts'), 'utf8').trim());
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
