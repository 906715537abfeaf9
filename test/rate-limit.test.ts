// @vitest-environment node
/**
 * A burst of distinct calls against the stand-in enforcing the Free plan (10/s, burst 20), on a fake clock shared
 * by client and server: the client queues instead of failing and never sees a 429, whether or not the browser can
 * read the rate-limit headers. (Real-time figures are in `npm run bench`.)
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, listProducts, type ClientOptions } from '../src/index.js';
import { advanceUntil, countingFetch, track, useFakeClock } from './fake-clock.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn({ now: () => Date.now() }); });
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  api.setOptions({ plan: 'free', exposeHeaders: true });
  useFakeClock();
});
afterEach(() => { vi.useRealTimers(); });

/** What a browser sees when the server does not list the rate-limit headers in Access-Control-Expose-Headers. */
const withoutRateLimitHeaders: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const headers = new Headers(response.headers);
  for (const name of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After']) headers.delete(name);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
};

/** 100 distinct calls at once; the first `late` requests are held 250 ms (fake clock) on their way to the server. */
async function burst(options: Partial<ClientOptions>, inner?: typeof fetch, late = 0) {
  const fetcher = countingFetch(inner);
  let held = 0;
  const hold: typeof fetch = async (input, init) => {
    if (held++ < late) await new Promise((resolve) => setTimeout(resolve, 250));
    return fetcher(input, init);
  };
  const client = createClient({ publishableKey: 'pk_test_burst1', apiBase: api.url, fetch: hold, ...options });
  const start = Date.now();
  const calls = Array.from({ length: 100 }, (_, index) => track(listProducts(client, { limit: 1 + (index % 100), status: index < 50 ? 'active' : 'archived' })));
  await advanceUntil(() => calls.every((call) => call.settled), fetcher, 10);
  return {
    failed: calls.filter((call) => call.error !== undefined).length,
    statuses: api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.status),
    sentAt: fetcher.state.sent.map((time) => time - start),
  };
}

describe('100 distinct calls at once on the Free plan', () => {
  it.each([
    ['the server exposes the rate-limit headers', undefined],
    ['the browser cannot read them', withoutRateLimitHeaders],
  ])('queue instead of failing, with no 429, at the plan rate, when %s', async (_case, inner) => {
    const { failed, statuses, sentAt } = await burst({}, inner);
    expect(failed).toBe(0);
    expect(statuses).toHaveLength(100);
    expect(statuses.filter((status) => status === 429)).toHaveLength(0);
    // The burst at once, then one each 100 ms from its answers (at once on this clock): the last leaves at 8 s, the floor.
    expect(sentAt.slice(0, 20).every((time) => time === 0)).toBe(true);
    expect(sentAt.slice(20).map((time, index) => time - (index + 1) * 100)).toEqual(Array.from({ length: 80 }, () => 0));
  });

  it('no 429 when the first requests reach the server late (a browser\'s preflights and six connections hold them)', async () => {
    // What Chromium does to a cold burst: the first 20 requests arrive 250 ms after they are sent, later ones at once.
    // A bucket that refilled from the moment it sent them would send the 22nd at 200 ms, ahead of the burst, and
    // meet a 429 once the burst lands; ours counts a token as spent only when its answer comes.
    const { failed, statuses, sentAt } = await burst({}, withoutRateLimitHeaders, 20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(0);
    expect(failed).toBe(0);
    expect(statuses).toHaveLength(100);
    expect(sentAt.slice(20, 22)).toEqual([350, 450]); // refill counted from the burst's answers, at 250 ms
  });

  it('without pacing the same burst meets 429s (so the stand-in does enforce the plan)', async () => {
    const { failed, statuses } = await burst({ rateLimit: false, retry: 0 });
    expect(statuses.filter((status) => status === 429).length).toBe(80);
    expect(failed).toBe(80);
  });
});
