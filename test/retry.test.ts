/** Retries: GETs are retried on 5xx and 429, bounded by `retry`; other 4xx never. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createClient, getBalance, getProduct, RateLimitError, type Client } from '../src/index.js';
import { advanceUntil, useFakeClock } from './fake-clock.js';
import { pageConsole } from './page-console.js';
import { accountBalance } from '../src/testing/data.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

const client = (retry: number): Client => createClient({ publishableKey: 'pk_test_retry1', apiBase: api.url, retry });
const balanceCalls = (): number => api.requests.filter((sent) => sent.method === 'GET' && sent.path === '/v1/account/balance').length;

describe('retries', () => {
  it('retries a 5xx and succeeds once the server recovers', async () => {
    api.fault({ path: '/v1/account/balance', status: 503, times: 2 });
    expect((await getBalance(client(2))).object).toBe('balance');
    expect(balanceCalls()).toBe(3);
    // What a browser's devtools would show: the two failed attempts.
    expect(pageConsole()).toEqual(Array(2).fill(`GET ${api.url}/account/balance 503 (Service Unavailable)`));
  });

  it('gives up after `retry` retries with the last ApiError', async () => {
    api.fault({ path: '/v1/account/balance', status: 500 });
    await expect(getBalance(client(1))).rejects.toMatchObject({ name: 'ApiError', status: 500 });
    expect(balanceCalls()).toBe(2);
  });

  it('does not retry with retry: 0', async () => {
    api.fault({ path: '/v1/account/balance', status: 502 });
    await expect(getBalance(client(0))).rejects.toBeInstanceOf(ApiError);
    expect(balanceCalls()).toBe(1);
  });

  it('never retries other 4xx', async () => {
    await expect(getProduct(client(3), 'prod_missing')).rejects.toMatchObject({ status: 404 });
    await expect(getBalance(createClient({ publishableKey: 'pk_test_revoked', apiBase: api.url, retry: 3 }))).rejects.toMatchObject({ status: 401 });
    expect(api.requests.filter((sent) => sent.method === 'GET')).toHaveLength(2);
  });

  it('retries a 429 after Retry-After, then succeeds', async () => {
    api.fault({ path: '/v1/account/balance', status: 429, retryAfter: '0', times: 1 });
    expect((await getBalance(client(1))).object).toBe('balance');
    expect(balanceCalls()).toBe(2);
  });

  it('turns a 429 that outlasts the retries into RateLimitError with retryAfter in ms', async () => {
    api.fault({ path: '/v1/account/balance', status: 429, retryAfter: '0' });
    const error = await getBalance(client(1)).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'RateLimitError', code: 'rate_limit_exceeded', status: 429, retryAfter: 0 });
    expect(balanceCalls()).toBe(2);
  });
});

describe('network errors count against `retry` as statuses do', () => {
  it.each([0, 1, 2])('retry: %i sends 1 + retry requests for a dropped connection, as for a 503', async (retry) => {
    api.fault({ path: '/v1/account/balance', destroy: true });
    await expect(getBalance(client(retry))).rejects.toMatchObject({ name: 'NetworkError' });
    const dropped = balanceCalls();
    api.reset();
    api.fault({ path: '/v1/account/balance', status: 503 });
    await expect(getBalance(client(retry))).rejects.toMatchObject({ name: 'ApiError', status: 503 });
    expect([dropped, balanceCalls()]).toEqual([retry + 1, retry + 1]);
  });

  it('a mix of both shares one count: a drop then a 503 with retry: 1 is two requests and fails with the 503', async () => {
    api.fault({ path: '/v1/account/balance', destroy: true, times: 1 });
    api.fault({ path: '/v1/account/balance', status: 503 });
    await expect(getBalance(client(1))).rejects.toMatchObject({ name: 'ApiError', status: 503 });
    expect(balanceCalls()).toBe(2);
  });

  it('a dropped connection that recovers succeeds on the retry', async () => {
    api.fault({ path: '/v1/account/balance', destroy: true, times: 1 });
    expect((await getBalance(client(1))).object).toBe('balance');
    expect(balanceCalls()).toBe(2);
  });
});

describe('waits ky reads from headers we do not', () => {
  beforeEach(useFakeClock);
  afterEach(() => { vi.useRealTimers(); });

  it('a 429 with only RateLimit-Reset: 100 (seconds) is retried after 30 s at most, not 100 s', async () => {
    const body = JSON.stringify(accountBalance('pk_test_retry2', undefined));
    const sent: number[] = [];
    const fetch = async (): Promise<Response> => {
      sent.push(Date.now());
      return sent.length === 1
        ? new Response(JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'slow down' } }), { status: 429, headers: { 'RateLimit-Reset': '100' } })
        : new Response(body, { headers: { 'Content-Type': 'application/json' } });
    };
    const c = createClient({ publishableKey: 'pk_test_retry2', retry: 1, rateLimit: false, timeout: 200_000, fetch });
    let done = false;
    void getBalance(c).then(() => { done = true; });
    const took = await advanceUntil(() => done, undefined, 1_000);
    expect(sent).toHaveLength(2);
    expect(sent[1]! - sent[0]!).toBeLessThanOrEqual(30_000);
    expect(took).toBeLessThanOrEqual(31_000);
  });
});

describe('retry delays, on the fake clock (a stub fetch: no I/O)', () => {
  afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });

  /** A client whose requests all get `status`; records the fake time of each attempt. */
  const failing = (status: number, retry: number, headers: Record<string, string> = {}) => {
    const sent: number[] = [];
    const fetch = async (): Promise<Response> => {
      sent.push(Date.now());
      return new Response(JSON.stringify({ error: { code: 'x', message: 'm' } }), { status, headers: { 'Content-Type': 'application/json', ...headers } });
    };
    return { sent, client: createClient({ publishableKey: 'pk_test_retry1', retry, rateLimit: false, fetch }) };
  };

  it('each of 429, 500, 502, 503 and 504 is retried', async () => {
    useFakeClock();
    for (const status of [429, 500, 502, 503, 504]) {
      const { sent, client: c } = failing(status, 1, status === 429 ? { 'Retry-After': '1' } : {});
      const call = getBalance(c).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(await call, String(status)).toMatchObject({ status });
      expect(sent, String(status)).toHaveLength(2);
    }
  });

  it('a Retry-After of exactly 30 s (MAX_WAIT) is waited for and retried; only a longer one is final', async () => {
    useFakeClock();
    const { sent, client: c } = failing(503, 1, { 'Retry-After': '30' });
    const call = getBalance(c).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(await call).toMatchObject({ status: 503 });
    expect(sent).toHaveLength(2);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(30_000);
    const longer = failing(503, 1, { 'Retry-After': '31' });
    const final = getBalance(longer.client).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(await final).toMatchObject({ status: 503 });
    expect(longer.sent).toHaveLength(1);
  });

  it('a backoff grows to 30 s at most (MAX_WAIT), not beyond', async () => {
    useFakeClock();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { sent, client: c } = failing(503, 8);
    const call = getBalance(c).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(200_000);
    expect(await call).toMatchObject({ status: 503 });
    expect(sent).toHaveLength(9);
    const gaps = sent.slice(1).map((time, index) => time - sent[index]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000); // uncapped, the last would be 0.999 × 38.4 s
    expect(gaps.at(-1)).toBeGreaterThan(29_000);
  });
});
