// @vitest-environment node
/**
 * Hostile requests never reach upstream: secrets in any header, query or path (plain, percent-encoded once or
 * twice, base64, Basic auth), other methods, traversal, other hosts, unknown parameters, huge headers. Each is
 * answered by the edge itself with the API's error envelope. Checked on the fetch handler and, over real sockets,
 * on the Node adapter (which also sees raw targets a `Request` cannot carry).
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeHandler, memoryStore } from '../../src/edge/index.js';
import { listen, type RunningEdge } from '../../src/edge/node/index.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';

const KEY = 'pk_test_edge1';
let api: StandIn;
let running: RunningEdge;
beforeAll(async () => {
  api = await startStandIn();
  running = await listen({ port: 0, upstream: api.url, visitorMisses: { perSecond: 1_000, burst: 1_000 } });
});
afterAll(async () => {
  await running.close();
  await api.close();
});

const secret = fc.record({
  kind: fc.constantFrom('sk', 'rk', 'SK', 'Rk'),
  mode: fc.constantFrom('test', 'live'),
  rest: fc.stringMatching(/^[A-Za-z0-9]{1,24}$/),
}).map(({ kind, mode, rest }) => `${kind}_${mode}_${rest}`);

const percentAll = (text: string): string => [...text].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
/** The ways a key may be hidden in a request. */
const encodings: Record<string, (key: string) => string> = {
  plain: (key) => key,
  bearer: (key) => `Bearer ${key}`,
  underscores: (key) => key.replace(/_/g, '%5F'),
  everything: percentAll,
  twice: (key) => encodeURIComponent(key.replace(/_/g, '%5F')),
  base64: (key) => btoa(key),
  base64url: (key) => btoa(key).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
  basic: (key) => `Basic ${btoa(`${key}:`)}`,
  padded: (key) => `id=${key}; x`, // a key at a boundary (the house rule: `prod_desk_live_2024` is an id, not a key)
};

interface Hostile { method: string; path: string; headers: Record<string, string> }
const okHeaders = { Authorization: `Bearer ${KEY}` };

const secretRequest: fc.Arbitrary<Hostile> = fc.record({
  key: secret,
  encoding: fc.constantFrom(...Object.keys(encodings)),
  place: fc.constantFrom('header', 'authorization', 'account', 'query value', 'query name', 'path', 'path end'),
  header: fc.constantFrom('Cookie', 'X-Custom', 'Referer', 'User-Agent', 'Accept', 'X-Forwarded-For'),
  path: fc.constantFrom('/account/balance', '/products', '/products/prod_1'),
}).map(({ key, encoding, place, header, path }) => {
  const hidden = encodings[encoding]!(key);
  const inUrl = hidden.replace(/ /g, '%20');
  switch (place) {
    case 'header': return { method: 'GET', path, headers: { ...okHeaders, [header]: hidden } };
    case 'authorization': return { method: 'GET', path, headers: { Authorization: hidden } };
    case 'account': return { method: 'GET', path, headers: { ...okHeaders, 'X-Account-Id': hidden } };
    case 'query value': return { method: 'GET', path: `${path}?limit=1&starting_after=${inUrl}`, headers: okHeaders };
    case 'query name': return { method: 'GET', path: `${path}?${inUrl}=1`, headers: okHeaders };
    case 'path': return { method: 'GET', path: `/products/${inUrl}`, headers: okHeaders };
    default: return { method: 'GET', path: `${path}/${inUrl}`, headers: okHeaders };
  }
});

const otherRequest: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({
    method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'PROPFIND', 'FOO'),
    path: fc.constantFrom('/account/balance', '/products', '/payments', '/customers'),
  }).map(({ method, path }) => ({ method, path, headers: okHeaders })),
  fc.constantFrom(
    '/../admin', '/products/../../customers', '/products/%2e%2e/customers', '/products/..%2fcustomers', '/customers',
    '/products/prod_1/../../../x', '/products/prod_1%2f..%2f..%2fcustomers', '/account/balance/../../payments',
    '/products/%252e%252e%252fcustomers', '/https://evil.example/products', '//evil.example/products', '/products/@evil.example',
    '/products/prod_1@evil.example', '/stablecoin/balance/..', '/account/balance.json', '/products/', '/products/prod_1/',
    '/products?__proto__=1', '/products?redirect_uri=https://evil.example', '/products?url=x&host=y', '/products?a%5B%5D%5B%5D=1',
  ).map((path) => ({ method: 'GET', path, headers: okHeaders })),
  fc.integer({ min: 9_000, max: 60_000 }).map((size) => ({ method: 'GET', path: '/account/balance', headers: { ...okHeaders, 'X-Pad': 'a'.repeat(size) } })),
  fc.integer({ min: 2_100, max: 8_000 }).map((size) => ({ method: 'GET', path: `/products?starting_after=${'a'.repeat(size)}`, headers: okHeaders })),
  fc.constantFrom({}, { Authorization: 'pk_test_edge1' }, { Authorization: 'Bearer pk_test_' }, { Authorization: 'Bearer garbage' })
    .map((headers) => ({ method: 'GET', path: '/account/balance', headers: headers as Record<string, string> })),
);

const hostile = fc.oneof(secretRequest, otherRequest);

/** Checks the API's error envelope, and that no full secret came back. */
function expectEnvelope(status: number, body: string, method: string, request: Hostile): void {
  expect(status, `${method} ${request.path}`).toBeGreaterThanOrEqual(400);
  if (method === 'HEAD') return;
  const { error } = JSON.parse(body) as { error: { type: unknown; code: unknown; message: unknown; doc_url: unknown } };
  expect(typeof error.type).toBe('string');
  expect(typeof error.code).toBe('string');
  expect(error.doc_url).toBe(`https://docs.stateset.com/errors/${error.code}`);
  expect(body).not.toMatch(/[sr]k_(test|live)_[A-Za-z0-9]{2}/i);
}

describe('hostile requests', () => {
  it('reach upstream 0 times through the fetch handler; each is refused with the API\'s error envelope', async () => {
    const handler = createEdgeHandler({ upstream: api.url, store: memoryStore() });
    api.reset();
    let refusedSecrets = 0;
    await fc.assert(fc.asyncProperty(hostile, async (request) => {
      const response = await handler(new Request(`https://edge.example/v1${request.path}`, { method: request.method, headers: request.headers }), undefined, { clientIp: '203.0.113.9' });
      const body = await response.text();
      expectEnvelope(response.status, body, request.method, request);
      if (response.status === 403) refusedSecrets++;
    }), { numRuns: 400 });
    expect(api.requests).toHaveLength(0);
    expect(refusedSecrets).toBeGreaterThan(50);
    // The same edge does forward a good request: the property is about the requests, not a dead edge.
    expect((await handler(new Request('https://edge.example/v1/account/balance', { headers: okHeaders }), undefined, { clientIp: '203.0.113.9' })).status).toBe(200);
    expect(api.requests).toHaveLength(1);
  });

  it('refuses a secret before anything else (method, path, size of the URL)', async () => {
    const handler = createEdgeHandler({ upstream: api.url, store: memoryStore() });
    const refused = await handler(new Request('https://edge.example/v1/payments?x=sk_live_abc', { method: 'DELETE' }));
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: 'secret_key_refused', type: 'permission_error', message: expect.stringContaining('sk_live_…') });
    // The key guard's own rule: an id that only contains `sk_live_` inside a word is not a key, and is forwarded.
    const id = await handler(new Request('https://edge.example/v1/products/prod_desk_live_2024', { headers: okHeaders }), undefined, { clientIp: '203.0.113.9' });
    expect(id.status).toBe(404);
    expect((await id.json()).error.message).toMatch(/No such product/); // the stand-in's answer, not the edge's refusal
  });

  /** One raw HTTP/1.1 request (the target as given: absolute-form, `..`, anything). */
  const raw = (method: string, target: string, headers: Record<string, string>): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const url = new URL(running.url);
      const req = httpRequest({ host: url.hostname, port: url.port, method, path: target, headers, setHost: true, insecureHTTPParser: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  /** Bytes written to a socket as they are: request lines Node's client would not send. */
  const socket = (head: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const url = new URL(running.url);
      let text = '';
      const conn = connect(Number(url.port), url.hostname, () => conn.end(`${head}\r\nHost: edge.example\r\nAuthorization: Bearer ${KEY}\r\nConnection: close\r\n\r\n`));
      conn.setEncoding('utf8');
      conn.on('data', (chunk: string) => (text += chunk));
      conn.on('error', reject);
      conn.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
    });

  it('reach upstream 0 times through the Node adapter, raw targets included', async () => {
    api.reset();
    await fc.assert(fc.asyncProperty(hostile, async (request) => {
      const { status, body } = await raw(request.method, `/v1${request.path}`, request.headers);
      expectEnvelope(status, body, request.method, request);
    }), { numRuns: 150 });
    for (const line of ['GET http://evil.example/v1/account/balance HTTP/1.1', 'GET evil.example:443 HTTP/1.1', 'CONNECT evil.example:443 HTTP/1.1', 'TRACE /v1/account/balance HTTP/1.1', 'GET /v1/../../etc/passwd HTTP/1.1']) {
      const { status, body } = await socket(line);
      expectEnvelope(status, body, line, { method: line, path: line, headers: okHeaders });
    }
    const huge = await raw('GET', '/v1/account/balance', { ...okHeaders, 'X-Pad': 'a'.repeat(70_000) });
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body).error.code).toBe('request_header_fields_too_large');
    expect(api.requests).toHaveLength(0);
    expect((await raw('GET', '/v1/account/balance', okHeaders)).status).toBe(200);
    expect(api.requests).toHaveLength(1);
  });
});
