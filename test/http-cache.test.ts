// @vitest-environment node
/**
 * Caching headers, when a server sends them (the stand-in's `cacheHeaders`; the API reference documents none): a
 * `max-age` shorter than the call's TTL wins, `no-store` keeps nothing, and an entry with an `ETag` is revalidated
 * with `If-None-Match`, a 304 renewing it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createClient, getBalance, getProduct, getStablecoinBalance, InvalidResponseError, listProducts, type Client, type ClientOptions,
  type Share,
} from '../src/index.js';
import { balanceEndpoint } from '../src/balance.js';
import { productEndpoint, productsEndpoint } from '../src/products.js';
import { stablecoinBalanceEndpoint } from '../src/stablecoin.js';
import { cacheSeconds, products, startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn({ cacheHeaders: true }); });
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  api.setOptions({ cacheHeaders: true });
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => { vi.useRealTimers(); });

let keys = 0;
/** A client of a key of its own (the realm shares a cache per key: each test starts empty). */
const make = (options: Partial<ClientOptions> = {}): Client =>
  createClient({ publishableKey: `pk_test_httpcache${++keys}`, apiBase: api.url, retry: 0, rateLimit: false, ...options });
const gets = () => api.requests.filter((sent) => sent.method === 'GET');
const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
/** A `fetch` whose responses get `cacheControl` instead of the server's. */
const withCacheControl = (cacheControl: string): typeof fetch => async (input, init) => {
  const response = await fetch(input, init);
  const headers = new Headers(response.headers);
  headers.set('Cache-Control', cacheControl);
  return new Response(response.status === 304 ? null : await response.text(), { status: response.status, headers });
};

describe('the stand-in\'s cacheHeaders option', () => {
  it('is off by default: no Cache-Control or ETag, If-None-Match ignored, not allowed or exposed in CORS', async () => {
    api.setOptions({ cacheHeaders: false });
    const headers = { Authorization: 'Bearer pk_test_plain', Origin: 'http://shop.test' };
    const first = await fetch(`${api.url}/account/balance`, { headers });
    expect(first.headers.get('Cache-Control')).toBeNull();
    expect(first.headers.get('ETag')).toBeNull();
    expect(first.headers.get('Access-Control-Expose-Headers')).not.toMatch(/ETag/);
    const again = await fetch(`${api.url}/account/balance`, { headers: { ...headers, 'If-None-Match': '*' } });
    expect(again.status).toBe(200);
    const preflight = await fetch(`${api.url}/account/balance`, { method: 'OPTIONS', headers: { Origin: 'http://shop.test' } });
    expect(preflight.headers.get('Access-Control-Allow-Headers')).not.toMatch(/If-None-Match/);
  });

  it('sends max-age = the endpoint\'s TTL, a strong ETag of the body, and a 304 without a body on a match', async () => {
    const headers = { Authorization: 'Bearer pk_test_headers', Origin: 'http://shop.test' };
    const first = await fetch(`${api.url}/account/balance`, { headers });
    expect(first.headers.get('Cache-Control')).toBe('private, max-age=5');
    const etag = first.headers.get('ETag')!;
    expect(etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);
    expect(first.headers.get('Access-Control-Expose-Headers')).toMatch(/\bETag\b/);
    const same = await fetch(`${api.url}/account/balance`, { headers: { ...headers, 'If-None-Match': `W/"other", ${etag}` } });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');
    expect(same.headers.get('ETag')).toBe(etag);
    expect((await fetch(`${api.url}/account/balance`, { headers: { ...headers, 'If-None-Match': '*' } })).status).toBe(304);
    const other = await fetch(`${api.url}/account/balance`, { headers: { ...headers, 'If-None-Match': '"stale"' } });
    expect(other.status).toBe(200);
    // Another body, another tag.
    const product = await fetch(`${api.url}/products/${products[0]!.id}`, { headers });
    expect(product.headers.get('Cache-Control')).toBe('private, max-age=60');
    expect(product.headers.get('ETag')).not.toBe(etag);
    const preflight = await fetch(`${api.url}/account/balance`, { method: 'OPTIONS', headers: { Origin: 'http://shop.test' } });
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toMatch(/\bIf-None-Match\b/);
  });

  it('gives each path the TTL of the client\'s endpoint row', () => {
    for (const [row, path] of [
      [balanceEndpoint, '/v1/account/balance'],
      [productsEndpoint, '/v1/products'],
      [productEndpoint, '/v1/products/prod_1'],
      [stablecoinBalanceEndpoint, '/v1/stablecoin/balance/stateset1abc'],
    ] as const) expect(cacheSeconds(path) * 1000).toBe(row.ttl);
  });

  it('sends no caching headers on errors', async () => {
    const response = await fetch(`${api.url}/products/prod_missing`, { headers: { Authorization: 'Bearer pk_test_headers' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('ETag')).toBeNull();
    expect(response.headers.get('Cache-Control')).toBeNull();
  });
});

describe('the client and caching headers', () => {
  it('revalidates an expired entry with If-None-Match: a 304 answers with the stored value and renews it', async () => {
    const client = make();
    const first = await getBalance(client);
    expect(gets()[0]!.headers['if-none-match']).toBeUndefined();
    later(5_100);
    const second = await getBalance(client);
    expect(gets()).toHaveLength(2);
    expect(gets()[1]!.headers['if-none-match']).toMatch(/^"/);
    expect(gets()[1]!.status).toBe(304);
    expect(second).toBe(first); // the stored value itself, not parsed again
    // Renewed: fresh for another TTL from the 304.
    later(4_000);
    await getBalance(client);
    expect(gets()).toHaveLength(2);
    later(1_200);
    await getBalance(client);
    expect(gets()).toHaveLength(3);
    expect(gets()[2]!.status).toBe(304);
  });

  it('a refresh that fails is the error, whatever ETag the entry has: only a 304 answers with the stored value', async () => {
    const client = make();
    await getBalance(client);
    api.fault({ path: '/v1/account/balance', status: 500, times: 1 });
    later(5_100);
    await expect(getBalance(client)).rejects.toMatchObject({ name: 'ApiError', status: 500 });
    expect(gets()[1]!.headers['if-none-match']).toMatch(/^"/);
  });

  it('a max-age of two digits is kept in full: max-age=60 keeps a product list 60 s', async () => {
    const list = make({ cache: { ttl: 120_000 } }); // the server says 60 s
    await listProducts(list, { limit: 2 });
    later(59_000);
    await listProducts(list, { limit: 2 });
    expect(gets()).toHaveLength(1);
    later(1_100);
    await listProducts(list, { limit: 2 });
    expect(gets()).toHaveLength(2);
  });

  it('takes a changed answer (another ETag) and revalidates with the new tag from then on', async () => {
    const client = make();
    await getBalance(client);
    const firstTag = (await fetch(`${api.url}/account/balance`, { headers: { Authorization: `Bearer pk_test_httpcache${keys}` } })).headers.get('ETag');
    api.reset();
    api.fault({ path: '/v1/account/balance', body: 'drift-extra', times: 1 });
    later(5_100);
    await getBalance(client);
    expect(gets()[0]!.headers['if-none-match']).toBe(firstTag);
    expect(gets()[0]!.status).toBe(200);
    later(5_100);
    await getBalance(client);
    const newTag = gets()[1]!.headers['if-none-match'];
    expect(newTag).toMatch(/^"/);
    expect(newTag).not.toBe(firstTag);
    expect(gets()[1]!.status).toBe(200); // the body is back to what it was: not the drifted one's tag
  });

  it('a max-age shorter than the call\'s TTL wins; a longer one does not extend it', async () => {
    const balance = make({ cache: { ttl: 60_000 } }); // the server says 5 s
    await getBalance(balance);
    later(3_000);
    await getBalance(balance);
    expect(gets()).toHaveLength(1);
    later(2_100);
    await getBalance(balance);
    expect(gets()).toHaveLength(2);

    api.reset();
    const list = make({ cache: { ttl: 1_000 } }); // the server says 60 s
    await listProducts(list, { limit: 2 });
    later(1_100);
    await listProducts(list, { limit: 2 });
    expect(gets()).toHaveLength(2);
  });

  it('without caching headers behaves as before: the endpoint TTL, no If-None-Match', async () => {
    api.setOptions({ cacheHeaders: false });
    const client = make({ cache: { ttl: 60_000 } });
    await getBalance(client);
    later(30_000);
    await getBalance(client);
    expect(gets()).toHaveLength(1);
    later(31_000);
    await getBalance(client);
    expect(gets()).toHaveLength(2);
    expect(gets().map((sent) => sent.headers['if-none-match'])).toEqual([undefined, undefined]);
  });

  it('no-store keeps nothing (the next call asks again); no-cache keeps the entry but never serves it unasked', async () => {
    const noStore = make({ fetch: withCacheControl('no-store') });
    await getBalance(noStore);
    await getBalance(noStore);
    expect(gets()).toHaveLength(2);
    expect(gets()[1]!.headers['if-none-match']).toBeUndefined();

    api.reset();
    const noCache = make({ fetch: withCacheControl('private, no-cache') });
    const value = await getBalance(noCache);
    expect(await getBalance(noCache)).toBe(value);
    expect(gets()).toHaveLength(2);
    expect(gets()[1]!.headers['if-none-match']).toMatch(/^"/);
    expect(gets()[1]!.status).toBe(304);
  });

  it('keeps no ETag that carries a secret-looking string (it would be refused as If-None-Match on every refresh)', async () => {
    const secretTag = `"${['sk', 'live', 'x'.repeat(24)].join('_')}"`;
    const client = make({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const headers = new Headers(response.headers);
        headers.set('ETag', secretTag);
        return new Response(response.status === 304 ? null : await response.text(), { status: response.status, headers });
      },
    });
    await getBalance(client);
    later(5_100);
    await getBalance(client);
    expect(gets().map((sent) => [sent.status, sent.headers['if-none-match']])).toEqual([[200, undefined], [200, undefined]]);
  });

  it('a 304 nobody asked for is an InvalidResponseError, not an empty answer', async () => {
    const client = make({ fetch: async () => new Response(null, { status: 304 }) });
    await expect(getBalance(client)).rejects.toBeInstanceOf(InvalidResponseError);
    await expect(getBalance(client)).rejects.toMatchObject({ code: 'invalid_response', status: 304 });
  });

  it('revalidates an entry a Share stored with an ETag (another tab, a page load before)', async () => {
    const tag = '"from-elsewhere"';
    let url = '';
    const share: Share = (cache) => {
      cache.put(`GET ${url}`, { value: { object: 'balance' }, at: 0, etag: tag });
      return cache;
    };
    url = `${api.url}/stablecoin/balance/stateset1${'q'.repeat(38)}`;
    const client = make({ share });
    const balance = await getStablecoinBalance(client, `stateset1${'q'.repeat(38)}`);
    expect(gets()[0]!.headers['if-none-match']).toBe(tag);
    expect(gets()[0]!.status).toBe(200); // not that tag: the real answer, validated
    expect(balance).toMatchObject({ address: `stateset1${'q'.repeat(38)}` });
  });

  it('a Share of the cache alone (no pace) works with pacing on: the realm\'s pacer paces', async () => {
    let shared = 0;
    const share: Share = (cache) => (shared++, cache);
    const client = make({ share, rateLimit: { perSecond: 1, burst: 1 } });
    expect(shared).toBe(1);
    expect(await getBalance(client)).toMatchObject({ object: 'balance' });
    expect(gets()).toHaveLength(1);
  });

  it('a fresh call revalidates too, and a 304 for one product does not touch another\'s entry', async () => {
    const client = make();
    const [a, b] = [products[0]!.id, products[1]!.id];
    const first = await getProduct(client, a);
    await getProduct(client, b);
    expect(await getProduct(client, a, { fresh: true })).toBe(first);
    expect(gets().map((sent) => sent.status)).toEqual([200, 200, 304]);
    expect(gets()[2]!.path).toBe(`/v1/products/${a}`);
  });
});
