// @vitest-environment node
/** Pacing: the token bucket, its queue (order, abort), the pauses a server asks for, and ky's retry delays. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, createClient, getBalance, listProducts, RateLimitError, type Client, type ClientOptions } from '../src/index.js';
import { createPacer, MAX_WAIT, retryAfterMs } from '../src/pace.js';
import { advanceUntil, countingFetch, realSleep, track, useFakeClock } from './fake-clock.js';
import { startStandIn, type StandIn } from './stand-in/server.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const flush = () => vi.advanceTimersByTimeAsync(0);
const headers = (fields: Record<string, string>) => new Headers(fields);

describe('createPacer', () => {
  beforeEach(useFakeClock);

  it('lets a burst go at once (less a tenth of a second in reserve), then one call per 1/perSecond', async () => {
    const pacer = createPacer({ perSecond: 10, burst: 20 });
    const released: number[] = [];
    const start = Date.now();
    for (let index = 0; index < 30; index++) void pacer.take(new AbortController().signal).then(() => released.push(Date.now() - start));
    await flush();
    expect(released).toHaveLength(19);
    await vi.advanceTimersByTimeAsync(99);
    expect(released).toHaveLength(19);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(1000);
    expect(released).toHaveLength(30);
    expect(released.slice(19)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100].slice(0, 11));
  });

  it('refills while idle, up to the bucket size only', async () => {
    const pacer = createPacer({ perSecond: 100, burst: 50 });
    const count = { released: 0 };
    const burst = async (n: number) => {
      for (let index = 0; index < n; index++) void pacer.take(new AbortController().signal).then(() => count.released++);
      await flush();
    };
    await burst(60);
    expect(count.released).toBe(40); // 50 less 10 in reserve
    await vi.advanceTimersByTimeAsync(200); // the 20 queued ones take 200 ms
    expect(count.released).toBe(60);
    await vi.advanceTimersByTimeAsync(60_000); // a long idle spell refills to 40, not more
    await burst(45);
    expect(count.released).toBe(100);
  });

  it('serves calls first come, first served; a retry goes to the head of the queue', async () => {
    const pacer = createPacer({ perSecond: 1, burst: 1 });
    const order: string[] = [];
    const signal = new AbortController().signal;
    for (const name of ['a', 'b', 'c', 'd']) void pacer.take(signal).then(() => order.push(name));
    await flush();
    void pacer.take(signal, true).then(() => order.push('retry'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(order).toEqual(['a', 'retry', 'b', 'c', 'd']);
  });

  it('rejects a call aborted while queued with the signal\'s reason, and gives its token to the next', async () => {
    const pacer = createPacer({ perSecond: 1, burst: 1 });
    await pacer.take(new AbortController().signal);
    const controller = new AbortController();
    const aborted = track(pacer.take(controller.signal));
    const next = track(pacer.take(new AbortController().signal));
    controller.abort(new Error('gone'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(aborted).toMatchObject({ settled: true, error: new Error('gone') });
    expect(next.settled).toBe(true);
  });

  it('holds the queue after a 429 until Retry-After, for every call', async () => {
    const pacer = createPacer({ perSecond: 10, burst: 20 });
    pacer.see(429, headers({ 'Retry-After': '3' }));
    const calls = [track(pacer.take(new AbortController().signal)), track(pacer.take(new AbortController().signal))];
    await vi.advanceTimersByTimeAsync(2999);
    expect(calls.map((call) => call.settled)).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((call) => call.settled)).toEqual([true, true]); // the server's bucket refilled meanwhile, and so did ours
  });

  it('empties the bucket on a 429 without readable headers (no pause, the plan rate from now)', async () => {
    const pacer = createPacer({ perSecond: 10, burst: 20 });
    pacer.see(429, headers({}));
    const call = track(pacer.take(new AbortController().signal));
    await vi.advanceTimersByTimeAsync(99);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.settled).toBe(true);
  });

  it('holds the queue until X-RateLimit-Reset when the server says 0 left while we thought some were', async () => {
    const pacer = createPacer({ perSecond: 10, burst: 20 });
    const reset = Math.ceil(Date.now() / 1000) + 2;
    pacer.see(200, headers({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) }));
    const call = track(pacer.take(new AbortController().signal));
    await vi.advanceTimersByTimeAsync(reset * 1000 - Date.now() - 1);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.settled).toBe(true);
  });

  it('does not pause when the server agrees with the bucket, and syncs down to a lower Remaining', async () => {
    const pacer = createPacer({ perSecond: 10, burst: 20 });
    const released = { count: 0 };
    const take = (n: number) => { for (let index = 0; index < n; index++) void pacer.take(new AbortController().signal).then(() => released.count++); };
    take(19);
    await flush();
    expect(released.count).toBe(19);
    // Our bucket is empty too: a Remaining of 0 is no news, so no wait until the (later) reset.
    pacer.see(200, headers({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 2) }));
    take(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(released.count).toBe(20);

    const other = createPacer({ perSecond: 10, burst: 20 });
    other.see(200, headers({ 'X-RateLimit-Remaining': '3' })); // another tab spent most of the burst
    const count = { released: 0 };
    for (let index = 0; index < 5; index++) void other.take(new AbortController().signal).then(() => count.released++);
    await flush();
    expect(count.released).toBe(3);
  });

  it('fails calls at once (with the wait) when the pause is longer than MAX_WAIT', async () => {
    const pacer = createPacer({ perSecond: 1, burst: 1 });
    await pacer.take(new AbortController().signal);
    const queued = pacer.take(new AbortController().signal);
    pacer.see(429, headers({ 'Retry-After': '86400' }));
    expect(await queued).toBe(86_400_000);
    const later = await pacer.take(new AbortController().signal);
    expect(later).toBeGreaterThan(MAX_WAIT);
    expect(later).toBeLessThanOrEqual(86_400_000);
  });
});

describe('retryAfterMs', () => {
  it('reads Retry-After in seconds or as an HTTP date, else X-RateLimit-Reset, else nothing', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(retryAfterMs(headers({ 'Retry-After': '2' }), now)).toBe(2000);
    expect(retryAfterMs(headers({ 'Retry-After': '0.25' }), now)).toBe(250);
    expect(retryAfterMs(headers({ 'Retry-After': new Date(now + 5000).toUTCString() }), now)).toBe(5000);
    expect(retryAfterMs(headers({ 'X-RateLimit-Reset': String(now / 1000 + 3) }), now)).toBe(3000);
    expect(retryAfterMs(headers({}), now)).toBeUndefined();
  });
});

describe('pacing a client against the stand-in', () => {
  let api: StandIn;
  beforeAll(async () => { api = await startStandIn({ now: () => Date.now() }); });
  afterAll(() => api.close());
  beforeEach(() => { api.reset(); api.setOptions({ plan: false }); useFakeClock(); });

  const gets = () => api.requests.filter((sent) => sent.method === 'GET');
  const make = (options: Partial<ClientOptions> = {}) => {
    const fetcher = countingFetch();
    const client: Client = createClient({ publishableKey: 'pk_test_pace1', apiBase: api.url, fetch: fetcher, ...options });
    return { client, fetcher };
  };

  it('a call aborted while queued rejects with AbortError at once and never reaches the network', async () => {
    const { client, fetcher } = make({ rateLimit: { perSecond: 1, burst: 1 } });
    const first = track(listProducts(client, { limit: 1 }));
    const controller = new AbortController();
    const queued = track(listProducts(client, { limit: 2 }, { signal: controller.signal }));
    await advanceUntil(() => first.settled, fetcher);
    controller.abort();
    await advanceUntil(() => queued.settled, fetcher);
    expect(queued.error).toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(5000);
    await realSleep(20);
    expect(gets().map((sent) => sent.query.limit)).toEqual([['1']]);
  });

  it.each([
    ['seconds', () => '2', 2000],
    ['an HTTP date', () => new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000).toUTCString(), 3000],
  ])('honours Retry-After as %s, and holds the other calls meanwhile', async (_form, value, wait) => {
    const { client, fetcher } = make({ retry: 1 });
    const start = Math.ceil(Date.now() / 1000) * 1000;
    vi.setSystemTime(start);
    api.fault({ path: '/v1/account/balance', status: 429, retryAfter: value(), times: 1 });
    const balance = track(getBalance(client));
    await advanceUntil(() => fetcher.state.sent.length === 1 && fetcher.state.pending === 0, fetcher);
    const other = track(listProducts(client));
    await advanceUntil(() => balance.settled && other.settled, fetcher);
    expect(balance.value).toMatchObject({ object: 'balance' });
    expect(other.value).toMatchObject({ object: 'list' });
    expect(fetcher.state.sent).toHaveLength(3);
    for (const sent of fetcher.state.sent.slice(1)) expect(sent - start).toBeGreaterThanOrEqual(wait);
  });

  it('retries a 5xx after a full-jitter backoff: random × 300 ms × 2^attempt, bounded by `retry`', async () => {
    const { client, fetcher } = make({ retry: 2 });
    const random = vi.spyOn(Math, 'random').mockReturnValueOnce(0.999).mockReturnValueOnce(0.5);
    api.fault({ path: '/v1/account/balance', status: 503, times: 3 });
    const call = track(getBalance(client));
    await advanceUntil(() => call.settled, fetcher, 1);
    expect(random).toHaveBeenCalledTimes(2);
    const [first, second, third] = fetcher.state.sent as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(299);
    expect(second - first).toBeLessThan(300 + 2);
    expect(third - second).toBeGreaterThanOrEqual(300);
    expect(third - second).toBeLessThan(300 + 2);
    expect(call.error).toMatchObject({ status: 503 });
    expect(gets()).toHaveLength(3);
  });

  it('holds the queue until X-RateLimit-Reset when the server has none left but the bucket has (the key is spent elsewhere)', async () => {
    api.setOptions({ plan: { perSecond: 1, burst: 3 } });
    const { client, fetcher } = make();
    const first = [1, 2, 3].map((limit) => track(listProducts(client, { limit })));
    await advanceUntil(() => first.every((call) => call.settled), fetcher);
    const calledAt = Date.now();
    const more = [4, 5].map((limit) => track(listProducts(client, { limit })));
    await advanceUntil(() => more.every((call) => call.settled), fetcher);
    expect([...first, ...more].map((call) => call.error)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(gets().map((sent) => sent.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fetcher.state.sent[3]! - calledAt).toBeGreaterThan(1000); // held (without the pause: sent at once, and 429)
  });

  it('fails at once with RateLimitError when the server asks for a wait beyond MAX_WAIT (a daily limit)', async () => {
    const { client, fetcher } = make({ retry: 2 });
    api.fault({ path: '/v1/account/balance', status: 429, retryAfter: '3600', times: 1 });
    const first = track(getBalance(client));
    await advanceUntil(() => first.settled, fetcher);
    expect(first.error).toBeInstanceOf(RateLimitError);
    expect(first.error).toMatchObject({ retryAfter: 3_600_000 });
    const second = track(listProducts(client));
    await advanceUntil(() => second.settled, fetcher);
    expect(second.error).toBeInstanceOf(RateLimitError);
    expect((second.error as RateLimitError).retryAfter).toBeGreaterThan(MAX_WAIT);
    expect(gets()).toHaveLength(1);
  });
});
