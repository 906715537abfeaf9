/** The response cache: in-flight de-duplication, TTL, LRU, key isolation, errors never cached, fresh, stale-while-revalidate. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError, clearCache, createClient, getBalance, getProduct, listProducts, staleWhileRevalidate, type Client, type ClientOptions,
} from '../src/index.js';
import { accountBalance } from '../src/testing/data.js';
import { products, startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());
afterEach(() => { vi.useRealTimers(); });

const make = (options: Partial<ClientOptions> = {}): Client =>
  createClient({ publishableKey: 'pk_test_cache1', apiBase: api.url, retry: 0, ...options });
const gets = (path?: string) => api.requests.filter((sent) => sent.method === 'GET' && (path === undefined || sent.path === path));
const balancePath = '/v1/account/balance';
/** Moves `Date` only (timers stay real, so requests still complete). */
const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

describe('in-flight de-duplication', () => {
  it('100 concurrent identical calls send exactly 1 request and share its value', async () => {
    const client = make();
    const results = await Promise.all(Array.from({ length: 100 }, () => getBalance(client)));
    expect(gets()).toHaveLength(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toMatchObject({ object: 'balance' });
  });

  it('treats equal queries in any key order as one request, and different ones as two', async () => {
    const client = make();
    await Promise.all([
      listProducts(client, { limit: 5, status: 'active' }),
      listProducts(client, { status: 'active', limit: 5 }),
      listProducts(client, { limit: 6, status: 'active' }),
    ]);
    expect(gets()).toHaveLength(2);
  });

  it('a caller\'s abort rejects that caller only; the shared request goes on for the others', async () => {
    const client = make();
    api.fault({ path: balancePath, delay: 150 });
    const controller = new AbortController();
    const leaving = getBalance(client, { signal: controller.signal });
    const staying = [getBalance(client), getBalance(client, { signal: new AbortController().signal })];
    controller.abort();
    await expect(leaving).rejects.toBeInstanceOf(AbortError);
    for (const result of await Promise.all(staying)) expect(result).toMatchObject({ object: 'balance' });
    expect(gets()).toHaveLength(1);
    expect(gets()[0]!.status).toBe(200);
  });

  it('aborts the shared request when every caller has left', async () => {
    const signals: AbortSignal[] = [];
    const client = make({ fetch: (input, init) => (signals.push((input as Request).signal), fetch(input, init)) });
    api.fault({ path: balancePath, delay: 300 });
    const controllers = [new AbortController(), new AbortController()];
    const calls = controllers.map((controller) => getBalance(client, { signal: controller.signal }));
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    controllers[0]!.abort();
    expect(signals[0]!.aborted).toBe(false);
    controllers[1]!.abort();
    expect(signals[0]!.aborted).toBe(true);
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(AbortError);
    // A new caller starts a new request instead of joining the aborted one.
    expect(await getBalance(client)).toMatchObject({ object: 'balance' });
  });

  it('an already aborted signal rejects before anything starts', async () => {
    const client = make();
    await expect(getBalance(client, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(gets()).toHaveLength(0);
  });
});

describe('response cache', () => {
  it('serves a fresh answer without a request, and asks again after the endpoint\'s TTL (balance: 5 s)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = make();
    const first = await getBalance(client);
    later(4_999);
    expect(await getBalance(client)).toBe(first);
    expect(gets()).toHaveLength(1);
    later(1);
    const second = await getBalance(client);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(gets()).toHaveLength(2);
  });

  it('keeps each endpoint\'s own TTL (products: 60 s) unless cache.ttl overrides them all', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const byRow = make();
    await listProducts(byRow);
    later(59_999);
    await listProducts(byRow);
    expect(gets()).toHaveLength(1);
    later(1);
    await listProducts(byRow);
    expect(gets()).toHaveLength(2);

    // The same key: the same cache, read with this client's own TTL.
    const overridden = make({ cache: { ttl: 1000 } });
    await listProducts(overridden); // byRow's answer, 0 ms old
    expect(gets()).toHaveLength(2);
    later(1000);
    await listProducts(overridden);
    expect(gets()).toHaveLength(3);
    later(58_999);
    await listProducts(byRow); // the answer overridden stored 58.999 s ago: fresh for byRow
    expect(gets()).toHaveLength(3);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const client = make({ cache: { maxEntries: 2 } });
    const [a, b, c] = products.map((product) => product.id) as [string, string, string];
    await getProduct(client, a);
    await getProduct(client, b);
    await getProduct(client, a); // a is now the most recently used
    await getProduct(client, c); // evicts b
    expect(gets()).toHaveLength(3);
    await getProduct(client, a);
    await getProduct(client, c);
    expect(gets()).toHaveLength(3);
    await getProduct(client, b);
    expect(gets()).toHaveLength(4);
  });

  it('keeps memory flat: a long session of distinct calls holds at most maxEntries answers', async () => {
    const client = make({ cache: { maxEntries: 3 } });
    for (const product of products.slice(0, 10)) await getProduct(client, product.id);
    api.reset();
    for (const product of products.slice(0, 10)) await getProduct(client, product.id);
    expect(gets()).toHaveLength(10); // every early entry was evicted, so each asks again
  });

  it('never mixes keys or accounts: pk_test_ vs pk_live_ vs two accountIds', async () => {
    const cases = [
      { publishableKey: 'pk_test_shop1' },
      { publishableKey: 'pk_live_shop1' },
      { publishableKey: 'pk_test_shop1', accountId: 'acct_one' },
      { publishableKey: 'pk_test_shop1', accountId: 'acct_two' },
    ];
    const balances = await Promise.all(cases.map((options) => getBalance(make(options))));
    expect(gets()).toHaveLength(4);
    balances.forEach((balance, index) => {
      const { publishableKey, accountId } = cases[index] as { publishableKey: string; accountId?: string };
      expect(balance).toEqual(accountBalance(publishableKey, accountId));
    });
    expect(new Set(balances.map((balance) => balance.available[0]!.amount)).size).toBe(4);
  });

  it('never caches an error: every caller of a failed request gets it, the next call asks again', async () => {
    const client = make();
    api.fault({ path: balancePath, status: 500, times: 1 });
    const failed = await Promise.allSettled([getBalance(client), getBalance(client)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(gets()).toHaveLength(1);
    expect(await getBalance(client)).toMatchObject({ object: 'balance' });
    expect(gets()).toHaveLength(2);
  });

  it('{ fresh: true } skips the cached answer, shares a request in flight, and stores its result', async () => {
    const client = make();
    const first = await getBalance(client);
    const [a, b] = await Promise.all([getBalance(client, { fresh: true }), getBalance(client, { fresh: true })]);
    expect(gets()).toHaveLength(2);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(await getBalance(client)).toBe(a);
    expect(gets()).toHaveLength(2);
  });

  it('clearCache empties it; cache: false stores nothing but still shares a request in flight', async () => {
    const client = make();
    await getBalance(client);
    clearCache(client);
    await getBalance(client);
    expect(gets()).toHaveLength(2);

    api.reset();
    const uncached = make({ cache: false });
    await getBalance(uncached);
    await getBalance(uncached);
    expect(gets()).toHaveLength(2);
    await Promise.all([getBalance(uncached), getBalance(uncached)]);
    expect(gets()).toHaveLength(3);
  });
});

describe('staleWhileRevalidate', () => {
  it('serves an expired answer at once and refreshes it in the background, once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = make({ cache: { swr: staleWhileRevalidate() } });
    const first = await getBalance(client);
    later(60_000);
    api.fault({ path: balancePath, delay: 100 });
    const stale = await Promise.all([getBalance(client), getBalance(client)]);
    expect(stale).toEqual([first, first]);
    expect(stale[0]).toBe(first);
    await vi.waitFor(() => expect(gets().filter((sent) => sent.status === 200)).toHaveLength(2));
    await vi.waitFor(async () => expect(await getBalance(client)).not.toBe(first));
    expect(gets()).toHaveLength(2);
  });

  it('keeps the stale answer when the background refresh fails, and tries again next time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = make({ cache: { swr: staleWhileRevalidate() } });
    const first = await getBalance(client);
    later(10_000);
    api.fault({ path: balancePath, status: 500, times: 1 });
    expect(await getBalance(client)).toBe(first);
    await vi.waitFor(() => expect(gets().at(-1)!.status).toBe(500));
    expect(await getBalance(client)).toBe(first);
    await vi.waitFor(() => expect(gets()).toHaveLength(3));
  });

  it('beyond its window waits for the network; with ifError serves the stale answer on a 5xx but not on a 401', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const strict = make({ cache: { swr: staleWhileRevalidate({ window: 1000 }) } });
    const lenient = make({ cache: { swr: staleWhileRevalidate({ window: 0, ifError: true }) } });
    const [strictFirst, lenientFirst] = [await getBalance(strict), await getBalance(lenient)];
    later(5_000 + 1000);
    api.fault({ path: balancePath, status: 503 });
    await expect(getBalance(strict)).rejects.toMatchObject({ status: 503 });
    expect(await getBalance(lenient)).toBe(lenientFirst);
    expect(await getBalance(lenient, { fresh: true }).catch((error: unknown) => error)).toMatchObject({ status: 503 });
    api.clearFaults();
    api.fault({ path: balancePath, status: 401 });
    await expect(getBalance(lenient)).rejects.toMatchObject({ status: 401 });
    api.clearFaults();
    const refreshed = await getBalance(strict);
    expect(refreshed).not.toBe(strictFirst);
    expect(refreshed).toEqual(strictFirst);
  });
});

/** A stand-in `fetch` in the test's hands: each request waits until the test answers it. */
function heldFetch() {
  const held: Array<(response: Response) => void> = [];
  const fetch = () => new Promise<Response>((resolve) => held.push(resolve));
  return { fetch, held, answer: (index: number) => held[index]!(balanceResponse()) };
}
const balanceResponse = (): Response =>
  new Response(JSON.stringify(accountBalance('pk_test_cache1', undefined)), { headers: { 'Content-Type': 'application/json' } });
const errorResponse = (status: number): Response =>
  new Response(JSON.stringify({ error: { type: 'api_error', code: 'oops', message: 'Something failed.' } }), { status, headers: { 'Content-Type': 'application/json' } });

describe('clearCache while a request is in flight', () => {
  it('the older request, ending later, is neither stored nor evicts the newer one: a later call shares the newer', async () => {
    const { fetch, held, answer } = heldFetch();
    const client = make({ fetch, rateLimit: false });
    const before = getBalance(client);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    clearCache(client);
    const after = getBalance(client);
    await vi.waitFor(() => expect(held).toHaveLength(2));
    answer(0);
    const old = await before;
    const joining = getBalance(client); // while the newer request is still in flight
    answer(1);
    const [newer, joined] = await Promise.all([after, joining]);
    expect(joined).toBe(newer);
    expect(joined).not.toBe(old);
    expect(held).toHaveLength(2);
    expect(await getBalance(client)).toBe(newer); // the newer one is what was stored
  });
});

describe('staleWhileRevalidate: which failures ifError serves the stale answer for', () => {
  const failing = (fail: () => Promise<Response>) => {
    let calls = 0;
    // The first request succeeds (the entry), every later one fails as told.
    return (): Promise<Response> => (calls++ === 0 ? Promise.resolve(balanceResponse()) : fail());
  };

  it.each([
    ['a network error', () => Promise.reject(new TypeError('Failed to fetch')), true],
    ['a 429', () => Promise.resolve(errorResponse(429)), true],
    ['a 500', () => Promise.resolve(errorResponse(500)), true],
    ['a 499', () => Promise.resolve(errorResponse(499)), false],
    ['a 404', () => Promise.resolve(errorResponse(404)), false],
  ])('%s: served stale = %s', async (_what, fail, served) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = make({ fetch: failing(fail), rateLimit: false, cache: { swr: staleWhileRevalidate({ window: 0, ifError: true }) } });
    const first = await getBalance(client);
    later(5_000);
    const outcome = await getBalance(client).catch((error: unknown) => error);
    if (served) expect(outcome).toBe(first);
    else expect(outcome).toMatchObject({ name: 'ApiError', status: _what === 'a 499' ? 499 : 404 });
  });

  it('a timeout: served stale', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const never = (): Promise<Response> => new Promise(() => undefined);
    const client = make({ fetch: failing(never), timeout: 1000, rateLimit: false, cache: { swr: staleWhileRevalidate({ window: 0, ifError: true }) } });
    const first = await getBalance(client);
    later(5_000);
    const outcome = getBalance(client).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await outcome).toBe(first);
  });

  it('without ifError, every failure past the window is the caller\'s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = make({ fetch: failing(() => Promise.resolve(errorResponse(500))), rateLimit: false, cache: { swr: staleWhileRevalidate({ window: 0 }) } });
    await getBalance(client);
    later(5_000);
    await expect(getBalance(client)).rejects.toMatchObject({ status: 500 });
  });

  it('a finite window: within it the stale answer comes at once (no wait for the network), from its end the call waits', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { fetch, held, answer } = heldFetch();
    const client = make({ fetch, rateLimit: false, cache: { swr: staleWhileRevalidate({ window: 1000 }) } });
    const pending = getBalance(client);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    answer(0);
    const first = await pending;
    later(5_000 + 999); // expired 999 ms ago: inside the window
    expect(await getBalance(client)).toBe(first); // resolved although the refresh is still held
    await vi.waitFor(() => expect(held).toHaveLength(2));
    answer(1);
    await vi.waitFor(async () => expect(await getBalance(client)).not.toBe(first));
    const refreshed = await getBalance(client);
    later(5_000 + 1000); // expired exactly `window` ago: waits for the network
    let settled = false;
    const waiting = getBalance(client).then((value) => { settled = true; return value; });
    await vi.waitFor(() => expect(held).toHaveLength(3));
    expect(settled).toBe(false);
    answer(2);
    const latest = await waiting;
    expect(latest).not.toBe(refreshed);
  });
});
