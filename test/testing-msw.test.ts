// @vitest-environment node
/** `@stateset/browser/testing/msw`: the stand-in as MSW handlers under `msw/node`, driven through our own client. */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError, createClient, getBalance, getProduct, getStablecoinBalance, InvalidResponseError, listProducts, NetworkError,
  paginate, SecretKeyError, TimeoutError, type Client,
} from '../src/index.js';
import { accountBalance, PRODUCT_COUNT, products } from '../src/testing/index.js';
import { createHandlers, handlers, standIn } from '../src/testing/msw/index.js';

const KEY = 'pk_test_msw1';
const custom = createHandlers({ apiBase: 'https://shop.example/api/stateset/', plan: 'free' });
const server = setupServer(...handlers, ...custom.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => { standIn.reset(); custom.reset(); });
afterAll(() => server.close());

const client = (options: Parameters<typeof createClient>[0] = { publishableKey: KEY }): Client => createClient({ cache: false, ...options });
const balanceCalls = () => standIn.requests.filter((r) => r.path === '/v1/account/balance');

describe('handlers (https://api.stateset.com/v1)', () => {
  it('serve the stand-in\'s data to the client with its default apiBase', async () => {
    expect(await getBalance(client())).toEqual(accountBalance(KEY, undefined));
    expect(await getProduct(client(), products[3]!.id)).toEqual(products[3]);
    expect(balanceCalls()).toHaveLength(1);
    expect(balanceCalls()[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('paginate walks every product', async () => {
    const seen: string[] = [];
    for await (const product of paginate(listProducts, client(), { limit: 7 })) seen.push(product.id);
    expect(seen).toEqual(products.map((p) => p.id));
    expect(seen).toHaveLength(PRODUCT_COUNT);
    expect(standIn.requests.map((r) => r.query.limit)).toEqual(Array(Math.ceil(PRODUCT_COUNT / 7)).fill(['7']));
  });

  it('answer with the API\'s error envelope (404, 400)', async () => {
    await expect(getProduct(client(), 'prod_missing')).rejects.toMatchObject({ name: 'ApiError', status: 404, code: 'resource_missing' });
    const revoked = await getBalance(client({ publishableKey: 'pk_test_revoked', retry: 0 })).catch((error: unknown) => error);
    expect(revoked).toBeInstanceOf(ApiError);
    expect(revoked).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('a secret key never reaches them', async () => {
    expect(() => getBalance(client({ publishableKey: 'sk_test_abc123' }))).toThrow(SecretKeyError);
    expect(standIn.requests).toHaveLength(0);
  });

  it('fault specs: two 503s, then the client\'s retry succeeds', async () => {
    standIn.fault('GET /account/balance 503 x2');
    expect((await getBalance(client({ publishableKey: KEY, retry: 2 }))).object).toBe('balance');
    expect(balanceCalls().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('faults: malformed JSON, drift, HTML, a closed socket', async () => {
    const noRetry = client({ publishableKey: KEY, retry: 0 });
    standIn.fault('/account/balance 200 malformed-json x1');
    await expect(getBalance(noRetry)).rejects.toBeInstanceOf(InvalidResponseError);
    standIn.fault('/account/balance drift-missing x1');
    await expect(getBalance(noRetry)).rejects.toBeInstanceOf(InvalidResponseError);
    standIn.fault('/account/balance drift-extra x1');
    expect((await getBalance(noRetry)).object).toBe('balance');
    standIn.fault('/account/balance 502 html x1');
    await expect(getBalance(noRetry)).rejects.toMatchObject({ name: 'InvalidResponseError', status: 502 });
    standIn.fault('/account/balance close x1');
    await expect(getBalance(noRetry)).rejects.toBeInstanceOf(NetworkError);
    expect(balanceCalls().map((r) => r.status)).toEqual([200, 200, 200, 502, 0]);
  });

  it('a stall: TimeoutError after the client\'s timeout', async () => {
    standIn.fault('/account/balance stall x1');
    await expect(getBalance(client({ publishableKey: KEY, retry: 0, timeout: 100 }))).rejects.toBeInstanceOf(TimeoutError);
    expect(balanceCalls()[0]?.status).toBe(200);
  });
});

describe('createHandlers({ apiBase, plan })', () => {
  const shop = (options: Parameters<typeof createClient>[0] = { publishableKey: KEY }) =>
    client({ apiBase: 'https://shop.example/api/stateset', ...options });

  it('answer below a custom apiBase with the API\'s /v1 paths, apart from the shared handlers', async () => {
    const address = `stateset1${'q'.repeat(38)}`;
    expect((await getStablecoinBalance(shop(), address)).address).toBe(address);
    expect(custom.requests.map((r) => r.path)).toEqual([`/v1/stablecoin/balance/${address}`]);
    expect(standIn.requests).toHaveLength(0);
  });

  it('enforce the plan: a burst past 20 meets 429s with the rate-limit headers', async () => {
    const c = shop({ publishableKey: KEY, retry: 0, rateLimit: false });
    // 25 different products: identical calls would share one request.
    const results = await Promise.allSettled(products.slice(0, 25).map((product) => getProduct(c, product.id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const limited = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as ApiError);
    expect(limited).toHaveLength(5);
    for (const error of limited) expect(error).toMatchObject({ name: 'RateLimitError', status: 429, retryAfter: 1000 });
    expect(custom.requests.filter((r) => r.status === 429)).toHaveLength(5);
  });
});
