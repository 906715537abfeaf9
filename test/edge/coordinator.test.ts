// @vitest-environment node
/**
 * One budget for a key across locations: two edge handlers, each with a cache of its own (two Cloudflare locations),
 * sharing the key's `KeyBudget` (the Durable Object class, here a plain object behind the `Coordinator` interface),
 * against a stand-in that enforces the plan per key. The same class in workerd: workers.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEdgeHandler, KeyBudget, memoryStore, type EdgeOptions } from '../../src/edge/index.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';

const KEY = 'pk_test_coordinated1';
let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

const upstream = () => api.requests.filter((request) => request.method === 'GET');
const get = (path: string) => new Request(`https://shop.example/v1${path}`, { headers: { Authorization: `Bearer ${KEY}` } });
/** A location: its own handler and store; with `budget`, that budget is its coordinator for every key. */
const location = (budget: KeyBudget | undefined, options: EdgeOptions = {}) => {
  const names: string[] = [];
  const handler = createEdgeHandler({
    upstream: api.url, store: memoryStore(), visitorMisses: { perSecond: 1_000, burst: 1_000 }, ...options,
    ...(budget && { coordinator: (id: string) => (names.push(id), { fetch: (input: string, init: RequestInit) => budget.fetch(new Request(input, init)) }) }),
  });
  return { handler, names };
};
const misses = (handler: ReturnType<typeof location>['handler'], from: number, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => handler(get(`/products?limit=${from + index}`), undefined, { clientIp: '203.0.113.9' })));

describe('KeyBudget: one pacer and one day for a key, across locations', () => {
  // The stand-in enforces burst 4 at 25/s, the locations' plan is burst 4 at 20/s: on exactly one rate, a bucket that
  // starts a little later could refuse a request that arrives a millisecond early (as seen once under load).
  it('two locations × 6 distinct misses at once, burst 4: not one 429 upstream, every visitor answered', async () => {
    api.setOptions({ plan: { perSecond: 25, burst: 4 } });
    const budget = new KeyBudget();
    const [a, b] = [location(budget, { plan: { perSecond: 20, burst: 4 } }), location(budget, { plan: { perSecond: 20, burst: 4 } })];
    const answers = [...await Promise.all([misses(a.handler, 1, 6), misses(b.handler, 11, 6)])].flat();
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    expect(upstream()).toHaveLength(12);
    expect(upstream().filter((request) => request.status === 429)).toHaveLength(0);
    // The coordinator is named by a hash of the key, never the key.
    expect(new Set([...a.names, ...b.names]).size).toBe(1);
    expect(a.names[0]).not.toContain(KEY);
    api.setOptions({ plan: false });
  });

  it('(control) without it each location paces alone: together they go over the key\'s plan and get 429s', async () => {
    api.setOptions({ plan: { perSecond: 25, burst: 4 } });
    const [a, b] = [location(undefined, { plan: { perSecond: 20, burst: 4 } }), location(undefined, { plan: { perSecond: 20, burst: 4 } })];
    await Promise.all([misses(a.handler, 1, 6), misses(b.handler, 11, 6)]);
    expect(upstream().filter((request) => request.status === 429).length).toBeGreaterThan(0);
    api.setOptions({ plan: false });
  });

  it('counts one day for the key: the third location-crossing miss over a daily limit of 2 gets 429 until midnight, sending nothing', async () => {
    const budget = new KeyBudget();
    const plan = { perSecond: 100, burst: 100, daily: 2 };
    const [a, b] = [location(budget, { plan }), location(budget, { plan })];
    expect((await a.handler(get('/products?limit=1'), undefined, { clientIp: '203.0.113.9' })).status).toBe(200);
    expect((await b.handler(get('/products?limit=2'), undefined, { clientIp: '203.0.113.9' })).status).toBe(200);
    const over = await a.handler(get('/products?limit=3'), undefined, { clientIp: '203.0.113.9' });
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(/daily limit \(2\)/);
    const untilMidnight = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000 - Date.now();
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThan(untilMidnight / 1000 - 5);
    expect(upstream()).toHaveLength(2);
  });

  it('a 429 seen by one location pauses the other: told to wait an hour, its next miss is refused at once, sending nothing', async () => {
    const budget = new KeyBudget();
    const [a, b] = [location(budget), location(budget)];
    api.fault({ status: 429, retryAfter: '3600', times: 1 });
    expect((await a.handler(get('/products?limit=1'), undefined, { clientIp: '203.0.113.9' })).status).toBe(429);
    const paused = await b.handler(get('/products?limit=2'), undefined, { clientIp: '203.0.113.9' });
    expect(paused.status).toBe(429);
    expect(Number(paused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(3_599);
    expect(upstream()).toHaveLength(1);
  });

  it('(control) without it the other location does not know, and sends', async () => {
    const [a, b] = [location(undefined), location(undefined)];
    api.fault({ status: 429, retryAfter: '3600', times: 1 });
    await a.handler(get('/products?limit=1'), undefined, { clientIp: '203.0.113.9' });
    expect((await b.handler(get('/products?limit=2'), undefined, { clientIp: '203.0.113.9' })).status).toBe(200);
    expect(upstream()).toHaveLength(2);
  });

  /** A take on a plan of one slot, straight to the object: its grant. */
  const take = (budget: KeyBudget, timeout = 1_000) => budget.fetch(new Request('https://coordinator/take', {
    method: 'POST', body: JSON.stringify({ plan: { perSecond: 1_000, burst: 1, daily: 1_000 }, url: 'u', timeout }),
  })).then((answer) => answer.json() as Promise<{ wait: number; slot?: string }>);
  const see = (budget: KeyBudget, slot: unknown) =>
    budget.fetch(new Request('https://coordinator/see', { method: 'POST', body: JSON.stringify({ slot, status: 200, headers: {} }) })).then((answer) => answer.json());

  it('ends a slot only for its own see, once: a made-up or repeated see frees nothing', async () => {
    const budget = new KeyBudget();
    const first = await take(budget);
    expect(first).toMatchObject({ wait: 0, slot: expect.any(String) });
    let freed = false;
    const second = take(budget).then((grant) => ({ grant, freed }));
    await see(budget, 'not-a-slot');
    await see(budget, undefined);
    await new Promise((resolve) => setTimeout(resolve, 0)); // a task later: a slot freed by those would have gone
    freed = true;
    await see(budget, first.slot);
    const { grant, freed: after } = await second;
    expect(after).toBe(true);
    expect(grant.wait).toBe(0);
    expect(grant.slot).not.toBe(first.slot);
    // first's slot is ended: seeing it again frees nothing for a third.
    freed = false;
    const third = take(budget).then(() => freed);
    await see(budget, first.slot);
    await new Promise((resolve) => setTimeout(resolve, 0));
    freed = true;
    await see(budget, grant.slot);
    expect(await third).toBe(true);
  });

  it('ends for it a slot whose location never says (its lease: 1.5 × the timeout), so the key does not lose it', async () => {
    const budget = new KeyBudget();
    await take(budget, 40); // never seen: its location went away; its lease is 60 ms
    let granted = false;
    const second = take(budget, 1_000).then((grant) => ((granted = true), grant));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(granted).toBe(false); // the one slot is held
    // Without the lease the second would wait out its own 800 ms and fail (the object gives up at 80 % of it).
    expect(await second).toMatchObject({ wait: 0, slot: expect.any(String) });
  });

  it('counts slots queued before midnight and let through after it in the new day', async () => {
    // A clock that runs (the pacer refills with it), 100 ms before midnight UTC; moved on by `offset`.
    let offset = Date.UTC(2026, 11, 2, 23, 59, 59, 900) - Date.now();
    const budget = new KeyBudget({}, undefined, () => Date.now() + offset);
    const plan = { perSecond: 1_000, burst: 1, daily: 2 };
    const ask = () => budget.fetch(new Request('https://coordinator/take', { method: 'POST', body: JSON.stringify({ plan, url: 'u', timeout: 1_000 }) }))
      .then((answer) => answer.json() as Promise<{ wait: number; spent: number; slot?: string; daily?: true }>);
    const first = await ask(); // 1 of the day's 2, its slot held
    const [second, third] = [ask(), ask()];
    await new Promise((resolve) => setTimeout(resolve, 0)); // a task later: both are queued behind the first
    offset += 200; // past midnight
    await see(budget, first.slot);
    expect(await second).toMatchObject({ wait: 0, spent: 1, slot: expect.any(String) }); // the new day's first
    await see(budget, (await second).slot);
    expect(await third).toMatchObject({ wait: 0, spent: 2, slot: expect.any(String) });
  });

  it('refuses what is not its wire: another method, another path, a take without a plan', async () => {
    const budget = new KeyBudget();
    expect((await budget.fetch(new Request('https://coordinator/take'))).status).toBe(405);
    expect((await budget.fetch(new Request('https://coordinator/other', { method: 'POST', body: '{}' }))).status).toBe(404);
    expect((await budget.fetch(new Request('https://coordinator/take', { method: 'POST', body: '{"url":"x","timeout":10}' }))).status).toBe(400);
  });

  it.each([
    ['cannot be reached', () => Promise.reject(new Error('gone'))],
    ['answers 500', async () => new Response('{"wait":0,"spent":0,"urls":0}', { status: 500 })],
    ['answers what is not JSON', async () => new Response('<html>')],
    ['answers {}', async () => new Response('{}')],
    ['answers null', async () => new Response('null')],
    ['answers a wait that is text', async () => new Response('{"wait":"0","spent":0,"urls":0}')],
  ])('a coordinator that %s: 504 in the API\'s envelope, nothing sent (it fails closed)', async (_, fetch) => {
    const handler = createEdgeHandler({ upstream: api.url, store: memoryStore(), coordinator: () => ({ fetch }) });
    const answer = await handler(get('/products?limit=1'), undefined, { clientIp: '203.0.113.9' });
    expect(answer.status).toBe(504);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    expect(upstream()).toHaveLength(0);
  });

  it('a coordinator function that throws (a binding missing): 504 in the envelope, nothing sent', async () => {
    const handler = createEdgeHandler({ upstream: api.url, store: memoryStore(), coordinator: () => { throw new TypeError('env.STATESET_BUDGET is undefined'); } });
    const answer = await handler(get('/products?limit=1'), undefined, { clientIp: '203.0.113.9' });
    expect(answer.status).toBe(504);
    expect(upstream()).toHaveLength(0);
  });

  it('reports a slot\'s end beside the answer (through waitUntil), not before it', async () => {
    let release = (): void => undefined;
    const budget = new KeyBudget();
    const handler = createEdgeHandler({
      upstream: api.url, store: memoryStore(),
      coordinator: () => ({
        fetch: (input: string, init: RequestInit) => input.endsWith('/see')
          ? new Promise<Response>((resolve) => (release = () => void budget.fetch(new Request(input, init)).then(resolve)))
          : budget.fetch(new Request(input, init)),
      }),
    });
    const waits: Promise<unknown>[] = [];
    const answer = await handler(get('/products?limit=1'), undefined, { clientIp: '203.0.113.9', waitUntil: (promise) => waits.push(promise) });
    expect(answer.status).toBe(200); // while the report is still on its way
    expect(waits.length).toBeGreaterThan(0);
    release();
    await Promise.all(waits);
  });
});
