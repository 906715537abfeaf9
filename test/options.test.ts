/** createClient options: HTTPS only (loopback excepted), bad options are ConfigError, nothing is sent. */
import { describe, expect, it } from 'vitest';
import { ConfigError, createClient, getBalance, type ClientOptions } from '../src/index.js';

const key = 'pk_test_options1';
const make = (options: Partial<ClientOptions>) => () => createClient({ publishableKey: key, ...options } as ClientOptions);

describe('apiBase', () => {
  it.each(['https://api.stateset.com/v1', 'https://eu.example.com:8443/v1/', 'http://localhost:4010/v1', 'http://127.0.0.1/v1', 'http://[::1]:9/v1'])(
    'accepts %s', (apiBase) => {
      expect(make({ apiBase })().apiBase).toBe(apiBase.replace(/\/$/, ''));
    },
  );

  it.each(['http://api.stateset.com/v1', 'http://localhost.evil.com/v1', 'http://127.0.0.2/v1', 'http://evillocalhost/v1', 'ftp://api.stateset.com', 'ws://localhost/v1'])(
    'refuses %s as insecure', (apiBase) => {
      expect(make({ apiBase })).toThrow(expect.objectContaining({ name: 'ConfigError', code: 'insecure_api_base' }));
    },
  );

  it.each(['api.stateset.com/v1', '', 'https://user:pass@api.stateset.com/v1', 'https://api.stateset.com/v1?x=1', 'https://api.stateset.com/v1#x', 42])(
    'refuses %s as an invalid option', (apiBase) => {
      expect(make({ apiBase: apiBase as string })).toThrow(expect.objectContaining({ name: 'ConfigError', code: 'invalid_option' }));
    },
  );

  it('defaults to the production API', () => {
    expect(createClient({ publishableKey: key }).apiBase).toBe('https://api.stateset.com/v1');
  });
});

describe('other options', () => {
  it.each<[string, Partial<ClientOptions>]>([
    ['timeout 0', { timeout: 0 }], ['timeout NaN', { timeout: Number.NaN }], ['timeout "5"', { timeout: '5' as never }],
    ['retry -1', { retry: -1 }], ['retry 1.5', { retry: 1.5 }], ['retry 11', { retry: 11 }],
    ['accountId with a space', { accountId: 'acct 1' }], ['accountId empty', { accountId: '' }], ['accountId of 256 characters', { accountId: 'a'.repeat(256) }], ['accountId with a newline', { accountId: 'acct_1\r\nX-Evil: 1' }], ['accountId number', { accountId: 5 as never }],
    ['fetch not a function', { fetch: 'fetch' as never }],
    // Below one request per 1,000 s the pacer's wait would overflow a timer (and fire at once, over and over).
    ['rateLimit of 1e-6 per second', { rateLimit: { perSecond: 1e-6, burst: 1 } }], ['rateLimit burst 0', { rateLimit: { perSecond: 1, burst: 0 } }],
    ['rateLimit plan name', { rateLimit: 'enterprise' as never }],
    ['cache.ttl -1', { cache: { ttl: -1 } }], ['cache.ttl 1.5', { cache: { ttl: 1.5 } }], ['cache.ttl "5"', { cache: { ttl: '5' as never } }],
    ['cache.ttl beyond a timer', { cache: { ttl: 2 ** 31 } }], ['cache.maxEntries -1', { cache: { maxEntries: -1 } }],
    ['cache.maxEntries 1e6 + 1', { cache: { maxEntries: 1e6 + 1 } }], ['cache.swr not a function', { cache: { swr: {} as never } }],
    ['share not a function', { share: 'tabs' as never }], ['timeout beyond a timer', { timeout: 2 ** 31 }],
  ])('refuses %s', (_name, options) => {
    expect(make(options)).toThrow(ConfigError);
    expect(make(options)).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });

  it('refuses a missing options object', () => {
    expect(() => createClient(undefined as never)).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });

  it('uses the given fetch, with the key, account and Accept headers', async () => {
    const seen: Request[] = [];
    const client = createClient({
      publishableKey: ` ${key} `, accountId: 'acct_42', apiBase: 'https://api.example.com/v1/',
      fetch: async (input) => { seen.push(input as Request); return Response.json({ object: 'balance', livemode: false, available: [], pending: [] }); },
    });
    await getBalance(client);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://api.example.com/v1/account/balance');
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${key}`);
    expect(seen[0]!.headers.get('x-account-id')).toBe('acct_42');
    expect(seen[0]!.headers.get('accept')).toBe('application/json');
    expect(client.accountId).toBe('acct_42');
  });

  it('looks up the global fetch at call time, not at createClient', async () => {
    const client = createClient({ publishableKey: key });
    const original = globalThis.fetch;
    let calls = 0;
    globalThis.fetch = async () => { calls += 1; return Response.json({ object: 'balance', livemode: false, available: [], pending: [] }); };
    try {
      await getBalance(client);
    } finally {
      globalThis.fetch = original;
    }
    expect(calls).toBe(1);
  });
});

describe('option bounds and messages', () => {
  it('accepts every bound it names: timeout 1 and 2^31 - 1 ms, retry 0 and 10, cache.ttl 0, maxEntries 0 and 1e6, a plan at 1/1,000 s', () => {
    for (const options of [
      { timeout: 1, retry: 0, cache: { ttl: 0, maxEntries: 0 } },
      { timeout: 2 ** 31 - 1, retry: 10, cache: { ttl: 2 ** 31 - 1, maxEntries: 1e6 } },
      { rateLimit: { perSecond: 1e-3, burst: 1 } },
      { rateLimit: false as const, cache: false as const, accountId: 'a'.repeat(255) },
    ]) expect(make(options)).not.toThrow();
  });

  it('says which option is wrong and what it takes', () => {
    const message = (options: Partial<ClientOptions>) => {
      try {
        make(options)();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(message({ timeout: 0 })).toBe('timeout must be an integer from 1 to 2147483647.');
    expect(message({ retry: 11 })).toBe('retry must be an integer from 0 to 10.');
    expect(message({ cache: { ttl: -1 } })).toBe('cache.ttl must be an integer from 0 to 2147483647.');
    expect(message({ cache: { maxEntries: -1 } })).toBe('cache.maxEntries must be an integer from 0 to 1000000.');
    expect(message({ fetch: 1 as never })).toBe('fetch must be a function.');
    expect(message({ share: 1 as never })).toBe('share must be a function.');
    expect(message({ cache: { swr: 1 as never } })).toBe('cache.swr must be a function.');
    expect(message({ rateLimit: 'enterprise' as never })).toMatch(/^rateLimit must be 'free', 'starter', 'growth'/);
    expect(message({ accountId: 'acct 1' })).toMatch(/^accountId must be letters, digits/);
    expect(message({ apiBase: 'http://evillocalhost/v1' })).toBe('apiBase must be https: (http: only for localhost); got http://evillocalhost.');
    expect(message({ apiBase: 'api.stateset.com' })).toMatch(/^apiBase must be an absolute URL/);
    expect(message({ apiBase: 5 as never })).toBe('apiBase must be a string.');
  });

});

describe('apiBase and the options object, at their edges', () => {
  it('drops every trailing slash, and refuses a password without a user name', () => {
    expect(make({ apiBase: 'https://api.example.com/v1//' })().apiBase).toBe('https://api.example.com/v1');
    expect(make({ apiBase: 'https://:pass@api.example.com/v1' })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });

  it('refuses null, a string or a function as the options object', () => {
    for (const options of [null, 'pk_test_options1', () => undefined]) {
      expect(() => createClient(options as never), String(options)).toThrow('createClient expects an options object.');
    }
  });

  it('a call given something that is not a client is ConfigError, and sends nothing', async () => {
    await expect(getBalance({ apiBase: 'https://api.stateset.com/v1', livemode: false } as never)).rejects.toThrow('Expected a client made by createClient().');
  });
});

describe('a secret in apiBase or accountId is refused where it is', () => {
  it.each<[Partial<ClientOptions>, string]>([
    [{ apiBase: 'https://api.example.com/v1/sk_test_abc123' }, 'apiBase'],
    [{ apiBase: 'https://api.example.com/v1/sk_te\tst_abc123' }, 'apiBase'], // whole only once the URL parser drops the tab
    [{ accountId: 'sk_test_abc123' }, 'accountId'],
  ])('%j', (options, where) => {
    expect(make(options)).toThrow(`Refused a secret key (sk_test_…) in ${where}: use a publishable key (pk_…) and rotate the secret one.`);
  });
});
