// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOSTILE_MARKUP, PRODUCT_COUNT, products, startStandIn, type StandIn } from '../src/testing/server.js';

const KEY = 'pk_test_abc123';
const ORIGIN = 'http://localhost:5173';
const ADDRESS = `stateset1${'q'.repeat(38)}`;

let api: StandIn;

beforeEach(async () => {
  api = await startStandIn();
});
afterEach(async () => {
  await api.close();
});

function get(path: string, init: { key?: string | null; headers?: Record<string, string>; method?: string } = {}) {
  const headers: Record<string, string> = { Origin: ORIGIN, ...init.headers };
  if (init.key !== null) headers.Authorization = `Bearer ${init.key ?? KEY}`;
  return fetch(`${api.url}${path}`, { method: init.method ?? 'GET', headers });
}

async function json(path: string, init?: Parameters<typeof get>[1]): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await get(path, init);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe('account balance', () => {
  it('serves the balance shape with mixed amount forms', async () => {
    const { status, headers, body } = await json('/account/balance');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toMatchObject({ object: 'balance', livemode: false });
    expect(typeof body.available[0].amount).toBe('number');
    expect(body.available[0].currency).toBe('ssusd');
    expect(body.available[1]).toEqual({ amount: '20.00', currency: 'usdc' });
    expect(body.pending[0]).toMatchObject({ currency: 'ssusd' });
  });

  it('depends deterministically on the key and the account', async () => {
    const amount = async (key: string, account?: string) =>
      (await json('/account/balance', { key, headers: account ? { 'X-Account-Id': account } : {} })).body.available[0].amount;
    expect(await amount(KEY)).toBe(await amount(KEY));
    expect(await amount(KEY)).not.toBe(await amount('pk_test_other'));
    expect(await amount(KEY, 'acct_1')).not.toBe(await amount(KEY, 'acct_2'));
    expect(await amount(KEY, 'acct_1')).not.toBe(await amount(KEY));
    expect((await json('/account/balance', { key: 'pk_live_abc' })).body.livemode).toBe(true);
  });
});

describe('products', () => {
  it('has the fixture the tests rely on', () => {
    expect(PRODUCT_COUNT).toBe(45);
    expect(products.filter((p) => p.name.includes(HOSTILE_MARKUP))).toHaveLength(1);
    for (const p of products) expect(p.id).toMatch(/^prod_[A-Za-z0-9]+$/);
    expect(new Set(products.map((p) => p.id)).size).toBe(45);
    const years = products.map((p) => new Date(p.created * 1000).getUTCFullYear());
    expect(Math.min(...years)).toBe(2023);
    expect(Math.max(...years)).toBe(2025);
  });

  it('lists 10 newest first by default', async () => {
    const { status, body } = await json('/products');
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'list', has_more: true, url: '/v1/products' });
    expect(body.data).toHaveLength(10);
    expect(body.data[0]).toMatchObject({ object: 'product', price: { currency: 'ssusd' } });
    const created = body.data.map((p: { created: number }) => p.created);
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('paginates across all products with starting_after', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const { body } = await json(`/products?limit=7${cursor ? `&starting_after=${cursor}` : ''}`);
      ids.push(...body.data.map((p: { id: string }) => p.id));
      if (!body.has_more) break;
      cursor = ids.at(-1);
    }
    expect(ids).toEqual(products.map((p) => p.id));
  });

  it('pages backwards with ending_before', async () => {
    const { body } = await json(`/products?limit=3&ending_before=${products[10]!.id}`);
    expect(body.data.map((p: { id: string }) => p.id)).toEqual(products.slice(7, 10).map((p) => p.id));
    expect(body.has_more).toBe(true);
  });

  it('rejects bad limits and unknown cursors', async () => {
    for (const limit of ['0', '101', 'abc', '2.5']) {
      const { status, body } = await json(`/products?limit=${limit}`);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'limit' });
    }
    const { status, body } = await json('/products?starting_after=prod_nope');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'parameter_invalid', param: 'starting_after' });
  });

  it('filters by created (dates and unix seconds) and status', async () => {
    const from = Date.UTC(2024, 0, 1) / 1000;
    const to = Date.UTC(2025, 0, 1) / 1000;
    const { body } = await json(`/products?limit=100&created[gte]=2024-01-01&created[lt]=${to}`);
    const expected = products.filter((p) => p.created >= from && p.created < to);
    expect(expected.length).toBeGreaterThan(5);
    expect(body.data.map((p: { id: string }) => p.id)).toEqual(expected.map((p) => p.id));

    const archived = await json('/products?limit=100&status=archived');
    expect(archived.body.data.length).toBe(products.filter((p) => p.status === 'archived').length);
    expect(archived.body.data.every((p: { status: string }) => p.status === 'archived')).toBe(true);

    expect((await json('/products?created[gt]=yesterday')).body.error.param).toBe('created[gt]');
  });

  it('accepts and records expand[] raw and percent-encoded', async () => {
    expect((await get('/products?expand[]=variants&expand[]=images')).status).toBe(200);
    expect((await get('/products?expand%5B%5D=variants&expand%5B%5D=images')).status).toBe(200);
    const [raw, encoded] = api.requests;
    expect(raw!.url).toBe('/v1/products?expand[]=variants&expand[]=images');
    expect(encoded!.url).toBe('/v1/products?expand%5B%5D=variants&expand%5B%5D=images');
    expect(raw!.query['expand[]']).toEqual(['variants', 'images']);
    expect(encoded!.query['expand[]']).toEqual(['variants', 'images']);
  });

  it('serves one product or a 404', async () => {
    const product = products[3]!;
    expect((await json(`/products/${product.id}`)).body).toEqual(product);
    const { status, body } = await json('/products/prod_missing');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' });
  });
});

describe('stablecoin balance', () => {
  it('serves decimal strings for a valid address', async () => {
    const { status, body } = await json(`/stablecoin/balance/${ADDRESS}`);
    expect(status).toBe(200);
    expect(body.address).toBe(ADDRESS);
    for (const field of ['available', 'pending', 'locked', 'total']) expect(body.balances[field]).toMatch(/^\d+\.\d{6}$/);
    const withPending = await json(`/stablecoin/balance/${ADDRESS}?include_pending=true`);
    expect(Number(withPending.body.balances.total)).toBeCloseTo(Number(body.balances.total) + Number(body.balances.pending), 6);
  });

  it('rejects a malformed address', async () => {
    for (const address of ['stateset1short', `cosmos1${'q'.repeat(38)}`, `stateset1${'Q'.repeat(38)}`]) {
      const { status, body } = await json(`/stablecoin/balance/${address}`);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'parameter_invalid', param: 'address' });
    }
  });
});

describe('errors and auth', () => {
  it('answers 401 for a missing, malformed or revoked key', async () => {
    const missing = await json('/account/balance', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_missing' });
    for (const key of ['pk_test_revoked', 'pk_prod_abc', 'pk_test_', 'xx_test_abc']) {
      const { status, body } = await json('/account/balance', { key });
      expect(status).toBe(401);
      expect(body.error.code).toBe('invalid_api_key');
    }
  });

  it('fills every error field and matches X-Request-Id', async () => {
    const { headers, body } = await json('/account/balance', { key: null });
    expect(body.error).toEqual({
      type: 'authentication_error',
      code: 'api_key_missing',
      message: expect.any(String),
      param: null,
      doc_url: 'https://docs.stateset.com/errors/api_key_missing',
      request_id: expect.stringMatching(/^req_\d+$/),
    });
    expect(headers.get('x-request-id')).toBe(body.error.request_id);
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const unknown = await json('/customers');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    const post = await json('/products', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.body.error.code).toBe('method_not_allowed');
    expect(post.headers.get('allow')).toBe('GET, OPTIONS');
  });

  it('puts the error at the top level on request', async () => {
    api.setOptions({ errorEnvelope: 'top-level' });
    const { body } = await json('/products/prod_missing');
    expect(body).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' });
    expect(body.error).toBeUndefined();
  });
});

describe('CORS', () => {
  it('answers preflights without auth and records them', async () => {
    const res = await fetch(`${api.url}/account/balance`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, X-Account-Id');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(api.requests[0]).toMatchObject({ method: 'OPTIONS', path: '/v1/account/balance', status: 204 });
  });

  it('exposes the rate-limit and request-id headers by default', async () => {
    const res = await get('/account/balance');
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toBe(
      'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id',
    );
    const noOrigin = await fetch(`${api.url}/account/balance`, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('can leave headers unexposed, drop CORS, or allow listed origins only', async () => {
    api.setOptions({ exposeHeaders: false });
    const unexposed = await get('/account/balance');
    expect(unexposed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(unexposed.headers.has('access-control-expose-headers')).toBe(false);

    api.setOptions({ cors: false });
    const preflight = await fetch(`${api.url}/products`, { method: 'OPTIONS', headers: { Origin: ORIGIN } });
    const plain = await get('/products');
    for (const res of [preflight, plain]) {
      expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    expect(preflight.status).toBe(204);

    api.setOptions({ cors: true, allowedOrigins: ['https://shop.example'] });
    expect((await get('/products')).headers.has('access-control-allow-origin')).toBe(false);
    const listed = await get('/products', { headers: { Origin: 'https://shop.example' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });
});

describe('rate limits', () => {
  it('allows the burst, then answers 429 with Retry-After until a token is back', async () => {
    let now = Date.UTC(2025, 5, 1, 12);
    api.setOptions({ plan: 'free', now: () => now });
    for (let i = 0; i < 20; i++) {
      const res = await get('/account/balance');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('10');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(19 - i));
    }
    const limited = await json('/account/balance');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(now / 1000);

    expect((await get('/account/balance', { key: 'pk_test_someoneelse' })).status).toBe(200);
    now += 100; // one token at 10/s
    expect((await get('/account/balance')).status).toBe(200);
    expect((await get('/account/balance')).status).toBe(429);
    now += 2_000; // full again
    expect((await get('/account/balance')).headers.get('x-ratelimit-remaining')).toBe('19');
  });

  it('enforces the daily limit until the next UTC day', async () => {
    let now = Date.UTC(2025, 5, 1, 23, 59, 0);
    api.setOptions({ plan: { perSecond: 100, burst: 100, daily: 2 }, now: () => now });
    expect((await get('/products')).status).toBe(200);
    expect((await get('/products')).status).toBe(200);
    const limited = await get('/products');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    now += 60_000;
    expect((await get('/products')).status).toBe(200);
  });

  it('does not count preflights or unauthenticated requests, and reset refills', async () => {
    const now = Date.UTC(2025, 5, 1);
    api.setOptions({ plan: { perSecond: 1, burst: 1 }, now: () => now });
    await fetch(`${api.url}/products`, { method: 'OPTIONS', headers: { Origin: ORIGIN } });
    await get('/products', { key: null });
    expect((await get('/products')).status).toBe(200);
    expect((await get('/products')).status).toBe(429);
    api.reset();
    expect(api.requests).toEqual([]);
    expect((await get('/products')).status).toBe(200);
  });
});

describe('faults', () => {
  it('delays the answer', async () => {
    api.fault({ delay: 150 });
    const started = performance.now();
    expect((await get('/account/balance')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers a 5xx api_error, a 429 with Retry-After, or a custom Retry-After', async () => {
    api.fault({ status: 503, times: 1 });
    const failed = await json('/account/balance');
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({ type: 'api_error', code: 'api_error' });
    expect(failed.headers.get('x-request-id')).toBe(failed.body.error.request_id);

    api.fault({ status: 429, times: 1 });
    const limited = await json('/account/balance');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
    expect(limited.headers.get('retry-after')).toBe('1');

    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    api.fault({ status: 503, retryAfter: date, times: 1 });
    expect((await get('/account/balance')).headers.get('retry-after')).toBe(date);
  });

  it('serves an HTML page, malformed JSON or an empty body', async () => {
    api.fault({ body: 'html', times: 1 });
    const html = await get('/account/balance');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toMatch(/^<!doctype html>/);

    api.fault({ body: 'html', status: 502, times: 1 });
    expect((await get('/account/balance')).status).toBe(502);

    api.fault({ body: 'malformed-json', times: 1 });
    const malformed = await get('/account/balance');
    expect(malformed.headers.get('content-type')).toBe('application/json; charset=utf-8');
    await expect(malformed.json()).rejects.toThrow(SyntaxError);

    api.fault({ body: 'empty', times: 1 });
    const empty = await get('/account/balance');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('adds unknown fields with drift-extra', async () => {
    api.fault({ body: 'drift-extra' });
    const { status, body } = await json('/products?limit=2');
    expect(status).toBe(200);
    expect(body.x_added_later).toBeDefined();
    expect(body.data[0].x_added_later).toBeDefined();
    expect(body.data[0].id).toBe(products[0]!.id);
    expect(products[0]).not.toHaveProperty('x_added_later');
  });

  it('removes one required field with drift-missing', async () => {
    api.fault({ body: 'drift-missing' });
    expect((await json('/account/balance')).body).not.toHaveProperty('available');
    expect((await json(`/products/${products[0]!.id}`)).body).not.toHaveProperty('name');
    const list = (await json('/products')).body;
    expect(list).not.toHaveProperty('has_more');
    expect(list.data).toHaveLength(10);
    const coin = (await json(`/stablecoin/balance/${ADDRESS}`)).body;
    expect(coin).toEqual({ address: ADDRESS });
    expect(products[0]).toHaveProperty('name');
  });

  it('destroys the socket', async () => {
    api.fault({ destroy: true, times: 1 });
    await expect(get('/account/balance')).rejects.toThrow(TypeError);
    expect(api.requests[0]!.status).toBe(0);
    expect((await get('/account/balance')).status).toBe(200);
  });

  it('matches by path, wears off after times, and clears', async () => {
    api.fault({ path: '/v1/products', status: 500, times: 2 });
    api.fault({ path: /^\/v1\/stablecoin\//, status: 502 });
    expect((await get('/account/balance')).status).toBe(200);
    expect((await get('/products')).status).toBe(500);
    expect((await get('/products')).status).toBe(500);
    expect((await get('/products')).status).toBe(200);
    expect((await get(`/stablecoin/balance/${ADDRESS}`)).status).toBe(502);
    expect((await get(`/stablecoin/balance/${ADDRESS}`)).status).toBe(502);
    api.clearFaults();
    expect((await get(`/stablecoin/balance/${ADDRESS}`)).status).toBe(200);

    api.fault({ status: 500 });
    api.reset();
    expect((await get('/products')).status).toBe(200);
  });

  it('leaves preflights alone', async () => {
    api.fault({ status: 500, times: 1 });
    expect((await fetch(`${api.url}/products`, { method: 'OPTIONS', headers: { Origin: ORIGIN } })).status).toBe(204);
    expect((await get('/products')).status).toBe(500);
  });
});

describe('recording', () => {
  it('records every request with decoded query, lower-cased headers and status', async () => {
    await fetch(`${api.url}/products`, { method: 'OPTIONS', headers: { Origin: ORIGIN } });
    await get('/products?limit=2&created%5Bgte%5D=2024-01-01', { headers: { 'X-Account-Id': 'acct_42' } });
    await get('/account/balance', { key: 'pk_test_revoked' });
    expect(api.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['OPTIONS', '/v1/products', 204],
      ['GET', '/v1/products', 200],
      ['GET', '/v1/account/balance', 401],
    ]);
    const [, list] = api.requests;
    expect(list!.query).toEqual({ limit: ['2'], 'created[gte]': ['2024-01-01'] });
    expect(list!.headers['x-account-id']).toBe('acct_42');
    expect(list!.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});
