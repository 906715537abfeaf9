// @vitest-environment node
/**
 * `@stateset/browser/query` with `@tanstack/query-core`'s QueryClient, against the stand-in: every count below is
 * requests the stand-in received.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfiniteQueryObserver, isCancelledError, QueryClient, QueryObserver } from '@tanstack/query-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createClient, TimeoutError, ValidationError, type Client } from '../src/index.js';
import {
  balanceQueryOptions, isRetryable, productQueryOptions, productsInfiniteQueryOptions, productsQueryOptions,
  stablecoinBalanceQueryOptions,
} from '../src/query/index.js';
import {
  AbortError, EndpointNotAllowedError, InvalidResponseError, NetworkError, RateLimitError, SecretKeyError,
} from '../src/errors.js';
import { PRODUCT_COUNT, products, startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

let queries: QueryClient;
beforeEach(() => { queries = new QueryClient(); });
afterEach(() => queries.clear());

const client = (options: { retry?: number; accountId?: string; publishableKey?: string } = {}): Client =>
  createClient({ publishableKey: 'pk_test_query1', apiBase: api.url, rateLimit: false, ...options });
const sent = (path: string): number => api.requests.filter((request) => request.method === 'GET' && request.path === `/v1${path}`).length;
const address = `stateset1${'q'.repeat(38)}`;

describe('query keys', () => {
  it('start with stateset, a fingerprint (not the key), account, livemode, endpoint and normalised params', () => {
    const shop = client({ accountId: 'acct_1' });
    const [root, fingerprint, account, livemode, endpoint, params] = productsQueryOptions(shop, { status: 'active', limit: 5, created: { gte: 1700000000 } }).queryKey;
    expect([root, account, livemode, endpoint]).toEqual(['stateset', 'acct_1', false, 'GET /products']);
    expect(fingerprint).toMatch(/^[0-9a-z]+$/);
    expect(JSON.stringify(balanceQueryOptions(shop).queryKey)).not.toContain('pk_test_query1');
    // Undefined dropped, keys sorted: the same parameters in another order or spelled with undefined give one key.
    expect(Object.keys(params)).toEqual(['created', 'limit', 'status']);
    expect(productsQueryOptions(shop, { limit: 5, status: 'active', created: { gte: 1700000000 }, expand: undefined }).queryKey).toEqual(
      productsQueryOptions(shop, { status: 'active', limit: 5, created: { gte: 1700000000 } }).queryKey);
  });

  it('differ between keys and accounts, and are the same for two clients of one key and account', () => {
    const fingerprintOf = (shop: Client): string => balanceQueryOptions(shop).queryKey[1];
    expect(fingerprintOf(client())).toBe(fingerprintOf(client()));
    expect(fingerprintOf(client({ publishableKey: 'pk_test_query2' }))).not.toBe(fingerprintOf(client()));
    expect(fingerprintOf(client({ accountId: 'acct_2' }))).not.toBe(fingerprintOf(client()));
    expect(balanceQueryOptions(createClient({ publishableKey: 'pk_live_query1', apiBase: api.url })).queryKey[3]).toBe(true);
  });

  it('checks parameters when the options are made: a ValidationError, nothing sent, no secret in a key', () => {
    const shop = client();
    expect(() => productQueryOptions(shop, 'not-a-product')).toThrow(ValidationError);
    expect(() => productsQueryOptions(shop, { limit: 0 })).toThrow(ValidationError);
    expect(() => productsQueryOptions(shop, { status: 'Active!' })).toThrow(ValidationError);
    expect(() => productsInfiniteQueryOptions(shop, { limit: 101 })).toThrow(ValidationError);
    expect(() => stablecoinBalanceQueryOptions(shop, 'stateset1short')).toThrow(ValidationError);
    expect(() => stablecoinBalanceQueryOptions(shop, address, { include_pending: 'yes' as never })).toThrow(ValidationError);
    expect(() => productQueryOptions(shop, 'sk_live_abcdefghijklmnop')).toThrow(SecretKeyError);
    expect(api.requests).toHaveLength(0);
  });

  it('staleTime is the endpoint TTL, or the client cache.ttl', () => {
    expect(balanceQueryOptions(client()).staleTime).toBe(5_000);
    expect(productsQueryOptions(client()).staleTime).toBe(60_000);
    expect(stablecoinBalanceQueryOptions(client(), address).staleTime).toBe(15_000);
    expect(productQueryOptions(createClient({ publishableKey: 'pk_test_query1', apiBase: api.url, cache: { ttl: 1234 } }), 'prod_1').staleTime).toBe(1234);
  });
});

describe('with a QueryClient', () => {
  it('fetches typed data once, then answers from TanStack while fresh', async () => {
    const shop = client();
    const options = balanceQueryOptions(shop);
    const balance = await queries.fetchQuery(options);
    expect(balance.object).toBe('balance');
    expect(queries.getQueryData(options.queryKey)).toEqual(balance);
    await queries.fetchQuery(options);
    expect(sent('/account/balance')).toBe(1);
  });

  it('invalidateQueries sends exactly one new request a query, past our own cache', async () => {
    const shop = client();
    // Observers, as mounted components: invalidation refetches them.
    const balance = new QueryObserver(queries, balanceQueryOptions(shop));
    const list = new QueryObserver(queries, productsQueryOptions(shop, { limit: 3 }));
    const stop = [balance.subscribe(() => undefined), list.subscribe(() => undefined)];
    await until(() => balance.getCurrentResult().isSuccess && list.getCurrentResult().isSuccess);
    expect([sent('/account/balance'), sent('/products')]).toEqual([1, 1]);
    // Our cache holds both answers (fresh for 5 s and 60 s): without `fresh: true` the refetch would send nothing.
    await queries.invalidateQueries({ queryKey: ['stateset'] });
    expect([sent('/account/balance'), sent('/products')]).toEqual([2, 2]);
    expect(balance.getCurrentResult().dataUpdatedAt).toBeGreaterThan(0);
    for (const unsubscribe of stop) unsubscribe();
  });

  it('passes TanStack\'s signal: a cancelled query aborts its request', async () => {
    api.fault({ path: '/v1/account/balance', stall: true });
    const options = balanceQueryOptions(client());
    const pending = queries.fetchQuery(options).catch((error: unknown) => error);
    await until(() => sent('/account/balance') === 1);
    await queries.cancelQueries({ queryKey: options.queryKey });
    expect(isCancelledError(await pending)).toBe(true);
    await until(() => api.requests[0]?.gaveUp === true);
  });

  it('one failing 503 costs retry + 1 requests (3 by default), not TanStack retries times ours', async () => {
    api.fault({ path: '/v1/account/balance', status: 503 });
    const options = balanceQueryOptions(client());
    await expect(queries.fetchQuery({ ...options, retryDelay: 0 })).rejects.toBeInstanceOf(ApiError);
    expect(sent('/account/balance')).toBe(3);
    api.reset();
    api.fault({ path: '/v1/account/balance', status: 503 });
    await expect(queries.fetchQuery({ ...balanceQueryOptions(client({ retry: 1 })), retryDelay: 0 })).rejects.toMatchObject({ status: 503 });
    expect(sent('/account/balance')).toBe(2);
  });

  it('a 404 costs one request and reaches the caller as a typed ApiError', async () => {
    const error = await queries.fetchQuery(productQueryOptions(client(), 'prod_missing')).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404 });
    expect(sent('/products/prod_missing')).toBe(1);
  });

  it('a timeout is tried once more by TanStack (the client does not retry timeouts)', async () => {
    api.fault({ path: '/v1/account/balance', stall: true, times: 1 });
    const shop = createClient({ publishableKey: 'pk_test_query1', apiBase: api.url, rateLimit: false, timeout: 200 });
    const balance = await queries.fetchQuery({ ...balanceQueryOptions(shop), retryDelay: 0 });
    expect(balance.object).toBe('balance');
    expect(sent('/account/balance')).toBe(2);
  });

  it('product and stablecoin options fetch their endpoint with their params', async () => {
    const shop = client();
    const product = products[0]!;
    expect((await queries.fetchQuery(productQueryOptions(shop, product.id))).name).toBe(product.name);
    const coins = await queries.fetchQuery(stablecoinBalanceQueryOptions(shop, address, { include_pending: true }));
    expect(coins.address).toBe(address);
    expect(api.requests.at(-1)?.query).toEqual({ include_pending: ['true'] });
  });

  it('an infinite query walks every product, one request a page, next and previous cursors from the page ids', async () => {
    const options = productsInfiniteQueryOptions(client(), { limit: 7 });
    const observer = new InfiniteQueryObserver(queries, options);
    const stop = observer.subscribe(() => undefined);
    await until(() => observer.getCurrentResult().isSuccess);
    while (observer.getCurrentResult().hasNextPage) await observer.fetchNextPage();
    stop();
    const data = observer.getCurrentResult().data!;
    const ids = data.pages.flatMap((page) => page.data.map((item) => item.id));
    expect(ids).toEqual(products.map((item) => item.id));
    expect(ids).toHaveLength(PRODUCT_COUNT);
    expect(sent('/products')).toBe(Math.ceil(PRODUCT_COUNT / 7));
    expect(api.requests.filter((request) => request.method === 'GET').map((request) => request.query.starting_after?.[0])).toEqual(
      [undefined, ...ids.filter((_, index) => index % 7 === 6 && index < ids.length - 1)]);
    expect(options.getPreviousPageParam(data.pages[0]!, data.pages, null)).toBeUndefined();
    // From the middle: the previous page ends before the first item shown.
    const middle = productsInfiniteQueryOptions(client(), { limit: 7, starting_after: products[10]!.id });
    const first = await queries.fetchInfiniteQuery(middle);
    expect(first.pages[0]!.data[0]!.id).toBe(products[11]!.id);
    expect(middle.getPreviousPageParam(first.pages[0]!, first.pages, middle.initialPageParam)).toEqual({ ending_before: products[11]!.id });
    expect(middle.getPreviousPageParam({ ...first.pages[0]!, has_more: false }, first.pages, { ending_before: 'prod_x' })).toBeUndefined();
  });
});

describe('no framework in src', () => {
  it('imports neither React nor TanStack at run time anywhere in src/ (TanStack types only, in the query entry)', () => {
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(files).toContain(join('query', 'index.ts'));
    for (const file of files) {
      const text = readFileSync(join('src', file), 'utf8');
      expect(text, file).not.toMatch(/from\s+['"](react|react-dom|preact|vue|svelte)(\/[^'"]*)?['"]|import\(\s*['"]react/);
      for (const line of text.split('\n').filter((code) => /from\s+['"]@tanstack\//.test(code))) expect(line, file).toMatch(/^import type /);
    }
  });
});

describe('isRetryable', () => {
  it('says yes only to what the client has not already retried and may yet succeed', () => {
    const what = 'GET /account/balance';
    const details = { status: 503, code: 'api_error', message: 'down', type: undefined, param: undefined, docUrl: undefined, requestId: undefined };
    expect(isRetryable(new TimeoutError(what, 100))).toBe(true);
    for (const error of [
      new ApiError(what, details), new ApiError(what, { ...details, status: 404 }), new RateLimitError(what, { ...details, status: 429 }, 0),
      new NetworkError(what, 'https://api.stateset.com'), new ValidationError('limit', 'bad'), new SecretKeyError('sk_live_…', 'x'),
      new AbortError(what), new EndpointNotAllowedError('POST', '/x'), new InvalidResponseError(what, 200, 'bad'), new Error('other'), 'text',
    ]) expect([error, isRetryable(error)]).toEqual([error, false]);
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let tries = 0; !check(); tries++) {
    if (tries > 200) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
