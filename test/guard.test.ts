/**
 * The guard: hundreds of hostile key shapes at every entry point. Each must fail with the right class and
 * code, never show more than the key's prefix, and the stand-in API must receive nothing at all.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createClient, getBalance, getProduct, getStablecoinBalance, InvalidKeyError, listProducts, request, SecretKeyError,
  StateSetError, type Client,
} from '../src/index.js';
import { clientState } from '../src/client.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

const alnum = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/);
/** A secret or restricted key, in every case mix: `sk_test_…`, `RK_LIVE_…`. */
const secretKey = fc
  .tuple(fc.constantFrom('sk', 'rk', 'SK', 'Rk'), fc.constantFrom('test', 'live', 'LIVE', 'Test'), alnum)
  .map(([kind, mode, body]) => `${kind}_${mode}_${body}`);
/** The ways a secret sneaks in: bare, "Bearer …", padded, glued into other text, after a publishable key. */
const hostile = fc
  .tuple(secretKey, fc.constantFrom('bare', 'bearer', 'padded', 'glued', 'after-pk', 'json', 'newline'), fc.string({ maxLength: 8 }))
  .map(([key, shape, noise]) => {
    const text = {
      bare: key,
      bearer: `Bearer ${key}`,
      padded: ` \t${key}\n `,
      glued: `${noise}x${key}y${noise}`,
      'after-pk': `pk_test_abc123 ${key}`,
      json: JSON.stringify({ key }),
      newline: `\n${noise}\n${key}`,
    }[shape]!;
    return { key, text };
  });

const validKey = 'pk_test_guard123';
const withClient = (options: Partial<Parameters<typeof createClient>[0]> = {}): Client =>
  createClient({ publishableKey: validKey, apiBase: api.url, retry: 0, ...options });

function expectRefused(error: unknown, key: string): void {
  expect(error).toBeInstanceOf(SecretKeyError);
  expect(error).toBeInstanceOf(StateSetError);
  const refused = error as SecretKeyError;
  expect(refused.code).toBe('secret_key_refused');
  expect(refused.name).toBe('SecretKeyError');
  expect(refused.message).not.toContain(key);
  expect(refused.message).not.toContain(key.slice(8));
  expect(refused.keyPrefix).toMatch(/^[sr]k_(test|live)_…$/i);
}

async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal, but the call succeeded');
}

const entryPoints: Record<string, (text: string) => unknown> = {
  'createClient publishableKey': (text) => createClient({ publishableKey: text, apiBase: api.url }),
  'createClient accountId': (text) => withClient({ accountId: text }),
  'createClient apiBase': (text) => withClient({ apiBase: `http://127.0.0.1:1/${encodeURIComponent(text)}` }),
  'request path id': (text) => request(withClient(), 'GET', `/products/${text}`),
  'request query value': (text) => request(withClient(), 'GET', '/products', { query: { status: text } }),
  'request nested query value': (text) => request(withClient(), 'GET', '/products', { query: { created: { gte: text } } }),
  'request array query value': (text) => request(withClient(), 'GET', '/products', { query: { expand: ['x', text] } }),
  'getProduct id': (text) => getProduct(withClient(), text),
  'getStablecoinBalance address': (text) => getStablecoinBalance(withClient(), text),
  'listProducts starting_after': (text) => listProducts(withClient(), { starting_after: text }),
  'listProducts ending_before': (text) => listProducts(withClient(), { ending_before: text }),
  // Names and methods the call refuses: the refusal's message must not carry them.
  'request method': (text) => request(withClient(), text, '/products'),
  'listProducts created operator': (text) => listProducts(withClient(), { created: { [text]: 1 } } as never),
  'listProducts unknown parameter name': (text) => listProducts(withClient(), { [text]: 1 } as never),
};

describe('secret and restricted keys are refused at every entry point, before the network', () => {
  for (const [name, entry] of Object.entries(entryPoints)) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(hostile, async ({ key, text }) => {
          expectRefused(await caught(() => entry(text)), key);
        }),
        { numRuns: 60 },
      );
      expect(api.requests).toEqual([]);
    });
  }

  it('percent-encoded secrets in a path or query are refused too', async () => {
    const key = `sk_live_${'Ab1'.repeat(8)}`;
    const encoded = key.replaceAll('_', '%5F');
    expectRefused(await caught(() => request(withClient(), 'GET', `/products/${encoded}`)), key);
    expectRefused(await caught(() => request(withClient(), 'GET', '/products', { query: { status: encoded } })), key);
    expect(api.requests).toEqual([]);
  });

  it('a hook smuggling a secret into a header after createClient is stopped at the last step before fetch', async () => {
    const client = withClient();
    const state = clientState(client) as { http: ReturnType<typeof clientState>['http'] };
    const key = `sk_live_${'Zz9'.repeat(8)}`;
    // (ky 1 passes the request, ky 2 a state object holding it.)
    const smuggle = (outgoing: Request | { request: Request }) => void ('url' in outgoing ? outgoing : outgoing.request).headers.set('X-Debug', key);
    state.http = state.http.extend({ hooks: { beforeRequest: [smuggle] } });
    const error = await caught(() => getBalance(client));
    expectRefused(error, key);
    expect((error as Error).message).toMatch(/in the x-debug header/i);
    expect(api.requests).toEqual([]);
  });

  it('a hook replacing the request by one whose URL holds a secret is stopped at the last step before fetch', async () => {
    const client = withClient();
    const state = clientState(client) as { http: ReturnType<typeof clientState>['http'] };
    const key = `sk_live_${'Yy8'.repeat(8)}`;
    const replace = (outgoing: Request | { request: Request }) => new Request(`${('url' in outgoing ? outgoing : outgoing.request).url}?debug=${key}`);
    state.http = state.http.extend({ hooks: { beforeRequest: [replace] } });
    const error = await caught(() => getBalance(client));
    expectRefused(error, key);
    expect((error as Error).message).toContain('in the request URL');
    expect(api.requests).toEqual([]);
  });

  it('an apiBase whose secret is split by a tab or newline (the URL parser drops them) is refused at createClient', async () => {
    const key = `sk_live_${'Ab1'.repeat(8)}`;
    for (const apiBase of [`http://127.0.0.1:1/v1/sk_l\tive_${key.slice(8)}`, `http://127.0.0.1:1/s\nk_live_${key.slice(8)}/v1`, `https://s\tk_live_${key.slice(8)}.example.com/v1`]) {
      expectRefused(await caught(() => withClient({ apiBase })), key);
    }
  });

  it('an apiBase that is not a string (a URL, a String, an object whose toString hides a key) is ConfigError', async () => {
    const key = `sk_live_${'Ab1'.repeat(8)}`;
    for (const apiBase of [new URL(`https://api.stateset.com/v1/${key}`), new String(`https://api.stateset.com/${key}`), { toString: () => `https://x.example/${key}` }]) {
      const error = await caught(() => withClient({ apiBase: apiBase as string }));
      expect(error).toMatchObject({ name: 'ConfigError', code: 'invalid_option', message: 'apiBase must be a string.' });
    }
  });

  it('a custom fetch is never handed a request carrying a secret', async () => {
    const seen: string[] = [];
    const client = withClient({ fetch: async (input) => { seen.push(String(input instanceof Request ? input.url : input)); return new Response('{}'); } });
    const key = `rk_test_${'Qq1'.repeat(8)}`;
    expectRefused(await caught(() => listProducts(client, { starting_after: key })), key);
    expect(seen).toEqual([]);
  });
});

describe('anything else that is not a publishable key', () => {
  it('is InvalidKeyError, and nothing is sent', async () => {
    const notAKey = fc.oneof(
      fc.anything().filter((value) => typeof value !== 'string'),
      fc.string().filter((text) => !/^pk_(test|live)_[A-Za-z0-9]+$/.test(text.trim()) && !/[sr]k_(test|live)_[a-z0-9]/i.test(text)),
      fc.constantFrom('', '   ', 'pk_test_', 'pk_prod_abc', 'pk_test_abc-def', 'Bearer pk_test_abc', 'PK_TEST_abc', 'pk_test_abc def', 'sk_test_'),
    );
    await fc.assert(
      fc.asyncProperty(notAKey, async (value) => {
        const error = await caught(() => createClient({ publishableKey: value as string, apiBase: api.url }));
        expect(error).toBeInstanceOf(InvalidKeyError);
        expect((error as InvalidKeyError).code).toBe('invalid_publishable_key');
        expect((error as InvalidKeyError).name).toBe('InvalidKeyError');
      }),
      { numRuns: 300 },
    );
    expect(api.requests).toEqual([]);
  });

  it('accepts publishable keys with surrounding whitespace and reports livemode', () => {
    expect(createClient({ publishableKey: '  pk_test_abc123\n' }).livemode).toBe(false);
    expect(createClient({ publishableKey: 'pk_live_abc123' }).livemode).toBe(true);
  });

  it('shows no key in the client object itself', () => {
    const client = createClient({ publishableKey: 'pk_live_visible123' });
    expect(JSON.stringify(client)).not.toContain('pk_live_visible123');
    expect(Object.keys(client).sort()).toEqual(['accountId', 'apiBase', 'livemode']);
  });
});

describe('what InvalidKeyError says it received (never the value itself)', () => {
  it.each<[unknown, string]>([
    [undefined, 'nothing'], [null, 'nothing'], [42, 'a number'], [{}, 'an object'], ['', 'an empty string'], ['   ', 'an empty string'],
    ['pk_test_', 'a string of 8 characters'], [' pk_prod_abc ', 'a string of 11 characters'],
  ])('%j: received %s', (publishableKey, received) => {
    expect(() => createClient({ publishableKey } as never)).toThrow(`publishableKey must be your pk_test_… or pk_live_… key; got ${received}.`);
  });

  it('the key it accepts is trimmed: what is sent is the key without the spaces around it', () => {
    expect(createClient({ publishableKey: '\tpk_live_abc123\n' }).livemode).toBe(true);
    expect(() => createClient({ publishableKey: 'pk_live_abc 123' })).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }));
    expect(() => createClient({ publishableKey: 'xpk_live_abc123' })).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }));
    expect(() => createClient({ publishableKey: 'pk_live_abc123!' })).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }));
  });
});
