// @vitest-environment node
/** `@stateset/browser/testing`: the options merchants pass (faults, latency, seed) and the fault spec text form. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../src/index.js';
import { createStandInEngine, parseFault, PLANS, startStandIn, type StandIn, type StandInEngine } from '../src/testing/index.js';

const KEY = 'pk_test_testing1';
const auth = { authorization: `Bearer ${KEY}` };

describe('parseFault', () => {
  it.each([
    ['GET /account/balance 503 x2', { method: 'GET', path: '/v1/account/balance', status: 503, times: 2 }],
    ['/v1/products 429 no-headers x20', { path: '/v1/products', status: 429, rateLimitHeaders: 'none', times: 20 }],
    ['* 429 rate-limit-headers retry-after=3', { status: 429, rateLimitHeaders: 'all', retryAfter: '3' }],
    ['POST * 200 malformed-json', { method: 'POST', status: 200, body: 'malformed-json' }],
    ['/account/balance drift-missing 25%', { path: '/v1/account/balance', body: 'drift-missing', chance: 0.25 }],
    ['/account/balance close', { path: '/v1/account/balance', destroy: true }],
    ['GET * stall', { method: 'GET', stall: true }],
    ['  /products   2s   html  ', { path: '/v1/products', delay: 2000, body: 'html' }],
    ['/products 250ms', { path: '/v1/products', delay: 250 }],
  ])('%s', (spec, fault) => {
    expect(parseFault(spec)).toEqual(fault);
  });

  it('turns * in a path into one path segment', () => {
    const { path } = parseFault('/products/* 404');
    expect(path).toBeInstanceOf(RegExp);
    const pattern = path as RegExp;
    expect(pattern.test('/v1/products/prod_1')).toBe(true);
    expect(pattern.test('/v1/products')).toBe(false);
    expect(pattern.test('/v1/products/prod_1/variants')).toBe(false);
    expect(pattern.test('/v1/stablecoin/balance/x')).toBe(false);
  });

  it.each([
    ['GET /account/balance', /says where but not what/],
    ['GET /account/balance 503 bogus', /'bogus' is not/],
    ['/account/balance 700', /status 700 is not from 100 to 599/],
    ['/account/balance 099', /status 099/],
    ['/account/balance 503 x0', /x0 would never apply/],
    ['/account/balance 503 150%', /150% is more than 100%/],
    ['', /says where but not what/],
  ])('refuses %j with a ConfigError saying what is wrong', (spec, problem) => {
    const error = (() => { try { parseFault(spec); } catch (caught) { return caught; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ name: 'ConfigError', code: 'invalid_option' });
    expect((error as Error).message).toContain(`Invalid fault '${spec}'`);
    expect((error as Error).message).toMatch(problem);
  });
});

describe('startStandIn({ faults, latency, seed })', () => {
  let api: StandIn;
  beforeAll(async () => { api = await startStandIn(); });
  afterAll(() => api.close());
  beforeEach(() => api.setOptions({ faults: [], latency: 0, plan: false }));

  const statusOf = async (path: string, method = 'GET') => (await fetch(`${api.url}${path}`, { method, headers: auth })).status;

  it('applies faults given as specs at start, then answers normally', async () => {
    const started = await startStandIn({ faults: ['GET /account/balance 503 x2'] });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${started.url}/account/balance`, { headers: auth })).status);
      expect(statuses).toEqual([503, 503, 200]);
      expect(started.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    } finally {
      await started.close();
    }
  });

  it('setOptions({ faults }) replaces the active faults; fault() takes a spec too', async () => {
    api.fault('/products 500');
    api.setOptions({ faults: ['/account/balance 502'] });
    expect(await statusOf('/products')).toBe(200);
    expect(await statusOf('/account/balance')).toBe(502);
    api.clearFaults();
    expect(await statusOf('/account/balance')).toBe(200);
  });

  it('matches a fault\'s method (any case) and path', async () => {
    api.fault({ method: 'head', path: '/v1/account/balance', status: 500 });
    expect(await statusOf('/account/balance')).toBe(200);
    expect(await statusOf('/account/balance', 'HEAD')).toBe(500);
    api.fault('GET /products/* 418');
    expect(await statusOf('/products/prod_anything')).toBe(418);
    expect(await statusOf('/products')).toBe(200);
  });

  it('answers any status with the API\'s error envelope', async () => {
    api.fault('/account/balance 418 x1');
    const response = await fetch(`${api.url}/account/balance`, { headers: auth });
    expect(response.status).toBe(418);
    const body = await response.json() as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'doc_url', 'message', 'param', 'request_id', 'type']);
  });

  it('a 429 storm with every rate-limit header, with Retry-After only, or bare', async () => {
    api.setOptions({ now: () => 1_700_000_000_000 });
    try {
      api.fault('/account/balance 429 rate-limit-headers retry-after=7 x1');
      api.fault('/account/balance 429 x1');
      api.fault('/account/balance 429 no-headers x1');
      const answers: Response[] = [];
      for (let i = 0; i < 3; i++) answers.push(await fetch(`${api.url}/account/balance`, { headers: auth }));
      const header = (i: number, name: string) => answers[i]!.headers.get(name);
      expect(answers.map((a) => a.status)).toEqual([429, 429, 429]);
      expect([header(0, 'retry-after'), header(0, 'x-ratelimit-limit'), header(0, 'x-ratelimit-remaining'), header(0, 'x-ratelimit-reset')])
        .toEqual(['7', String(PLANS.free.perSecond), '0', String(1_700_000_000 + 7)]);
      expect([header(1, 'retry-after'), header(1, 'x-ratelimit-remaining')]).toEqual(['1', null]);
      expect([header(2, 'retry-after'), header(2, 'x-ratelimit-limit'), header(2, 'x-ratelimit-remaining')]).toEqual([null, null, null]);
      for (const answer of answers) expect(await answer.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    } finally {
      api.setOptions({ now: Date.now });
    }
  });

  it('closes the socket without an answer for a close fault', async () => {
    api.fault('/account/balance close x1');
    await expect(fetch(`${api.url}/account/balance`, { headers: auth })).rejects.toThrow(TypeError);
    expect(api.requests.at(-1)).toMatchObject({ path: '/v1/account/balance', status: 0 });
  });
});

describe('bad options', () => {
  it.each([
    [{ latency: -1 }, /Invalid latency -1/],
    [{ latency: { min: 50, max: 10 } }, /Invalid latency \{"min":50,"max":10\}/],
    [{ latency: Number.NaN }, /Invalid latency/],
    [{ seed: 1.5 }, /Invalid seed 1.5/],
    [{ faults: [{ status: 503, chance: 2 }] }, /Invalid fault chance 2/],
    [{ faults: ['GET /account/balance'] }, /Invalid fault 'GET \/account\/balance'/],
  ])('%j is a ConfigError', (options, message) => {
    expect(() => createStandInEngine(options)).toThrow(ConfigError);
    expect(() => createStandInEngine(options)).toThrow(message);
  });

  it('setOptions refuses them too, and keeps the previous value', async () => {
    const engine = createStandInEngine({ latency: 0 });
    expect(() => engine.setOptions({ latency: -5 })).toThrow(ConfigError);
    const outcome = await engine.respond({ method: 'GET', url: '/v1/account/balance', headers: auth });
    expect(outcome).toMatchObject({ status: 200 });
  });
});

describe('latency and seed (engine, fake timers)', () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); });
  afterEach(() => { vi.useRealTimers(); });

  /** Fake milliseconds until the engine answers one balance request. */
  async function delayOf(engine: StandInEngine): Promise<number> {
    let answered = false;
    void engine.respond({ method: 'GET', url: '/v1/account/balance', headers: auth }).then(() => { answered = true; });
    let elapsed = 0;
    await vi.advanceTimersByTimeAsync(0);
    while (!answered) {
      if (elapsed > 5_000) throw new Error('no answer after 5 s');
      await vi.advanceTimersByTimeAsync(1);
      elapsed++;
    }
    return elapsed;
  }

  it('delays every answer by latency, on top of a fault\'s delay', async () => {
    const engine = createStandInEngine({ latency: 50 });
    expect(await delayOf(engine)).toBe(50);
    engine.fault('/account/balance 30ms x1');
    expect(await delayOf(engine)).toBe(80);
    engine.setOptions({ latency: 0 });
    expect(await delayOf(engine)).toBe(0);
  });

  it('draws range latencies from the seed: same seed, same delays', async () => {
    const delays = async (seed: number) => {
      const engine = createStandInEngine({ latency: { min: 10, max: 60 }, seed });
      const out = [];
      for (let i = 0; i < 6; i++) out.push(await delayOf(engine));
      return out;
    };
    const first = await delays(42);
    expect(await delays(42)).toEqual(first);
    expect(await delays(43)).not.toEqual(first);
    for (const delay of first) {
      expect(delay).toBeGreaterThanOrEqual(10);
      expect(delay).toBeLessThanOrEqual(60);
    }
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('applies a chance fault to a seeded share of requests', async () => {
    vi.useRealTimers();
    const statuses = async (seed: number) => {
      const engine = createStandInEngine({ faults: ['/account/balance 503 50%'], seed });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        const outcome = await engine.respond({ method: 'GET', url: '/v1/account/balance', headers: auth });
        out.push(outcome && !outcome.destroy ? outcome.status : 0);
      }
      return out;
    };
    const first = await statuses(7);
    expect(await statuses(7)).toEqual(first);
    expect(await statuses(8)).not.toEqual(first);
    const failed = first.filter((status) => status === 503).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(first.filter((status) => status === 200)).toHaveLength(40 - failed);
  });
});
