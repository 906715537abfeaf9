/** What each refusal and failure says: what was wrong, the value when it is safe to show, and what to do. */
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError, createClient, getBalance, getProduct, getStablecoinBalance, InvalidKeyError, listProducts, request, type ClientOptions,
} from '../src/index.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

const key = 'pk_test_messages1';
const rejection = async (run: () => unknown): Promise<Error & { code?: string }> => {
  try {
    await run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
};
const gets = (): number => api.requests.filter((sent) => sent.method === 'GET').length;

describe('unknown options are refused, naming the closest known one', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [{ apibase: 'http://localhost:4010/v1' }, /Unknown option apibase: did you mean apiBase\?/],
    [{ retries: 3 }, /Unknown option retries: did you mean retry\?/],
    [{ timout: 5 }, /did you mean timeout\?/],
    [{ accountID: 'acct_1' }, /did you mean accountId\?/],
    [{ ratelimit: false }, /did you mean rateLimit\?/],
    [{ cache: { maxEntrie: 5 } }, /Unknown option cache\.maxEntrie: did you mean cache\.maxEntries\?/],
    [{ cache: { tll: 5 } }, /did you mean cache\.ttl\?/],
    [{ zzzzzzzz: 1 }, /^Unknown option zzzzzzzz \(known: publishableKey, apiBase, /],
  ])('%j', async (extra, message) => {
    const error = await rejection(() => createClient({ publishableKey: key, apiBase: api.url, ...extra } as ClientOptions));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(message);
  });

  it('an inherited property is still no option, and a known one with undefined is fine', () => {
    const options = Object.create({ apibase: 'http://x' }) as ClientOptions;
    options.publishableKey = key;
    expect(createClient(options).apiBase).toBe('https://api.stateset.com/v1');
    expect(createClient({ publishableKey: key, apiBase: undefined, share: undefined }).apiBase).toBe('https://api.stateset.com/v1');
  });

  it('an option name holding a secret is refused as one, never quoted', async () => {
    const secret = `sk_live_${'Ab1'.repeat(8)}`;
    const error = await rejection(() => createClient({ publishableKey: key, [secret]: 1 } as ClientOptions));
    expect(error.name).toBe('SecretKeyError');
    expect(error.message).toContain('(sk_live_…) in an option name:');
    expect(error.message).not.toContain(secret);
  });

  it('list parameters name the closest one too', async () => {
    const error = await rejection(() => listProducts(createClient({ publishableKey: key, apiBase: api.url }), { startingAfter: 'prod_1' } as never));
    expect(error.message).toBe('Invalid startingAfter: is not a parameter of this call: did you mean starting_after?');
    expect(gets()).toBe(0);
  });
});

describe('a bad id says what an id looks like and what it got', () => {
  const client = () => createClient({ publishableKey: key, apiBase: api.url });

  it('product id', async () => {
    const error = await rejection(() => getProduct(client(), 'desk-2024'));
    expect(error.message).toBe('Invalid id: expected a product id like prod_123, got "desk-2024".');
  });

  it('long values are cut at 40 characters, quotes escaped', async () => {
    const error = await rejection(() => getProduct(client(), `"${'x'.repeat(60)}`));
    expect(error.message).toBe(`Invalid id: expected a product id like prod_123, got "\\"${'x'.repeat(39)}…".`);
    const forty = await rejection(() => getProduct(client(), `"${'x'.repeat(39)}`));
    expect(forty.message).toBe(`Invalid id: expected a product id like prod_123, got "\\"${'x'.repeat(39)}".`);
  });

  it('text that only looks like a key is masked', async () => {
    const error = await rejection(() => getProduct(client(), 'prod-desk_live_2024'));
    expect(error.message).toBe('Invalid id: expected a product id like prod_123, got "prod-desk_live_…".');
  });

  it('stablecoin address', async () => {
    const error = await rejection(() => getStablecoinBalance(client(), 'stateset1short'));
    expect(error.message).toMatch(/^Invalid address: expected a stateset1… address \(38\+ lowercase letters or digits\), got "stateset1short"\.$/);
    expect(gets()).toBe(0);
  });
});

describe('request() refusals tell a path no browser may call from a wrong method', () => {
  const client = () => createClient({ publishableKey: key, apiBase: api.url });

  it('an unknown path lists what is allowed', async () => {
    const error = await rejection(() => request(client(), 'GET', '/customers' as string));
    expect(error.message).toBe('GET /customers is not an endpoint browsers may call (allowed: GET /account/balance, GET /products, GET /products/{id}, GET /stablecoin/balance/{address}).');
  });

  it('a typo in a path is the same', async () => {
    const error = await rejection(() => request(client(), 'GET', '/product' as string));
    expect(error.message).toMatch(/^GET \/product is not an endpoint browsers may call/);
  });

  it('a wrong method on an allowed path says which method to use', async () => {
    const error = await rejection(() => request(client(), 'POST' as string, '/products'));
    expect(error.message).toBe('POST /products is not allowed from a browser: use GET.');
    const one = await rejection(() => request(client(), 'delete' as string, '/products/prod_1'));
    expect(one.message).toBe('DELETE /products/prod_1 is not allowed from a browser: use GET.');
    expect(gets()).toBe(0);
  });

  it('a path with a placeholder value is sent when it matches its pattern', async () => {
    await request(client(), 'GET', '/products/prod_1').catch(() => undefined);
    expect(api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.path)).toEqual(['/v1/products/prod_1']);
  });
});

describe('answers that are not what they should be', () => {
  it('malformed JSON with a JSON content type says the body did not parse, and where', async () => {
    api.fault({ path: '/v1/account/balance', body: 'malformed-json' });
    const error = await rejection(() => getBalance(createClient({ publishableKey: key, apiBase: api.url, retry: 0 })));
    expect(error.message).toMatch(/^GET \/account\/balance returned an invalid response \(200\): the JSON body did not parse \(.*position 20.*\): "\{"object":"balance","\.$/);
    expect(error.message).not.toMatch(/expected JSON/);
  });

  it('the parser\'s message is cut at 120 characters (an engine may quote much of the body in it)', async () => {
    const body = '{"object":';
    const fetch = async (): Promise<Response> => new Response(body, { headers: { 'Content-Type': 'application/json' } });
    const long = `Unexpected end of JSON input after ${'x'.repeat(200)}`;
    const { parse } = JSON;
    const spy = vi.spyOn(JSON, 'parse').mockImplementation((text: string, ...rest) => {
      if (text === body) throw new SyntaxError(long);
      return parse(text, ...rest);
    });
    try {
      const error = await rejection(() => getBalance(createClient({ publishableKey: key, retry: 0, rateLimit: false, fetch })));
      expect(error.message).toBe(`GET /account/balance returned an invalid response (200): the JSON body did not parse (${long.slice(0, 120)}): "${body}".`);
    } finally {
      spy.mockRestore();
    }
  });

  it('an apiBase without /v1 gets a hint with the 404', async () => {
    const error = await rejection(() => getBalance(createClient({ publishableKey: key, apiBase: api.origin, retry: 0 })));
    expect(error).toMatchObject({ name: 'ApiError', status: 404 });
    expect(error.message).toMatch(/Unrecognized request URL .* Check apiBase: it usually ends in \/v1\.$/);
  });

  it('any other 404 has no such hint', async () => {
    const error = await rejection(() => getProduct(createClient({ publishableKey: key, apiBase: api.url, retry: 0 }), 'prod_missing'));
    expect(error).toMatchObject({ name: 'ApiError', status: 404 });
    expect(error.message).not.toMatch(/apiBase/);
  });
});

describe('NetworkError and InvalidKeyError wording', () => {
  it('NetworkError names CORS only where there is a page (location), not in Node', async () => {
    const { NetworkError } = await import('../src/errors.js');
    expect(typeof location).toBe('object'); // happy-dom
    expect(new NetworkError('GET /x', 'https://a').message).toBe('GET /x could not reach https://a: offline, unknown host, or a CORS block.');
    // The same class in a realm without `location` (Node's).
    const { build } = await import('esbuild');
    const { outputFiles } = await build({ entryPoints: ['src/errors.ts'], bundle: true, write: false, format: 'iife', globalName: 'lib', platform: 'neutral' });
    const node = runInNewContext(`${outputFiles[0]!.text}; lib`) as { NetworkError: typeof NetworkError };
    expect(new node.NetworkError('GET /x', 'https://a').message).toBe('GET /x could not reach https://a: offline, unknown host, or refused.');
  });

  it.each<[unknown, string]>([
    ['pk_test_abc-def-ghi-jkl', 'a string of 23 characters'], [{}, 'an object'], [5, 'a number'], [undefined, 'nothing'], ['  ', 'an empty string'],
  ])('InvalidKeyError for %j says %s', async (value, received) => {
    const error = await rejection(() => createClient({ publishableKey: value as string }));
    expect(error).toBeInstanceOf(InvalidKeyError);
    expect(error.message).toBe(`publishableKey must be your pk_test_… or pk_live_… key; got ${received}.`);
  });
});
