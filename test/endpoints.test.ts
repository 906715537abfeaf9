/** Each endpoint against the stand-in API: happy path and every way it can fail. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError, createClient, getBalance, getProduct, getStablecoinBalance, InvalidResponseError, listProducts, NetworkError,
  paginate, request, StateSetError, TimeoutError, type Client,
} from '../src/index.js';
import { accountBalance } from '../src/testing/data.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

const address = `stateset1${'q'.repeat(38)}`;
const client = (options: Partial<Parameters<typeof createClient>[0]> = {}): Client =>
  createClient({ publishableKey: 'pk_test_endpoints1', apiBase: api.url, retry: 0, ...options });

/** Each endpoint: how to call it, the path the stand-in sees, and a field every valid answer has. */
const endpoints = [
  { name: 'getBalance', path: '/v1/account/balance', call: (c: Client) => getBalance(c), check: (body: any) => expect(body.object).toBe('balance') },
  { name: 'listProducts', path: '/v1/products', call: (c: Client) => listProducts(c), check: (body: any) => expect(body.data.length).toBe(10) },
  { name: 'getProduct', path: /^\/v1\/products\/prod_/, call: async (c: Client) => getProduct(c, (await listProducts(c, { limit: 1 })).data[0]!.id), check: (body: any) => expect(body.id).toMatch(/^prod_/) },
  { name: 'getStablecoinBalance', path: /^\/v1\/stablecoin\/balance\//, call: (c: Client) => getStablecoinBalance(c, address), check: (body: any) => expect(body.balances.total).toMatch(/^\d+\.\d+$/) },
];

async function rejection(promise: Promise<unknown>): Promise<StateSetError> {
  const error = await promise.then(() => { throw new Error('expected a rejection'); }, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(StateSetError);
  return error as StateSetError;
}

describe.each(endpoints)('$name', ({ path, call, check }) => {
  it('returns the validated body, sending the publishable key and nothing else', async () => {
    check(await call(client({ accountId: 'acct_123' })));
    const sent = api.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer pk_test_endpoints1');
    expect(sent.headers['x-account-id']).toBe('acct_123');
  });

  it('keeps unknown extra fields (schema drift that adds fields)', async () => {
    api.fault({ path, body: 'drift-extra' });
    const body = (await call(client())) as unknown as Record<string, unknown>;
    check(body);
    expect(Object.keys(body).some((key) => !['object', 'livemode', 'available', 'pending', 'data', 'has_more', 'url', 'id', 'name', 'status', 'price', 'description', 'created', 'images', 'variants', 'address', 'balances'].includes(key))).toBe(true);
  });

  it('rejects a body missing a required field with InvalidResponseError naming the field', async () => {
    api.fault({ path, body: 'drift-missing' });
    const error = await rejection(call(client()));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.code).toBe('invalid_response');
    expect(error.message).toMatch(/available|has_more|name|balances/);
  });

  it('turns an HTML page from a proxy into InvalidResponseError', async () => {
    api.fault({ path, body: 'html' });
    const error = await rejection(call(client()));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toMatch(/expected JSON, got text\/html/);
  });

  it('turns malformed JSON into InvalidResponseError', async () => {
    api.fault({ path, body: 'malformed-json' });
    const error = await rejection(call(client()));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toMatch(/the JSON body did not parse/);
  });

  it('turns a 401 into ApiError with the server fields', async () => {
    const error = await rejection(call(client({ publishableKey: 'pk_test_revoked' })));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'ApiError', status: 401, code: 'invalid_api_key', type: 'authentication_error' });
    expect((error as ApiError).docUrl).toMatch(/^https:\/\/docs\.stateset\.com\/errors\//);
    expect((error as ApiError).requestId).toMatch(/^req_/);
    expect(error.message).toMatch(/^GET \/[a-z/]+.* failed with 401/);
  });

  it('reads the top-level error envelope too', async () => {
    api.setOptions({ errorEnvelope: 'top-level' });
    try {
      const error = await rejection(call(client({ publishableKey: 'pk_test_revoked' })));
      expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'authentication_error' });
    } finally {
      api.setOptions({ errorEnvelope: 'nested' });
    }
  });

  it('times out with TimeoutError', async () => {
    api.fault({ path, delay: 1_000 });
    const error = await rejection(call(client({ timeout: 100 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/within 100 ms/);
  });
});

describe('not found and bad input', () => {
  it('getProduct of an unknown id is ApiError resource_missing (404)', async () => {
    const error = await rejection(getProduct(client(), 'prod_doesNotExist'));
    expect(error).toMatchObject({ name: 'ApiError', status: 404, code: 'resource_missing', param: 'id' });
  });

  it('validates ids, addresses, limits and filters before the network', async () => {
    const c = client();
    const bad: [Promise<unknown>, string][] = [
      [getProduct(c, 'cus_123'), 'id'],
      [getProduct(c, 'prod_../../payments'), 'id'],
      [getProduct(c, 42 as unknown as string), 'id'],
      [getStablecoinBalance(c, 'stateset1short'), 'address'],
      [getStablecoinBalance(c, `STATESET1${'Q'.repeat(38)}`), 'address'],
      [getStablecoinBalance(c, address, { include_pending: 'yes' as unknown as boolean }), 'include_pending'],
      [listProducts(c, { limit: 0 }), 'limit'],
      [listProducts(c, { limit: 101 }), 'limit'],
      [listProducts(c, { limit: 2.5 }), 'limit'],
      [listProducts(c, { created: { gte: 'yesterday' } }), 'created[gte]'],
      [listProducts(c, { created: { after: 1 } as never }), 'created[after]'],
      [listProducts(c, { expand: ['variants', 'a b'] }), 'expand'],
      [listProducts(c, { starting_after: 'prod_1', ending_before: 'prod_2' }), 'starting_after'],
      [listProducts(c, { status: 'ACTIVE!' }), 'status'],
    ];
    for (const [promise, param] of bad) {
      const error = await rejection(promise);
      expect(error).toMatchObject({ name: 'ValidationError', code: 'invalid_parameter', param });
    }
    expect(api.requests).toEqual([]);
  });
});

describe('network failure', () => {
  it('a closed port is NetworkError mentioning CORS as a likely cause', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    for (const call of endpoints.map((endpoint) => endpoint.call)) {
      const error = await rejection(call(client({ apiBase: `http://127.0.0.1:${port}/v1` })));
      expect(error).toBeInstanceOf(NetworkError);
      expect(error.code).toBe('network_error');
      expect(error.message).toMatch(/CORS/);
      expect(error.message).toContain(`http://127.0.0.1:${port}`);
    }
  });

  it('a body that stalls after the headers is TimeoutError after `timeout` ms, and does not hold later calls', async () => {
    let fetches = 0;
    // Headers at once, then half a body and nothing more; the stream ignores the abort, as a broken fetch might.
    const fetch = async (): Promise<Response> => {
      fetches++;
      const body = new ReadableStream({ start: (stream) => stream.enqueue(new TextEncoder().encode('{"object":')) });
      return new Response(body, { headers: { 'Content-Type': 'application/json' } });
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const c = client({ fetch, timeout: 100, rateLimit: false });
      const call = rejection(getBalance(c));
      let settled = false;
      void call.finally(() => { settled = true; });
      await vi.advanceTimersByTimeAsync(99);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1); // `timeout` ms after the headers
      expect(await call).toMatchObject({ name: 'TimeoutError', code: 'timeout' });
      const again = rejection(getBalance(c));
      await vi.advanceTimersByTimeAsync(100);
      expect(await again).toMatchObject({ name: 'TimeoutError' });
    } finally {
      vi.useRealTimers();
    }
    expect(fetches).toBe(2); // the second call sent its own request instead of joining the stalled one
  });

  it('a real server that stalls mid-body: the call is TimeoutError', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const sockets = new Set<import('node:net').Socket>();
    const server = createHttpServer((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' });
      response.write('{"object":');
    });
    server.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const error = await rejection(getBalance(client({ apiBase: `http://127.0.0.1:${port}/v1`, timeout: 150 })));
      expect(error).toMatchObject({ name: 'TimeoutError', code: 'timeout' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads a Response without a body stream (a fetch polyfill, a stub) through its text()', async () => {
    const json = JSON.stringify(accountBalance('pk_test_endpoints1', undefined));
    class PolyfillResponse extends Response {
      override get body(): null { return null; }
    }
    const fetch = async (): Promise<Response> => new PolyfillResponse(json, { headers: { 'Content-Type': 'application/json' } });
    expect(await getBalance(client({ fetch }))).toMatchObject({ object: 'balance' });
    // node-fetch 2 style: a body that is not a web stream (no getReader).
    class NodeStyleResponse extends Response {
      override get body(): never { return { pipe() {} } as never; }
    }
    const nodeStyle = async (): Promise<Response> => new NodeStyleResponse(json, { headers: { 'Content-Type': 'application/json' } });
    expect(await getBalance(client({ fetch: nodeStyle, cache: false }))).toMatchObject({ object: 'balance' });
  });

  it('bounds that text() by `timeout` too: one that never settles is TimeoutError (2xx and error answers alike)', async () => {
    // ky 2 reads an error body itself, and awaits the text() of one without a stream unbounded (ky 2.1.0): not ours to bound.
    const kyMajor = process.env.STATESET_KY ? Number(JSON.parse(readFileSync(`${process.env.STATESET_KY}/package.json`, 'utf8')).version.split('.')[0]) : 1;
    for (const status of kyMajor === 1 ? [200, 500] : [200]) {
      const fetch = async (): Promise<Response> => {
        const response = new Response(null, { status });
        Object.defineProperty(response, 'text', { value: () => new Promise(() => {}) });
        return response;
      };
      const error = await rejection(getBalance(client({ fetch, timeout: 100, cache: false })));
      expect(error, String(status)).toMatchObject(status === 200 ? { name: 'TimeoutError' } : { name: 'InvalidResponseError', status: 500 });
      // An error body that could not be read is shown empty, the status still said.
      if (status === 500) expect(error.message).toBe('GET /account/balance returned an invalid response (500): expected JSON, got no content type: "".');
    }
  });

  it('a dropped connection is NetworkError', async () => {
    api.fault({ destroy: true });
    expect(await rejection(getBalance(client()))).toBeInstanceOf(NetworkError);
  });
});

describe('request(): the escape hatch stays inside the allow-list', () => {
  it('calls allowed endpoints with their schemas', async () => {
    const page = (await request(client(), 'GET', '/products', { query: { limit: 5 } })) as { data: unknown[] };
    expect(page.data).toHaveLength(5);
    expect(await request(client(), 'get', '/account/balance')).toMatchObject({ object: 'balance' });
  });

  it('refuses everything else with EndpointNotAllowedError, sending nothing', async () => {
    const refused: [string, string][] = [
      ['POST', '/payments'], ['GET', '/customers'], ['GET', '/webhooks'], ['DELETE', '/products/prod_1'],
      ['POST', '/products'], ['GET', '/products/../payments'], ['GET', '/products/./prod_1'], ['GET', '//products'],
      ['GET', '/products/'], ['GET', 'products'], ['GET', '/products?limit=1'], ['GET', '/products#x'],
      ['GET', '/products/%2e%2e/payments'], ['GET', '/products\\..\\payments'], ['GET', '/account/balance/extra'],
      ['GET', '/stablecoin/transfer'], ['GET', '/stablecoin/balance/notanaddress'], ['GET', 'https://evil.example/products'],
    ];
    for (const [method, path] of refused) {
      const error = await rejection(request(client(), method, path));
      expect(error, `${method} ${path}`).toMatchObject({ name: 'EndpointNotAllowedError', code: 'endpoint_not_allowed' });
    }
    expect(api.requests).toEqual([]);
  });
});

describe("a call's options cannot steer it", () => {
  // Typed code cannot pass these; plain JavaScript, or options built from untrusted data (a URL's query), can.
  const smuggled = { path: '/payments', query: 'limit=100&expand[]=customer' } as never;

  it('ignores path and query in the options of every call: the request goes where the call says', async () => {
    const c = client();
    const id = (await listProducts(c, { limit: 1 })).data[0]!.id;
    api.reset();
    await getBalance(c, smuggled);
    await listProducts(c, { limit: 2 }, smuggled);
    await getProduct(c, id, smuggled);
    await getStablecoinBalance(c, address, {}, smuggled);
    await request(c, 'GET', '/account/balance', { path: '/payments', fresh: true } as never);
    // (happy-dom sends a CORS preflight before each GET.)
    expect(api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.url)).toEqual([
      '/v1/account/balance', '/v1/products?limit=2', `/v1/products/${id}`, `/v1/stablecoin/balance/${address}`, '/v1/account/balance',
    ]);
  });

  it('reads no option, parameter or query from Object.prototype (a page polluted by other code)', async () => {
    const polluted = { apiBase: 'https://evil.example/v1', accountId: 'acct_evil', query: { injected: 'yes' }, path: '/payments', fresh: true, limit: 100 };
    const c = client();
    const id = (await listProducts(c, { limit: 1 })).data[0]!.id;
    api.reset();
    Object.assign(Object.prototype, polluted);
    try {
      const fresh = createClient({ publishableKey: 'pk_test_endpoints2' });
      expect(fresh.apiBase).toBe('https://api.stateset.com/v1');
      expect(fresh.accountId).toBeUndefined();
      await request(c, 'GET', '/products');
      await listProducts(c, {});
      await getProduct(c, id);
      await getProduct(c, id); // not fresh: from the cache
    } finally {
      for (const name of Object.keys(polluted)) delete (Object.prototype as Record<string, unknown>)[name];
    }
    expect(api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.url)).toEqual(['/v1/products', `/v1/products/${id}`]);
    expect(api.requests.every((sent) => sent.headers['x-account-id'] === undefined)).toBe(true);
  });

  it('getStablecoinBalance and paginate read no parameter from Object.prototype either', async () => {
    const c = client();
    Object.assign(Object.prototype, { include_pending: true, ending_before: 'prod_zzz' });
    try {
      await getStablecoinBalance(c, address, {});
      for await (const product of paginate(listProducts, c, { limit: 2 })) { void product; break; }
    } finally {
      for (const name of ['include_pending', 'ending_before']) delete (Object.prototype as Record<string, unknown>)[name];
    }
    expect(api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.url)).toEqual([`/v1/stablecoin/balance/${address}`, '/v1/products?limit=2']);
  });

  it('listProducts: a getter cannot pass the check with one status and send another; unknown names are refused', async () => {
    let reads = 0;
    const tricky = { get status() { return reads++ ? 'x&limit=1000' : 'active'; } };
    await listProducts(client(), tricky as never);
    expect(api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.url)).toEqual(['/v1/products?status=active']);
    api.reset();
    for (const params of [{ 'expand[]': 'x' }, { 'created[gte]': 'garbage' }, { startingAfter: 'prod_1' }, JSON.parse('{"__proto__":{"limit":1000}}')]) {
      const error = await rejection(listProducts(client(), params));
      expect(error, JSON.stringify(params)).toMatchObject({ name: 'ValidationError', code: 'invalid_parameter', param: Object.keys(params)[0] });
    }
    for (const params of ['limit=1000', ['a'], 5]) {
      expect(await rejection(listProducts(client(), params as never))).toMatchObject({ name: 'ValidationError', param: 'params' });
    }
    expect(api.requests).toEqual([]);
  });

  it('refuses a signal that is not an AbortSignal with ConfigError, sending nothing', async () => {
    const lookalike = { aborted: false, reason: undefined, throwIfAborted() {}, addEventListener() {}, removeEventListener() {} };
    const odd = [Object.create(null), { toString() { throw new Error('boom'); } }, '[object AbortSignal]', { toString: () => '[object AbortSignal]' }];
    for (const signal of ['abort', {}, { aborted: true }, 1, null, lookalike, ...odd]) {
      const error = await rejection(getBalance(client(), { signal } as never));
      expect(error).toMatchObject({ name: 'ConfigError', code: 'invalid_option', message: 'signal must be an AbortSignal.' });
    }
    expect(api.requests).toEqual([]);
  });

  it('request() refuses a query that is not an object of parameters, sending nothing', async () => {
    for (const query of ['limit=100', ['a'], 5]) {
      const error = await rejection(request(client(), 'GET', '/products', { query } as never));
      expect(error).toMatchObject({ name: 'ValidationError', code: 'invalid_parameter', param: 'query' });
    }
    expect(api.requests).toEqual([]);
  });
});

describe('request() on paths with a placeholder', () => {
  it('calls /products/{id} and /stablecoin/balance/{address} with a valid value, and sends the path as given', async () => {
    const [first] = (await listProducts(client(), { limit: 1 })).data;
    expect(await request(client(), 'GET', `/products/${first!.id}`)).toMatchObject({ id: first!.id });
    expect(await request(client(), 'GET', `/stablecoin/balance/${address}`)).toMatchObject({ address });
    expect(api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.path)).toEqual(['/v1/products', `/v1/products/${first!.id}`, `/v1/stablecoin/balance/${address}`]);
  });

  it('refuses a placeholder value that does not match its pattern in full, sending nothing', async () => {
    for (const path of ['/products/{id}', '/products/cust_1', `/stablecoin/balance/${address}X`, '/stablecoin/balance/{address}']) {
      expect(await rejection(request(client(), 'GET', path)), path).toMatchObject({ name: 'EndpointNotAllowedError' });
    }
    expect(api.requests).toEqual([]);
  });
});

describe('decoding the body', () => {
  it('a multi-byte character split across chunks arrives whole', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ object: 'balance', livemode: false, available: [{ amount: 1, currency: 'ssusd', note: 'café €' }], pending: [] }));
    const euro = bytes.lastIndexOf(0xe2); // the first of the three bytes of €
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(bytes.slice(0, euro + 1));
        stream.enqueue(bytes.slice(euro + 1, euro + 2));
        stream.enqueue(bytes.slice(euro + 2));
        stream.close();
      },
    });
    const fetch = async (): Promise<Response> => new Response(body, { headers: { 'Content-Type': 'application/json' } });
    const balance = await getBalance(client({ fetch }));
    expect((balance.available[0] as { note?: string }).note).toBe('café €');
  });
});

describe('a bad path parameter says what was expected', () => {
  it.each<[string, () => Promise<unknown>, string]>([
    ['null', () => getProduct(client(), null as never), 'Invalid id: expected a string, got null.'],
    ['a number', () => getProduct(client(), 42 as never), 'Invalid id: expected a string, got number.'],
    ['another kind of id', () => getProduct(client(), 'cus_123'), 'Invalid id: expected a product id like prod_123, got "cus_123".'],
    ['a short address', () => getStablecoinBalance(client(), 'stateset1short'), 'Invalid address: expected a stateset1… address (38+ lowercase letters or digits), got "stateset1short".'],
  ])('%s', async (_what, call, message) => {
    expect((await rejection(call())).message).toBe(message);
    expect(api.requests).toEqual([]);
  });

  it('refuses a path with white space in a segment, sending nothing', async () => {
    for (const path of ['/products/prod_1 ', '/products/prod\t1', '/products\n/prod_1']) {
      expect(await rejection(request(client(), 'GET', path)), JSON.stringify(path)).toMatchObject({ name: 'EndpointNotAllowedError' });
    }
    expect(api.requests).toEqual([]);
  });
});

describe('what an error says about the answer it got', () => {
  /** A client whose every request gets `response()`. */
  const answering = (response: () => Response) => client({ fetch: async () => response(), rateLimit: false, cache: false });
  const json = (body: unknown, init: ResponseInit = {}) => () => new Response(JSON.stringify(body), { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });

  it('an error status without an error body is InvalidResponseError quoting the start of the body, trimmed', async () => {
    const html = () => new Response(`  \n<html><body>${'x'.repeat(100)}</body></html>`, { status: 502, headers: { 'Content-Type': 'text/html' } });
    expect((await rejection(getBalance(answering(html)))).message)
      .toBe(`GET /account/balance returned an invalid response (502): expected JSON, got text/html: "<html><body>${'x'.repeat(28)}".`);
    const empty = () => new Response(null, { status: 500 });
    expect(await rejection(getBalance(answering(empty)))).toMatchObject({
      name: 'InvalidResponseError', status: 500, message: 'GET /account/balance returned an invalid response (500): expected JSON, got no content type: "".',
    });
  });

  it('a body with a code or a message only: the missing one from the defaults, the status text, or the status', async () => {
    expect(await rejection(getBalance(answering(json({ message: 'Gone.' }, { status: 410 }))))).toMatchObject({ name: 'ApiError', code: 'api_error', status: 410, message: 'GET /account/balance failed with 410: Gone.' });
    expect(await rejection(getBalance(answering(json({ error: { code: 'x' } }, { status: 404, statusText: 'Not Found' }))))).toMatchObject({ code: 'x', message: 'GET /account/balance failed with 404: Not Found' });
    expect(await rejection(getBalance(answering(json({ error: { code: 'x' } }, { status: 404 }))))).toMatchObject({ message: 'GET /account/balance failed with 404: HTTP 404' });
    expect(await rejection(getBalance(answering(json({ error: { code: 7, message: 'm' } }, { status: 400 }))))).toMatchObject({ code: 'api_error' });
  });

  it('carries the request id from the body, else from X-Request-Id', async () => {
    expect(await rejection(getBalance(answering(json({ error: { code: 'x', message: 'm', request_id: 'req_body' } }, { status: 400, headers: { 'X-Request-Id': 'req_header' } }))))).toMatchObject({ requestId: 'req_body' });
    expect(await rejection(getBalance(answering(json({ error: { code: 'x', message: 'm' } }, { status: 400, headers: { 'X-Request-Id': 'req_header' } }))))).toMatchObject({ requestId: 'req_header' });
    expect(await rejection(getBalance(answering(json({ error: { code: 'x', message: 'm' } }, { status: 400 }))))).toMatchObject({ requestId: undefined });
  });

  it('a 429 without readable headers is RateLimitError asking for a second', async () => {
    expect(await rejection(getBalance(answering(json({ error: { code: 'rate_limited', message: 'Slow down.' } }, { status: 429 }))))).toMatchObject({
      name: 'RateLimitError', code: 'rate_limit_exceeded', retryAfter: 1000,
    });
  });

  it('a 2xx body of the wrong shape names the fields (five at most) and what each should be', async () => {
    const error = await rejection(getBalance(answering(json({ object: 'balance' }))));
    expect(error.message).toBe('GET /account/balance returned an invalid response (200): unexpected shape at livemode (expected boolean), available (expected array), pending (expected array).');
    expect((await rejection(getBalance(answering(json('a string'))))).message).toBe('GET /account/balance returned an invalid response (200): unexpected shape at (body) (expected object).');
    const many = await rejection(getBalance(answering(json({ object: 'balance', livemode: 1, available: [1, 2, 3, 4, 5, 6], pending: [] }))));
    expect(many.message.match(/\(expected/g)).toHaveLength(5);
  });
});

describe('a body that stalls', () => {
  it('is cancelled at the timeout, which ends the request, and the call is TimeoutError naming the timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      let cancelled = 0;
      const fetch = async (): Promise<Response> => new Response(new ReadableStream({
        start: (stream) => stream.enqueue(new TextEncoder().encode('{"object":')),
        cancel: () => { cancelled++; },
      }), { headers: { 'Content-Type': 'application/json' } });
      const call = rejection(getBalance(client({ fetch, timeout: 250, rateLimit: false })));
      await vi.advanceTimersByTimeAsync(250);
      expect(await call).toMatchObject({ name: 'TimeoutError', message: 'GET /account/balance got no answer within 250 ms.' });
      expect(cancelled).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('matchPath: a path is plain segments, whatever a row\'s pattern would let through', () => {
  // A row whose pattern takes anything: the path rules alone must refuse traversal and odd characters.
  const any = { method: 'GET', path: '/files/{name}', params: { name: /^.*$/ }, schema: {} as never, ttl: 0 } as const;
  it('refuses . and .. and empty segments, no leading slash, and %, \\, ?, # or white space', async () => {
    const { matchPath } = await import('../src/endpoint.js');
    expect(matchPath(any, '/files/report')).toBe(true);
    for (const path of ['/files/..', '/files/.', '/files/', '//files', 'x/files/a', '_files/a', '/files/%2e%2e', '/files/a\\b', '/files/a?b', '/files/a#b', '/files/a b', '/files/a\tb']) {
      expect(matchPath(any, path), JSON.stringify(path)).toBe(false);
    }
  });

  it('a placeholder is a whole segment `{name}`; one without a pattern matches nothing', async () => {
    const { matchPath } = await import('../src/endpoint.js');
    const partial = { ...any, path: '/files/x{name}', params: { name: /^\d+$/ } };
    expect(matchPath(partial, '/files/5')).toBe(false);
    expect(matchPath(partial, '/files/x{name}')).toBe(true);
    const trailing = { ...any, path: '/files/{name}x', params: { name: /^\d+$/ } };
    expect(matchPath(trailing, '/files/5')).toBe(false);
    expect(matchPath({ ...any, params: { other: /^.*$/ } }, '/files/report')).toBe(false);
    expect(matchPath({ method: 'GET', path: '/files/{name}', schema: {} as never, ttl: 0 }, '/files/report')).toBe(false);
  });

  it('fillPath: a value a row without examples (`expects`) refuses is told the pattern it must match', async () => {
    const { fillPath } = await import('../src/endpoint.js');
    const digits = { ...any, params: { name: /^\d+$/ } };
    expect(fillPath(digits, { name: '42' })).toBe('/files/42');
    expect(() => fillPath(digits, { name: 'abc' })).toThrow('Invalid name: expected ^\\d+$, got "abc".');
  });

  it('request(): a path that does not start with a slash is refused, though the rest would match a row', async () => {
    for (const path of ['xproducts', '_account/balance']) {
      expect(await rejection(request(client(), 'GET', path)), path).toMatchObject({ name: 'EndpointNotAllowedError' });
    }
    expect(api.requests).toEqual([]);
  });
});

describe('what a failed call carries and says (a stub fetch: no I/O)', () => {
  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const answering = (response: () => Response): Client => client({ fetch: async () => response(), rateLimit: false });

  it('an error status with a JSON body without error fields says it expected an error body', async () => {
    const error = await rejection(getBalance(answering(() => json(500, { oops: 1 }))));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toBe('GET /account/balance returned an invalid response (500): expected an error body: "{"oops":1}".');
  });

  it('the apiBase hint is for a 404 only: another status with the same message gets none', async () => {
    const message = 'Unrecognized request URL (GET: /account/balance).';
    const error = await rejection(getBalance(answering(() => json(400, { error: { code: 'parameter_invalid', message } }))));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(`GET /account/balance failed with 400: ${message}`);
  });

  it('a body of the wrong shape names the nested path of each problem, with zod\'s error as the cause', async () => {
    const body = { ...accountBalance('pk_test_endpoints1', undefined), available: [{ amount: 'ten', currency: 'usd' }] };
    const error = await rejection(getBalance(answering(() => json(200, body))));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toMatch(/: unexpected shape at available\.0\.amount \(expected a number or a decimal string\)\.$/);
    expect((error.cause as { issues?: unknown[] }).issues).toHaveLength(1);
  });

  it('a network failure keeps what fetch threw as its cause', async () => {
    const failure = new TypeError('Failed to fetch');
    const error = await rejection(getBalance(client({ fetch: async () => { throw failure; }, rateLimit: false })));
    expect(error).toBeInstanceOf(NetworkError);
    const cause = error.cause as { cause?: unknown };
    expect([cause, cause?.cause]).toContain(failure); // ky 1 rethrows it; ky 2 wraps it in its NetworkError
  });

  it('a timeout keeps ky\'s TimeoutError as its cause; an abort, the signal\'s reason', async () => {
    const hanging = async (input: Request | URL | string): Promise<Response> => new Promise((_, reject) => {
      const { signal } = input as Request;
      signal.addEventListener('abort', () => reject(signal.reason));
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const timedOut = rejection(getBalance(client({ fetch: hanging, timeout: 100, rateLimit: false })));
      await vi.advanceTimersByTimeAsync(100);
      const error = await timedOut;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.cause).toMatchObject({ name: 'TimeoutError' });
      expect(error.cause).not.toBeInstanceOf(StateSetError);
    } finally {
      vi.useRealTimers();
    }
    const controller = new AbortController();
    const reason = new Error('left the page');
    const aborted = rejection(getBalance(client({ fetch: hanging, rateLimit: false }), { signal: controller.signal }));
    controller.abort(reason);
    const error = await aborted;
    expect(error).toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect(error.cause).toBe(reason);
  });

  it('an answered call leaves no timer behind (the body\'s timeout is cleared once it is read)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      expect(await getBalance(answering(() => json(200, accountBalance('pk_test_endpoints1', undefined))))).toMatchObject({ object: 'balance' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
