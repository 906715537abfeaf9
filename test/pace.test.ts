// @vitest-environment node
/** Pacing: the token bucket, its queue (order, abort), the pauses a server asks for, and ky's retry delays. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, createClient, getBalance, listProducts, RateLimitError, type Client, type ClientOptions } from '../src/index.js';
import { createPacer, MAX_SPREAD, MAX_WAIT, retryAfterMs, type Plan } from '../src/pace.js';
import { advanceUntil, countingFetch, realSleep, track, useFakeClock } from './fake-clock.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const flush = () => vi.advanceTimersByTimeAsync(0);
const headers = (fields: Record<string, string>) => new Headers(fields);
const answer = (status = 200, fields: Record<string, string> = {}) => new Response(null, { status, headers: fields });

/**
 * A pacer and its callers: `call(name)` queues one (its release time goes to `released`, its name to `order`),
 * `answerAll(response)` ends every released call still in flight, as the client's fetch wrapper does.
 */
function setup(plan: Plan, random = () => 0) {
  // Dice that roll 0 unless told otherwise: a server-set pause is then exactly what the server asked for.
  const pacer = createPacer(plan, undefined, random);
  const start = Date.now();
  const released: number[] = [];
  const order: string[] = [];
  let inFlight = 0;
  const call = (name = '', signal = new AbortController().signal, first?: boolean) =>
    track(pacer.take(signal, first).then((wait) => {
      if (!wait) inFlight++, released.push(Date.now() - start), order.push(name);
      return wait;
    }));
  const calls = (n: number) => Array.from({ length: n }, () => call());
  const answerAll = (response: Response | undefined = answer()) => {
    for (; inFlight > 0; inFlight--) pacer.see(response);
  };
  return { pacer, released, order, call, calls, answerAll };
}

describe('createPacer', () => {
  beforeEach(useFakeClock);

  it('lets a burst go at once, then one call per 1/perSecond, counted from the answers', async () => {
    const { released, calls, answerAll } = setup({ perSecond: 10, burst: 20 });
    calls(30);
    await flush();
    expect(released).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(250);
    answerAll(); // the answers come 250 ms later: the server took their tokens at some time before
    expect(released).toHaveLength(20);
    for (let step = 0; step < 10; step++) {
      await vi.advanceTimersByTimeAsync(99);
      expect(released).toHaveLength(20 + step);
      await vi.advanceTimersByTimeAsync(1);
      expect(released).toHaveLength(21 + step);
      answerAll();
    }
    expect(released.slice(20)).toEqual([350, 450, 550, 650, 750, 850, 950, 1050, 1150, 1250]);
  });

  it('credits no refill to the tokens of requests still in flight, however long they take', async () => {
    const { released, calls, answerAll } = setup({ perSecond: 10, burst: 20 });
    calls(21);
    await flush();
    await vi.advanceTimersByTimeAsync(60_000); // the server may not have received them yet: its bucket may still be full
    expect(released).toHaveLength(20);
    answerAll(undefined); // ended without an answer (a network error, an abort): spent, as late as now
    await vi.advanceTimersByTimeAsync(99);
    expect(released).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toHaveLength(21);
  });

  it('refills while idle, up to the bucket size only', async () => {
    const { released, calls, answerAll } = setup({ perSecond: 100, burst: 50 });
    calls(60);
    await flush();
    expect(released).toHaveLength(50);
    answerAll();
    for (let step = 0; step < 10; step++) {
      await vi.advanceTimersByTimeAsync(10); // the 10 queued ones take 100 ms, each answered at once
      answerAll();
    }
    expect(released).toHaveLength(60);
    await vi.advanceTimersByTimeAsync(60_000); // a long idle spell refills to 50, not more
    calls(55);
    await flush();
    expect(released).toHaveLength(110);
  });

  it('serves calls first come, first served; a retry goes to the head of the queue', async () => {
    const { order, call, answerAll } = setup({ perSecond: 1, burst: 1 });
    for (const name of ['a', 'b', 'c', 'd']) call(name);
    await flush();
    call('retry', undefined, true);
    for (let step = 0; step < 5; step++) {
      answerAll();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(order).toEqual(['a', 'retry', 'b', 'c', 'd']);
  });

  it('rejects a call aborted while queued with the signal\'s reason, and gives its token to the next', async () => {
    const { call, answerAll } = setup({ perSecond: 1, burst: 1 });
    call('first');
    await flush();
    const controller = new AbortController();
    const aborted = call('aborted', controller.signal);
    const next = call('next');
    controller.abort(new Error('gone'));
    answerAll();
    await vi.advanceTimersByTimeAsync(1000);
    expect(aborted).toMatchObject({ settled: true, error: new Error('gone') });
    expect(next.settled).toBe(true);
  });

  it('holds the queue after a 429 until Retry-After, for every call', async () => {
    const { pacer, call } = setup({ perSecond: 10, burst: 20 });
    call();
    await flush();
    pacer.see(answer(429, { 'Retry-After': '3' }));
    const calls = [call(), call()];
    await vi.advanceTimersByTimeAsync(2999);
    expect(calls.map((one) => one.settled)).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((one) => one.settled)).toEqual([true, true]); // the server's bucket refilled meanwhile, and so did ours
  });

  it('spreads a server-set pause at random by up to the wait itself, at most MAX_SPREAD, never past MAX_WAIT', async () => {
    // [Retry-After (s), what the dice roll, when the queue moves (ms after the 429)]
    const cases: Array<[string, number, number]> = [['0.5', 0.5, 750], ['3', 0.5, 3000 + MAX_SPREAD / 2], ['3', 0.999, 3999], ['29.9', 0.999, MAX_WAIT]];
    for (const [retryAfter, roll, until] of cases) {
      const { pacer, call } = setup({ perSecond: 10, burst: 20 }, () => roll);
      call();
      await flush();
      pacer.see(answer(429, { 'Retry-After': retryAfter }));
      const next = call();
      await vi.advanceTimersByTimeAsync(until - 1);
      expect(next.settled, `Retry-After ${retryAfter}, roll ${roll}`).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(next).toMatchObject({ settled: true, value: 0 }); // a token, not a failure
    }
  });

  it('spreads an X-RateLimit-Reset pause too', async () => {
    const { pacer, call } = setup({ perSecond: 10, burst: 20 }, () => 0.5);
    call();
    await flush();
    const reset = Math.ceil(Date.now() / 1000) + 2;
    const wait = reset * 1000 - Date.now();
    pacer.see(answer(200, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) }));
    const next = call();
    await vi.advanceTimersByTimeAsync(wait + Math.min(wait, MAX_SPREAD) / 2 - 1);
    expect(next.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.settled).toBe(true);
  });

  it('tighten() lowers the rate and the burst to the stricter plan, never raises them', async () => {
    const { pacer, calls, released } = setup({ perSecond: 10, burst: 20 });
    pacer.tighten({ perSecond: 100, burst: 4 }); // a lower burst, a higher rate: only the burst changes
    calls(6);
    await flush();
    expect(released).toEqual([0, 0, 0, 0]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(released).toEqual([0, 0, 0, 0]); // the four in flight hold every token of the new burst

    const slow = setup({ perSecond: 10, burst: 1 });
    slow.pacer.tighten({ perSecond: 1, burst: 5 }); // a lower rate, a higher burst: only the rate changes
    slow.calls(2);
    await flush();
    slow.answerAll();
    await vi.advanceTimersByTimeAsync(999);
    expect(slow.released).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(slow.released).toEqual([0, 1000]);
  });

  it('empties the bucket on a 429 without readable headers (no pause, the plan rate from now)', async () => {
    const { pacer, call } = setup({ perSecond: 10, burst: 20 });
    call();
    await flush();
    pacer.see(answer(429));
    const next = call();
    await vi.advanceTimersByTimeAsync(99);
    expect(next.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.settled).toBe(true);
  });

  it('holds the queue until X-RateLimit-Reset when the server says 0 left while we thought some were', async () => {
    const { pacer, call } = setup({ perSecond: 10, burst: 20 });
    call();
    await flush();
    const reset = Math.ceil(Date.now() / 1000) + 2;
    pacer.see(answer(200, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) }));
    const next = call();
    await vi.advanceTimersByTimeAsync(reset * 1000 - Date.now() - 1);
    expect(next.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.settled).toBe(true);
  });

  it('without a 429, ignores a Reset beyond MAX_WAIT (our clock behind the server\'s): the bucket paces, no call fails', async () => {
    const { pacer, call, released } = setup({ perSecond: 10, burst: 20 });
    call();
    await flush();
    const reset = Math.ceil(Date.now() / 1000) + 120; // two minutes "ahead": a skewed clock, not a limit
    pacer.see(answer(200, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) }));
    const next = call();
    await vi.advanceTimersByTimeAsync(100); // one token at the plan rate
    expect(next.settled).toBe(true);
    expect(released).toHaveLength(2); // released with a token, not failed with the wait
  });

  it('does not pause when the server agrees with the bucket, and syncs down to a lower Remaining', async () => {
    const { pacer, released, calls } = setup({ perSecond: 10, burst: 20 });
    calls(20);
    await flush();
    expect(released).toHaveLength(20);
    // The last answers say what our bucket says (nothing left): no news, so no wait until the (later) reset.
    const reset = String(Math.ceil(Date.now() / 1000) + 2);
    for (let left = 19; left >= 0; left--) pacer.see(answer(200, { 'X-RateLimit-Remaining': String(left), 'X-RateLimit-Reset': reset }));
    calls(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(released).toHaveLength(21);

    const other = setup({ perSecond: 10, burst: 20 });
    other.calls(2);
    await flush();
    other.pacer.see(answer(200, { 'X-RateLimit-Remaining': '4' })); // another tab spent most of the burst
    other.calls(5);
    await flush();
    expect(other.released).toHaveLength(6);
  });

  it('a clock set back does not freeze the queue for the length of the step', async () => {
    let time = 1_000_000;
    const pacer = createPacer({ perSecond: 10, burst: 2 }, () => time);
    const signal = new AbortController().signal;
    for (let index = 0; index < 2; index++) {
      await pacer.take(signal);
      pacer.see();
    }
    time -= 60_000; // an NTP correction
    let released = false;
    void pacer.take(signal).then(() => { released = true; });
    time += 100;
    await vi.advanceTimersByTimeAsync(100);
    expect(released).toBe(true);
  });

  it('a clock set back also moves a server-set pause back: calls do not fail for the length of the step', async () => {
    let time = 1.7e12;
    const pacer = createPacer({ perSecond: 10, burst: 20 }, () => time);
    const signal = new AbortController().signal;
    await pacer.take(signal);
    pacer.see(answer(429, { 'Retry-After': '1' }));
    time += 60_000;
    expect(await pacer.take(signal)).toBe(0);
    pacer.see(answer());
    time -= 3_600_000; // an hour back
    expect(await pacer.take(signal)).toBe(0); // a token, not a 3,541 s pause that fails the call
  });

  it('takes a negative or garbled Remaining for an empty bucket at most: the next call goes at the plan rate', async () => {
    for (const left of ['-50', 'many']) {
      const { pacer, released, calls } = setup({ perSecond: 10, burst: 20 });
      calls(1);
      await flush();
      pacer.see(answer(200, { 'X-RateLimit-Remaining': left }));
      calls(1);
      await vi.advanceTimersByTimeAsync(99);
      expect(released, left).toHaveLength(left === 'many' ? 2 : 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(released, left).toHaveLength(2); // -50 would be 51 tokens of debt: 5.1 s
    }
  });

  it('fails calls at once (with the wait) when the pause is longer than MAX_WAIT', async () => {
    const { pacer, call } = setup({ perSecond: 1, burst: 1 });
    call();
    await flush();
    const queued = call();
    pacer.see(answer(429, { 'Retry-After': '86400' }));
    await flush();
    expect(queued.value).toBe(86_400_000);
    const later = call();
    await flush();
    expect(later.value).toBeGreaterThan(MAX_WAIT);
    expect(later.value).toBeLessThanOrEqual(86_400_000);
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
    // What is left of the server's hour (in ms, as Retry-After said it in seconds), not more.
    const left = (second.error as RateLimitError).retryAfter;
    expect(left).toBeLessThanOrEqual(3_600_000);
    expect(left).toBeGreaterThan(3_600_000 - 1000);
    expect(gets()).toHaveLength(1);
  });
});

describe('pauses the server asks for, at their edges', () => {
  beforeEach(useFakeClock);

  it('a call queued in the middle of a server pause waits for its end, though the bucket has refilled', async () => {
    const { pacer, call } = setup({ perSecond: 10, burst: 20 });
    call();
    await flush();
    pacer.see(answer(429, { 'Retry-After': '3' }));
    await vi.advanceTimersByTimeAsync(1500); // 15 tokens back by now
    const late = call();
    await vi.advanceTimersByTimeAsync(1499);
    expect(late.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(late).toMatchObject({ settled: true, value: 0 });
  });

  it('a garbled Retry-After is no pause: a 429 with `Retry-After: soon` only empties the bucket', async () => {
    const { pacer, call, released } = setup({ perSecond: 10, burst: 20 });
    call();
    await flush();
    pacer.see(answer(429, { 'Retry-After': 'soon' }));
    const next = call();
    await vi.advanceTimersByTimeAsync(99);
    expect(next.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // one token at the plan rate
    expect(next).toMatchObject({ settled: true, value: 0 });
    expect(released).toHaveLength(2);
  });
});

describe('retryAfterMs with headers it cannot read', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it('skips a Retry-After that is neither seconds nor a date, for X-RateLimit-Reset or nothing', () => {
    expect(retryAfterMs(headers({ 'Retry-After': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(headers({ 'Retry-After': 'soon', 'X-RateLimit-Reset': String(now / 1000 + 4) }), now)).toBe(4000);
  });

  it('reads seconds with the spaces a server may put around them, and rounds a fraction of a ms up', () => {
    expect(retryAfterMs(headers({ 'Retry-After': ' 7 ' }), now)).toBe(7000);
    expect(retryAfterMs(headers({ 'Retry-After': '0.0001' }), now)).toBe(1);
  });

  it('a date or reset in the past is no wait, never a negative one', () => {
    expect(retryAfterMs(headers({ 'Retry-After': new Date(now - 5000).toUTCString() }), now)).toBe(0);
    expect(retryAfterMs(headers({ 'X-RateLimit-Reset': String(now / 1000 - 5) }), now)).toBe(0);
    expect(retryAfterMs(headers({ 'X-RateLimit-Reset': '0' }), now)).toBeUndefined();
    expect(retryAfterMs(headers({ 'X-RateLimit-Reset': 'later' }), now)).toBeUndefined();
  });
});

describe('the MAX_WAIT edge', () => {
  beforeEach(useFakeClock);

  it('a pause of exactly MAX_WAIT is waited for; a millisecond more fails the queued call at once', async () => {
    for (const [retryAfter, fails] of [['30', false], ['30.001', true]] as const) {
      const { pacer, call } = setup({ perSecond: 10, burst: 20 });
      call();
      await flush();
      pacer.see(answer(429, { 'Retry-After': retryAfter }));
      const queued = call();
      await flush();
      expect(queued.settled, retryAfter).toBe(fails);
      if (fails) expect(queued.value).toBe(30_001);
      await vi.advanceTimersByTimeAsync(30_000);
      if (!fails) expect(queued).toMatchObject({ settled: true, value: 0 });
    }
  });

  it('without a 429, a Reset exactly MAX_WAIT away still holds the queue', async () => {
    const { pacer, call } = setup({ perSecond: 10, burst: 20 });
    call();
    await flush();
    vi.setSystemTime(Math.ceil(Date.now() / 1000) * 1000);
    pacer.see(answer(200, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Date.now() / 1000 + 30) }));
    const next = call();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(next.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next).toMatchObject({ settled: true, value: 0 });
  });
});

describe('the queue through a client', () => {
  let api: StandIn;
  beforeAll(async () => { api = await startStandIn(); });
  afterAll(() => api.close());
  beforeEach(() => { api.reset(); useFakeClock(); });

  it('new calls go first come, first served; a retry goes ahead of them', async () => {
    const fetcher = countingFetch();
    const client = createClient({ publishableKey: 'pk_test_pace2', apiBase: api.url, fetch: fetcher, rateLimit: { perSecond: 1, burst: 1 }, retry: 1 });
    api.fault({ path: '/v1/products', status: 503, times: 1 });
    const calls = [1, 2, 3].map((limit) => track(listProducts(client, { limit })));
    await advanceUntil(() => calls.every((one) => one.settled), fetcher, 100);
    expect(api.requests.filter((sent) => sent.method === 'GET').map((sent) => [sent.query.limit?.[0], sent.status])).toEqual([
      ['1', 503], ['1', 200], ['2', 200], ['3', 200],
    ]);
  });
});

describe('the bucket, exactly', () => {
  beforeEach(useFakeClock);

  it('syncs down to a Remaining exactly one below the bucket', async () => {
    const { pacer, released, calls } = setup({ perSecond: 1, burst: 20 });
    calls(1);
    await flush();
    pacer.see(answer(200, { 'X-RateLimit-Remaining': '18' })); // we hold 19: the server says 18
    calls(19);
    await flush();
    expect(released).toHaveLength(1 + 18);
  });

  it('sets no timer while the requests in flight hold every token: their answers wake the queue', async () => {
    const { released, calls, answerAll } = setup({ perSecond: 10, burst: 2 });
    calls(3);
    await flush();
    expect(released).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    answerAll();
    expect(vi.getTimerCount()).toBe(1); // now a token is 100 ms away
    await vi.advanceTimersByTimeAsync(100);
    expect(released).toHaveLength(3);
  });
});
