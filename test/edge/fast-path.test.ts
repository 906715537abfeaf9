// @vitest-environment node
/**
 * The Node adapter's fast path for cache hits: a GET byte for byte like one the full handler let through is
 * answered from the store without a `Request`/`Response`, with the same status, headers and body; anything that
 * differs (a secret anywhere, another key, another origin, If-None-Match) goes through every check again, even
 * when a hit for the same path is cached.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fastPath, type FastAnswer } from '../../src/edge/handler.js';
import { createEdgeHandler, memoryStore, type EdgeHandler } from '../../src/edge/index.js';
import { toNodeListener } from '../../src/edge/node/index.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';

const KEY = 'pk_test_edge1';
const OTHER = 'pk_test_edge2';
const SHOP = 'https://shop.example';
const okHeaders = { Authorization: `Bearer ${KEY}` };
type Fast = (name: string) => Promise<FastAnswer | undefined> | undefined;

let api: StandIn;
let server: Server;
let port = 0;
let handler: EdgeHandler;
let full = 0; // requests that reached the full handler
beforeAll(async () => {
  api = await startStandIn();
  handler = createEdgeHandler({ upstream: api.url, store: memoryStore(), allowedOrigins: [SHOP], publishableKeys: [KEY, OTHER], visitorMisses: { perSecond: 1_000, burst: 1_000 } });
  const counted = Object.assign((request: Request, env?: unknown, ctx?: object) => (full++, handler(request, env, ctx)), {
    stats: handler.stats,
    [fastPath]: (handler as unknown as { [fastPath]: Fast })[fastPath],
  });
  server = createServer(toNodeListener(counted)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.close();
  server.closeAllConnections();
  await api.close();
});
beforeEach(() => api.reset());

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }
/** One request with exactly these headers (Node's client adds the same Host and Connection each time). */
const get = (path: string, headers: Record<string, string> = okHeaders): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/v1${path}`, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
/** The headers that may differ between two answers of the same stored entry. */
const comparable = ({ date: _date, age: _age, 'cache-control': _cache, connection: _connection, 'keep-alive': _keep, ...rest }: Answer['headers']) => rest;

describe('the Node adapter\'s fast path', () => {
  it('answers a repeated hit without the full handler, with the full handler\'s status, headers and body', async () => {
    const first = await get('/products?limit=2', { ...okHeaders, Origin: SHOP });
    const afterFirst = full;
    const second = await get('/products?limit=2', { ...okHeaders, Origin: SHOP });
    expect(full).toBe(afterFirst); // the fast path answered
    expect(second.headers['x-stateset-edge']).toBe('HIT');
    expect(first.headers['x-stateset-edge']).toBe('MISS');
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.headers['access-control-allow-origin']).toBe(SHOP);
    expect(Number(second.headers['content-length'])).toBe(Buffer.byteLength(first.body));
    expect(comparable(second.headers)).toEqual({ ...comparable(first.headers), 'x-stateset-edge': 'HIT' });
    expect(api.requests).toHaveLength(1);
  });

  it('answers If-None-Match with 304 on the fast path as the full handler does', async () => {
    const { headers } = await get('/account/balance');
    const etag = headers.etag as string;
    const conditional = { ...okHeaders, 'If-None-Match': `W/${etag}` };
    const before = full;
    const fullAnswer = await get('/account/balance', conditional);
    expect(full).toBe(before + 1); // new raw headers: every check again
    const fastAnswer = await get('/account/balance', conditional);
    expect(full).toBe(before + 1);
    expect([fullAnswer.status, fastAnswer.status]).toEqual([304, 304]);
    expect(fastAnswer.body).toBe('');
    expect(comparable(fastAnswer.headers)).toEqual(comparable(fullAnswer.headers));
    const other = await get('/account/balance', { ...okHeaders, 'If-None-Match': '"something-else"' });
    expect(other.status).toBe(200);
  });

  it('refuses a secret in a header, the query or the path although a hit for the same path is cached', async () => {
    const product = (JSON.parse((await get('/products?limit=1')).body) as { data: Array<{ id: string }> }).data[0]!.id;
    for (const path of ['/account/balance', '/products', `/products/${product}`]) {
      await get(path);
      const before = full;
      expect((await get(path)).headers['x-stateset-edge']).toBe('HIT');
      expect(full).toBe(before); // the hit is on the fast path
    }
    api.reset();
    const before = full;
    const refused: Array<[string, Record<string, string>]> = [
      ['/account/balance', { ...okHeaders, 'X-Custom': 'sk_live_abc123' }],
      ['/account/balance', { ...okHeaders, Cookie: `k=${btoa('sk_live_abc123')}` }],
      ['/account/balance', { Authorization: 'Bearer sk_live_abc123' }],
      ['/account/balance', { Authorization: `Basic ${btoa('sk_live_abc123:')}` }],
      ['/account/balance', { ...okHeaders, 'X-Account-Id': 'rk_test_abc123' }],
      ['/products?starting_after=sk_live_abc123', okHeaders],
      ['/products?starting_after=sk%255Flive%255Fabc123', okHeaders],
      ['/products/sk_live_abc123', okHeaders],
      ['/account/balance/sk_test_abc123', okHeaders],
    ];
    for (const [path, headers] of refused) {
      const answer = await get(path, headers);
      expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('secret_key_refused');
    }
    expect(full).toBe(before + refused.length); // none of them took the fast path
    expect(api.requests).toHaveLength(0);
  });

  it('checks another key, an unlisted key and another origin again', async () => {
    await get('/account/balance');
    await get('/account/balance');
    const unlisted = await get('/account/balance', { Authorization: 'Bearer pk_test_stranger' });
    expect(unlisted.status).toBe(401);
    const other = await get('/account/balance', { Authorization: `Bearer ${OTHER}` });
    expect(other.headers['x-stateset-edge']).toBe('MISS'); // its own entry, not KEY's
    const evil = await get('/account/balance', { ...okHeaders, Origin: 'https://evil.example' });
    expect(evil.headers['x-stateset-edge']).toBe('HIT');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, method: 'OPTIONS', path: '/v1/account/balance', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(preflight).toBe(403);
  });

  it('refuses every hostile variant of a cached request, 0 reaching upstream (property)', async () => {
    await get('/products');
    await get('/products');
    api.reset();
    const secret = fc.tuple(fc.constantFrom('sk', 'rk'), fc.constantFrom('test', 'live'), fc.stringMatching(/^[A-Za-z0-9]{1,16}$/)).map((parts) => parts.join('_'));
    const hide = fc.constantFrom((key: string) => key, (key: string) => encodeURIComponent(key.replace(/_/g, '%5F')), (key: string) => btoa(key), (key: string) => `Bearer ${key}`);
    await fc.assert(fc.asyncProperty(secret, hide, fc.constantFrom('header', 'authorization', 'query', 'path'), async (key, encode, place) => {
      const hidden = encode(key);
      const answer = place === 'header' ? await get('/products', { ...okHeaders, 'X-Custom': hidden })
        : place === 'authorization' ? await get('/products', { Authorization: hidden })
        : place === 'query' ? await get(`/products?starting_after=${hidden.replace(/ /g, '%20')}`)
        : await get(`/products/${hidden.replace(/ /g, '%20')}`);
      expect(answer.status).toBe(403);
    }), { numRuns: 60 });
    expect(api.requests).toHaveLength(0);
  });
});

describe('fastPath names', () => {
  const name = (headers: string[], target = '/v1/account/balance') => `GET\n${headers.length}\n${target}\n${headers.join('\n')}`;
  const ask = async (edge: EdgeHandler, raw: string, headers: Record<string, string>) => {
    await edge(new Request('http://edge.invalid/v1/account/balance', { headers }), undefined, { clientIp: '203.0.113.1', [fastPath]: raw } as object);
    return (edge as unknown as { [fastPath]: Fast })[fastPath](raw);
  };

  it('keeps a verdict only for a name with exactly as many lines as it counts', async () => {
    const edge = createEdgeHandler({ upstream: api.url, store: memoryStore() });
    const good = name(['Authorization', `Bearer ${KEY}`]);
    expect((await ask(edge, good, okHeaders))?.status).toBe(200);
    // A line break inside a value makes the name ambiguous: never kept.
    const broken = `GET\n4\n/v1/account/balance\nAuthorization\nBearer ${KEY}\nX-A\nb\nc`;
    expect(await ask(edge, broken, okHeaders)).toBeUndefined();
    expect(await ask(edge, `POST\n2\n/v1/account/balance\nAuthorization\nBearer ${KEY}`, okHeaders)).toBeUndefined();
    // A refused request leaves no verdict either.
    const refused = name(['Authorization', 'Bearer sk_live_abc']);
    expect(await ask(edge, refused, { Authorization: 'Bearer sk_live_abc' })).toBeUndefined();
  });

  it('gives undefined once the answer is past its TTL (the full handler then revalidates)', async () => {
    let clock = Date.now();
    const edge = createEdgeHandler({ upstream: api.url, plan: { perSecond: 10, burst: 20 }, store: memoryStore({ now: () => clock }), now: () => clock });
    const good = name(['Authorization', `Bearer ${KEY}`]);
    expect((await ask(edge, good, okHeaders))?.status).toBe(200);
    clock += 4_000;
    expect((await (edge as unknown as { [fastPath]: Fast })[fastPath](good))?.status).toBe(200);
    clock += 2_000; // balance: 5 s
    expect(await (edge as unknown as { [fastPath]: Fast })[fastPath](good)).toBeUndefined();
    expect(edge.stats().hits).toBe(2);
  });
});
