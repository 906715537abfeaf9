// @vitest-environment node
/** The edge's fetch handler against the stand-in: what it forwards, caches, collapses, paces and refuses. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEdgeHandler, memoryStore, stretchedTtl, type EdgeOptions } from '../../src/edge/index.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';

const KEY = 'pk_test_edge1';
const ORIGIN = 'https://shop.example';
let api: StandIn;
let time: number;
const now = (): number => time;

beforeAll(async () => { api = await startStandIn({ now: () => time }); });
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  api.setOptions({ plan: false });
  time = Date.UTC(2026, 11, 2, 12);
});

/** An edge on a plan without a daily limit (so TTLs are the endpoints' own) unless a test gives one. */
const edge = (options: EdgeOptions = {}) =>
  createEdgeHandler({ upstream: api.url, store: memoryStore({ now }), now, allowedOrigins: [ORIGIN], plan: { perSecond: 100, burst: 200 }, ...options });
const get = (path: string, headers: Record<string, string> = {}, ip = '203.0.113.1') =>
  new Request(`https://shop.example/v1${path}`, { headers: { Authorization: `Bearer ${KEY}`, ...headers } });
const ctx = (ip = '203.0.113.1') => ({ clientIp: ip });
const upstream = () => api.requests.filter((request) => request.method !== 'OPTIONS');

describe('forwarding', () => {
  it('answers an allow-listed GET with the API\'s body and forwards only Authorization, X-Account-Id and Accept', async () => {
    const handler = edge();
    const direct = await (await fetch(`${api.url}/products?limit=2`, { headers: { Authorization: `Bearer ${KEY}` } })).json();
    api.reset();
    const response = await handler(get('/products?limit=2', { Cookie: 'session=1', 'X-Forwarded-For': '10.0.0.1', Referer: 'https://shop.example/x', 'X-Account-Id': 'acct_1' }), undefined, ctx());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(direct);
    const [sent] = upstream();
    expect(sent!.url).toBe('/v1/products?limit=2');
    expect(sent!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent!.headers['x-account-id']).toBe('acct_1');
    expect(sent!.headers.accept).toBe('application/json');
    for (const name of ['cookie', 'x-forwarded-for', 'referer', 'origin']) expect(sent!.headers).not.toHaveProperty(name);
  });

  it('collapses identical misses into one upstream request and serves the rest from the cache', async () => {
    const handler = edge();
    api.fault({ delay: 50, times: 1 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => handler(get('/account/balance'), undefined, ctx())));
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    expect(upstream()).toHaveLength(1);
    const again = await handler(get('/account/balance'), undefined, ctx());
    expect(again.headers.get('X-StateSet-Edge')).toBe('HIT');
    expect(upstream()).toHaveLength(1);
    expect(handler.stats()).toMatchObject({ upstream: 1, hits: 1 });
  });

  it('keys the cache by key, account and the normalised (sorted) query', async () => {
    const handler = edge();
    await handler(get('/products?status=active&limit=3'), undefined, ctx());
    await handler(get('/products?limit=3&status=active'), undefined, ctx());
    expect(upstream()).toHaveLength(1);
    expect(upstream()[0]!.url).toBe('/v1/products?limit=3&status=active');
    await handler(get('/products?limit=3&status=active', { 'X-Account-Id': 'acct_2' }), undefined, ctx());
    await handler(new Request('https://shop.example/v1/products?limit=3&status=active', { headers: { Authorization: 'Bearer pk_test_other' } }), undefined, ctx());
    expect(upstream()).toHaveLength(3);
  });

  it('goes only to the upstream origin, follows no redirect and stores neither errors nor answers with Set-Cookie', async () => {
    const calls: Array<{ url: string; redirect: RequestRedirect | undefined }> = [];
    let reply = (): Response => new Response(null, { status: 302, headers: { Location: 'https://evil.example/' } });
    const handler = edge({
      upstream: 'https://api.stateset.com/v1',
      fetch: async (url, init) => (calls.push({ url, redirect: init.redirect }), reply()),
    });
    const redirected = await handler(get('/account/balance'), undefined, ctx());
    expect(redirected.status).toBe(502);
    expect(calls).toEqual([{ url: 'https://api.stateset.com/v1/account/balance', redirect: 'manual' }]);
    const balance = '{"object":"balance","livemode":false,"available":[],"pending":[]}';
    reply = () => new Response(balance, { headers: { 'Set-Cookie': 'a=b', 'Content-Type': 'application/json' } });
    expect(await (await handler(get('/account/balance'), undefined, ctx())).text()).toBe(balance);
    await handler(get('/account/balance'), undefined, ctx());
    expect(calls).toHaveLength(3); // the Set-Cookie answer was not stored
    reply = () => new Response('{"error":{"type":"invalid_request_error","code":"resource_missing","message":"no"}}', { status: 404 });
    const missing = await handler(get('/products/prod_nope'), undefined, ctx());
    expect(missing.status).toBe(404);
    await handler(get('/products/prod_nope'), undefined, ctx());
    expect(calls).toHaveLength(5); // errors are not cached
  });

  it('answers JSON only: an upstream HTML error page becomes the API\'s envelope (the edge may be on the shop\'s origin)', async () => {
    const handler = edge();
    api.fault({ status: 502, body: 'html', times: 1 });
    const answer = await handler(get('/account/balance'), undefined, ctx());
    expect(answer.status).toBe(502);
    expect(answer.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect((await answer.json()).error.code).toBe('api_error');
  });

  it('does not store an answer that fails the endpoint\'s schema', async () => {
    const handler = edge();
    api.fault({ body: 'html', times: 1 });
    expect((await handler(get('/account/balance'), undefined, ctx())).status).toBe(502);
    expect((await handler(get('/account/balance'), undefined, ctx())).status).toBe(200);
    expect(upstream()).toHaveLength(2);
  });
});

describe('staleness', () => {
  it('serves an expired answer while one refresh runs (stale-while-revalidate), with Age and Warning', async () => {
    const handler = edge({ staleWhileRevalidate: 60_000 });
    await handler(get('/account/balance'), undefined, ctx());
    time += 6_000; // balance's TTL is 5 s
    const waits: Promise<unknown>[] = [];
    const stale = await handler(get('/account/balance'), undefined, { clientIp: '203.0.113.1', waitUntil: (promise) => waits.push(promise) });
    expect(stale.headers.get('X-StateSet-Edge')).toBe('REVALIDATING');
    expect(stale.headers.get('Age')).toBe('6');
    expect(stale.headers.get('Warning')).toMatch(/^110 /);
    expect(waits).toHaveLength(1);
    await Promise.all(waits);
    expect(upstream()).toHaveLength(2);
    expect((await handler(get('/account/balance'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('HIT');
  });

  it.each([429, 503])('serves the last good answer when upstream answers %i (stale-if-error), and the API\'s error without one', async (status) => {
    const handler = edge({ staleWhileRevalidate: 0 });
    await handler(get('/account/balance'), undefined, ctx());
    time += 30_000;
    api.fault({ status });
    const stale = await handler(get('/account/balance'), undefined, ctx());
    expect(stale.status).toBe(200);
    expect(stale.headers.get('X-StateSet-Edge')).toBe('STALE');
    expect(stale.headers.get('Age')).toBe('30');
    expect(stale.headers.get('Warning')).toMatch(/Stale/);
    time += 2_000; // past the pause a 429 asks for (Retry-After: 1), which the pacer keeps
    const none = await handler(get('/products?limit=1'), undefined, ctx());
    expect(none.status).toBe(status);
    expect((await none.json()).error.code).toBe(status === 429 ? 'rate_limit_exceeded' : 'api_error');
  });

  it('while upstream fails, serves stored answers at once for its Retry-After, then tries again', async () => {
    const handler = edge({ staleWhileRevalidate: 0 });
    await handler(get('/account/balance'), undefined, ctx());
    await handler(get('/products?limit=1'), undefined, ctx());
    time += 70_000;
    api.fault({ status: 429, retryAfter: '3' });
    expect((await handler(get('/account/balance'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('STALE');
    expect(upstream()).toHaveLength(3);
    time += 2_000; // within the 3 s asked for: other stored answers of the key are served without asking again
    const during = await handler(get('/products?limit=1'), undefined, ctx());
    expect(during.headers.get('X-StateSet-Edge')).toBe('STALE');
    expect(upstream()).toHaveLength(3);
    api.clearFaults();
    time += 2_000; // past the pause: this visitor still gets the stored answer at once, and one refresh runs behind it
    const waits: Promise<unknown>[] = [];
    const after = await handler(get('/products?limit=1'), undefined, { clientIp: '203.0.113.1', waitUntil: (promise) => waits.push(promise) });
    expect(after.headers.get('X-StateSet-Edge')).toBe('STALE');
    expect(waits).toHaveLength(1);
    await Promise.all(waits);
    expect(upstream()).toHaveLength(4);
    // The refresh got an answer: the outage is over for every URL of the key, and a miss goes upstream again.
    expect((await handler(get('/products?limit=1'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('HIT');
    expect((await handler(get('/account/balance'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('MISS');
    expect(upstream()).toHaveLength(5);
  });

  it('while the pacer still holds a 429\'s pause (its spread past the Retry-After), stored answers come at once, not behind it', async () => {
    const handler = edge({ staleWhileRevalidate: 0 });
    await handler(get('/account/balance'), undefined, ctx());
    time += 10_000;
    api.fault({ status: 429, retryAfter: '1' });
    expect((await handler(get('/account/balance'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('STALE');
    // 1 s on: the Retry-After is over, but the pacer's pause ends at a random time in [1 s, 2 s) and the simulated
    // clock does not move while a request waits, so an answer queued behind the pause would never come.
    time += 1_000;
    const waits: Promise<unknown>[] = [];
    const answer = await handler(get('/account/balance'), undefined, { clientIp: '203.0.113.1', waitUntil: (promise) => waits.push(promise) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('X-StateSet-Edge')).toBe('STALE');
    expect(waits).toHaveLength(1); // the refresh, waiting for the pacer in the background
    time += 2_000; // past the pause: the refresh goes (and gets the 429 again) before the next test starts
    await Promise.all(waits);
    expect(upstream()).toHaveLength(3);
  });

  it('an outage is the account\'s: a failure for a made-up X-Account-Id leaves the real account\'s answers refreshing', async () => {
    const handler = edge({ staleWhileRevalidate: 0, fetch: (url, init) => new Headers(init.headers).get('X-Account-Id') === 'acct_madeup'
      ? Promise.resolve(new Response('{"error":{"type":"api_error","code":"api_error","message":"down"}}', { status: 503 }))
      : fetch(url, init) });
    await handler(get('/account/balance'), undefined, ctx());
    time += 10_000;
    expect((await handler(get('/account/balance', { 'X-Account-Id': 'acct_madeup' }), undefined, ctx('198.51.100.9'))).status).toBe(503);
    const real = await handler(get('/account/balance'), undefined, ctx());
    expect(real.headers.get('X-StateSet-Edge')).toBe('MISS'); // refreshed, not frozen on its stored answer
    expect(upstream()).toHaveLength(2);
  });

  it('while failing, past the Retry-After, one refresh at a time tries again for all the account\'s stale URLs', async () => {
    const handler = edge({ staleWhileRevalidate: 0 });
    for (let limit = 1; limit <= 4; limit++) await handler(get(`/products?limit=${limit}`), undefined, ctx());
    time += 70_000;
    api.fault({ status: 503, delay: 50 });
    expect((await handler(get('/products?limit=1'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('STALE');
    expect(upstream()).toHaveLength(5);
    time += 2_000; // past the 1 s the 503 left the upstream alone
    const waits: Promise<unknown>[] = [];
    const answers = await Promise.all([1, 2, 3, 4].map((limit) => handler(get(`/products?limit=${limit}`), undefined, { clientIp: '203.0.113.1', waitUntil: (promise) => waits.push(promise) })));
    expect(answers.map((answer) => answer.headers.get('X-StateSet-Edge'))).toEqual(['STALE', 'STALE', 'STALE', 'STALE']);
    await Promise.all(waits);
    expect(upstream()).toHaveLength(6); // one probe, not four
  });

  it('serves the last good answer when upstream cannot be reached', async () => {
    let down = false;
    const handler = edge({ staleWhileRevalidate: 0, fetch: (url, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(url, init)) });
    await handler(get('/account/balance'), undefined, ctx());
    time += 10_000;
    down = true;
    expect((await handler(get('/account/balance'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('STALE');
    expect((await handler(get('/products'), undefined, ctx())).status).toBe(502);
  });
});

describe('budget', () => {
  it('stretches the TTL to fit the day: urls × time left / requests left', () => {
    expect(stretchedTtl(5_000, 2, 86_400_000, 1_000)).toBe(172_800);
    expect(stretchedTtl(60_000, 1, 86_400_000, 1_000)).toBe(86_400);
    expect(stretchedTtl(5_000, 2, 3_600_000, 100_000)).toBe(5_000);
    expect(stretchedTtl(5_000, 2, 86_400_000, Infinity)).toBe(5_000);
  });

  it('keeps answers longer on a small daily limit, and stops at the limit', async () => {
    const handler = edge({ plan: { perSecond: 100, burst: 100, daily: 4 }, staleWhileRevalidate: 0, staleIfError: 0 });
    await handler(get('/account/balance'), undefined, ctx());
    // One URL in use, 4 a day, half a day left: 43,200 s / 4 = 3 h.
    time += 3 * 3_600_000 - 2_000;
    expect((await handler(get('/account/balance'), undefined, ctx())).headers.get('X-StateSet-Edge')).toBe('HIT');
    for (const limit of [1, 2, 3]) expect((await handler(get(`/products?limit=${limit}`), undefined, ctx())).status).toBe(200);
    const over = await handler(get('/products?limit=4'), undefined, ctx());
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(upstream()).toHaveLength(4);
  });

  it('counts the day per key: other X-Account-Id values spend the same daily limit', async () => {
    const handler = edge({ plan: { perSecond: 100, burst: 100, daily: 3 }, staleWhileRevalidate: 0, staleIfError: 0 });
    for (const account of ['acct_a', 'acct_b', 'acct_c']) expect((await handler(get('/account/balance', { 'X-Account-Id': account }), undefined, ctx())).status).toBe(200);
    expect((await handler(get('/account/balance', { 'X-Account-Id': 'acct_d' }), undefined, ctx())).status).toBe(429);
    expect(upstream()).toHaveLength(3);
  });

  // (The stand-in's bucket starts when the first request reaches it, a little after the edge's: on exactly the same
  // rate a later request could arrive a millisecond early under load. The stand-in runs 20/s, the edge 15/s.)
  it('never sends upstream faster than the plan (the pacer): no 429 from a stand-in on its rate', async () => {
    api.setOptions({ plan: { perSecond: 20, burst: 3 } });
    time = Date.now();
    const realNow = () => Date.now();
    api.setOptions({ now: realNow });
    const handler = edge({ plan: { perSecond: 15, burst: 3 }, now: realNow, store: memoryStore(), visitorMisses: { perSecond: 100, burst: 100 } });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => handler(get(`/products?limit=${index + 1}`), undefined, ctx())));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(upstream().map((request) => request.status)).toEqual(Array(10).fill(200));
    api.setOptions({ now: () => time });
  });

  it('keeps one budget per key whatever X-Account-Id says: made-up accounts open no second pacer (no 429 from a stand-in on the plan)', async () => {
    api.setOptions({ plan: { perSecond: 20, burst: 3 } });
    const realNow = () => Date.now();
    api.setOptions({ now: realNow });
    const handler = edge({ plan: { perSecond: 15, burst: 3 }, now: realNow, store: memoryStore(), visitorMisses: { perSecond: 100, burst: 100 } });
    const key = { Authorization: 'Bearer pk_test_edgeAccounts1' }; // a bucket of its own at the stand-in
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => handler(get('/account/balance', { ...key, 'X-Account-Id': `acct_${index}` }), undefined, ctx())));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(new Set(upstream().map((request) => request.headers['x-account-id'])).size).toBe(10); // ten cache entries
    expect(upstream().map((request) => request.status)).toEqual(Array(10).fill(200));
    api.setOptions({ now: () => time });
  });

  it('limits cache misses per visitor: 429 and Retry-After to that address only, hits still served', async () => {
    const handler = edge({ visitorMisses: { perSecond: 0.5, burst: 2 } });
    for (const limit of [1, 2]) expect((await handler(get(`/products?limit=${limit}`), undefined, ctx('198.51.100.7'))).status).toBe(200);
    const limited = await handler(get('/products?limit=3'), undefined, ctx('198.51.100.7'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('2');
    expect((await limited.json()).error.type).toBe('rate_limit_error');
    expect((await handler(get('/products?limit=1'), undefined, ctx('198.51.100.7'))).status).toBe(200);
    expect((await handler(get('/products?limit=3'), undefined, ctx('198.51.100.8'))).status).toBe(200);
    expect(upstream()).toHaveLength(3);
  });

  it('reads the visitor\'s address from the configured header', async () => {
    const handler = edge({ clientIp: 'CF-Connecting-IP', visitorMisses: { perSecond: 0.5, burst: 1 } });
    expect((await handler(get('/products?limit=1', { 'CF-Connecting-IP': '192.0.2.1' }))).status).toBe(200);
    expect((await handler(get('/products?limit=2', { 'CF-Connecting-IP': '192.0.2.1' }))).status).toBe(429);
    expect((await handler(get('/products?limit=2', { 'CF-Connecting-IP': '192.0.2.2' }))).status).toBe(200);
  });
});

describe('browser-facing headers', () => {
  it('answers a preflight from an allowed origin with Max-Age, and refuses others', async () => {
    const handler = edge();
    const preflight = (origin: string) => handler(new Request('https://edge.example/v1/products', {
      method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    }));
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(allowed.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/);
    // The client revalidates an answer whose ETag it can read (the edge exposes it) with If-None-Match.
    expect(allowed.headers.get('Access-Control-Allow-Headers')).toMatch(/\bIf-None-Match\b/);
    expect(allowed.headers.get('Access-Control-Max-Age')).toBe('86400');
    const other = await preflight('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(upstream()).toHaveLength(0);
  });

  it('sends CORS, Expose-Headers, private max-age of the TTL left, Vary, and ETag with 304', async () => {
    const handler = edge();
    const first = await handler(get('/account/balance', { Origin: ORIGIN }), undefined, ctx());
    expect(first.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(first.headers.get('Access-Control-Expose-Headers')).toMatch(/X-RateLimit-Remaining.*Retry-After/);
    expect(first.headers.get('Cache-Control')).toBe('private, max-age=5');
    expect(first.headers.get('Vary')).toBe('Authorization, X-Account-Id, Origin');
    const etag = first.headers.get('ETag')!;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    time += 2_000;
    const second = await handler(get('/account/balance', { 'If-None-Match': etag }), undefined, ctx());
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(second.headers.get('Cache-Control')).toBe('private, max-age=3');
    expect((await handler(get('/account/balance', { 'If-None-Match': '"other"' }), undefined, ctx())).status).toBe(200);
    expect(upstream()).toHaveLength(1);
  });
});
