/** The error hierarchy: names, codes, base class, cross-realm guard, and no key in any message. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { findSecret, maskKey, redactSecrets } from '../src/key.js';

const { StateSetError, isStateSetError } = api;
const samples: [api.StateSetError, string, string][] = [
  [new api.SecretKeyError('sk_live_…', 'publishableKey'), 'SecretKeyError', 'secret_key_refused'],
  [new api.InvalidKeyError('nothing'), 'InvalidKeyError', 'invalid_publishable_key'],
  [new api.EndpointNotAllowedError('POST', '/payments'), 'EndpointNotAllowedError', 'endpoint_not_allowed'],
  [new api.ConfigError('insecure_api_base', 'x'), 'ConfigError', 'insecure_api_base'],
  [new api.ConfigError('invalid_option', 'x'), 'ConfigError', 'invalid_option'],
  [new api.ValidationError('limit', 'x'), 'ValidationError', 'invalid_parameter'],
  [new api.ApiError('GET /x', { status: 404, code: 'resource_missing', message: 'No such product' }), 'ApiError', 'resource_missing'],
  [new api.RateLimitError('GET /x', { status: 429, code: 'whatever', message: 'slow down' }, 1500), 'RateLimitError', 'rate_limit_exceeded'],
  [new api.NetworkError('GET /x', 'https://api.stateset.com'), 'NetworkError', 'network_error'],
  [new api.TimeoutError('GET /x', 100), 'TimeoutError', 'timeout'],
  [new api.AbortError('GET /x'), 'AbortError', 'aborted'],
  [new api.InvalidResponseError('GET /x', 200, 'x'), 'InvalidResponseError', 'invalid_response'],
];

describe('error classes', () => {
  it.each(samples)('%s has its class name, a stable code, and extends StateSetError and Error', (error, name, code) => {
    expect(error.name).toBe(name);
    expect(error.constructor.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(StateSetError);
    expect(error).toBeInstanceOf(Error);
    expect(isStateSetError(error)).toBe(true);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  it('RateLimitError is an ApiError carrying retryAfter', () => {
    const error = samples[7]![0] as api.RateLimitError;
    expect(error).toBeInstanceOf(api.ApiError);
    expect(error.retryAfter).toBe(1500);
    expect(error.status).toBe(429);
  });

  it('chains the cause (ES2022)', () => {
    const cause = new TypeError('Failed to fetch');
    expect(new api.NetworkError('GET /x', 'https://a', { cause }).cause).toBe(cause);
  });

  it('isStateSetError recognises every class of this library loaded in another realm, by its brand', async () => {
    // The library's own errors module, bundled and run in a fresh realm (its own Error, its own classes).
    const { build } = await import('esbuild');
    const { outputFiles } = await build({
      entryPoints: ['src/errors.ts'], bundle: true, write: false, format: 'iife', globalName: 'lib', platform: 'neutral',
    });
    const other = runInNewContext(`${outputFiles[0]!.text}; lib`) as typeof api;
    const foreign = [
      new other.SecretKeyError('sk_live_…', 'x'), new other.InvalidKeyError('nothing'), new other.EndpointNotAllowedError('GET', '/x', []),
      new other.ConfigError('invalid_option', 'x'), new other.ValidationError('id', 'x'),
      new other.ApiError('GET /x', { status: 404, code: 'resource_missing', message: 'x' }),
      new other.RateLimitError('GET /x', { status: 429, code: 'x', message: 'x' }, 1), new other.NetworkError('GET /x', 'https://a'),
      new other.TimeoutError('GET /x', 1), new other.AbortError('GET /x'), new other.InvalidResponseError('GET /x', 200, 'x'),
      new other.StateSetError('widget_error', 'x'),
    ];
    for (const error of foreign) {
      expect(error instanceof StateSetError).toBe(false);
      expect(error instanceof Error).toBe(false);
      expect([error.name, isStateSetError(error)]).toEqual([error.name, true]);
    }
    // Nothing else passes: not a look-alike by name and code, nor a brand that is not `true`.
    const brand = Symbol.for('@stateset/browser.error');
    expect(isStateSetError(runInNewContext('const e = new Error("x"); e.name = "ApiError"; e.code = "resource_missing"; e'))).toBe(false);
    expect(isStateSetError(Object.assign(new Error('x'), { name: 'TimeoutError', code: 'timeout' }))).toBe(false);
    expect(isStateSetError({ [brand]: 1 })).toBe(false);
    expect(isStateSetError({ [brand]: true })).toBe(true);
    expect(isStateSetError(null)).toBe(false);
    expect(isStateSetError('ApiError')).toBe(false);
  });

  it('the brand sits on the prototype: no own property, so it shows in no log or equality', () => {
    const error = new api.TimeoutError('GET /x', 1);
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(Symbol.for('@stateset/browser.error') in error).toBe(true);
  });
});

describe('errors thrown in another realm (an iframe, a vm context)', () => {
  // The library's own errors module, evaluated in a fresh realm: its classes are not ours, `instanceof` fails.
  const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../src/errors.ts'), 'utf8');
  const foreign = runInNewContext(`${transformSync(source, { loader: 'ts', format: 'iife', globalName: 'errors' }).code}; errors`) as typeof api;
  const made: [string, () => Error][] = [
    ['StateSetError', () => new foreign.StateSetError('custom', 'x')],
    ['SecretKeyError', () => new foreign.SecretKeyError('sk_live_…', 'publishableKey')],
    ['InvalidKeyError', () => new foreign.InvalidKeyError('nothing')],
    ['EndpointNotAllowedError', () => new foreign.EndpointNotAllowedError('POST', '/payments')],
    ['ConfigError', () => new foreign.ConfigError('invalid_option', 'x')],
    ['ValidationError', () => new foreign.ValidationError('limit', 'x')],
    ['ApiError', () => new foreign.ApiError('GET /x', { status: 404, code: 'resource_missing', message: 'No such product' })],
    ['RateLimitError', () => new foreign.RateLimitError('GET /x', { status: 429, code: 'x', message: 'slow down' }, 1500)],
    ['NetworkError', () => new foreign.NetworkError('GET /x', 'https://api.stateset.com')],
    ['TimeoutError', () => new foreign.TimeoutError('GET /x', 100)],
    ['AbortError', () => new foreign.AbortError('GET /x')],
    ['InvalidResponseError', () => new foreign.InvalidResponseError('GET /x', 200, 'x')],
  ];

  it('covers every error class the library exports', () => {
    const exported = Object.entries(api).filter(([, value]) => typeof value === 'function' && (value === StateSetError || value.prototype instanceof StateSetError));
    expect(made.map(([name]) => name).sort()).toEqual(exported.map(([name]) => name).sort());
  });

  it.each(made)('isStateSetError recognises a %s from there', (name, make) => {
    const error = make();
    expect(error instanceof StateSetError).toBe(false);
    expect(error.name).toBe(name);
    expect(isStateSetError(error)).toBe(true);
  });

  it('and nothing else from there: its own Error and TypeError, an object with a look-alike name but no code', () => {
    expect(isStateSetError(runInNewContext('new TypeError("x")'))).toBe(false);
    expect(isStateSetError(runInNewContext('Object.assign(new Error("x"), { code: "timeout" })'))).toBe(false);
    expect(isStateSetError(runInNewContext('({ name: "TimeoutError" })'))).toBe(false);
    expect(isStateSetError(runInNewContext('Object.assign(new Error("x"), { name: "TimeoutErrors", code: "timeout" })'))).toBe(false);
    expect(isStateSetError(runInNewContext('Object.assign(new Error("x"), { name: "MyTimeoutError", code: "timeout" })'))).toBe(false);
  });
});

describe('messages say what failed and what to do', () => {
  it.each<[api.StateSetError, string]>([
    [samples[0]![0], 'Refused a secret key (sk_live_…) in publishableKey: use a publishable key (pk_…) and rotate the secret one.'],
    [samples[1]![0], 'publishableKey must be your pk_test_… or pk_live_… key; got nothing.'],
    [samples[2]![0], 'POST /payments is not an endpoint browsers may call.'],
    [samples[5]![0], 'Invalid limit: x'],
    [samples[6]![0], 'GET /x failed with 404: No such product'],
    [samples[7]![0], 'GET /x failed with 429: slow down'],
    [samples[8]![0], 'GET /x could not reach https://api.stateset.com: offline, unknown host, or a CORS block.'],
    [samples[9]![0], 'GET /x got no answer within 100 ms.'],
    [samples[10]![0], 'GET /x was aborted.'],
    [samples[11]![0], 'GET /x returned an invalid response (200): x'],
  ])('%s', (error, message) => {
    expect(error.message).toBe(message);
  });

  it('carry the fields a handler reads: the refused prefix, the parameter, the server\'s details', () => {
    expect(samples[0]![0]).toMatchObject({ keyPrefix: 'sk_live_…' });
    expect(samples[5]![0]).toMatchObject({ param: 'limit' });
    const details = { status: 400, code: 'bad', message: 'm', type: 'invalid_request_error', param: 'limit', docUrl: 'https://d', requestId: 'req_1' };
    expect(new api.ApiError('GET /x', details)).toMatchObject({ ...details, message: 'GET /x failed with 400: m' });
    expect(samples[11]![0]).toMatchObject({ status: 200 });
  });
});

describe('key helpers never reveal more than a prefix', () => {
  const key = `sk_live_${'S3cr3t'.repeat(5)}`;

  it('maskKey keeps the kind and mode only', () => {
    expect(maskKey(key)).toBe('sk_live_…');
    expect(maskKey(`  RK_TEST_abc`)).toBe('RK_TEST_…');
    expect(maskKey('whatever')).toBe('…');
    expect(maskKey(`Bearer ${key}`)).toBe('…'); // text that does not start like a key
  });

  it('findSecret finds keys bare, inside text, in any case and percent-encoded', () => {
    expect(findSecret(`Bearer ${key}`)).toBe('sk_live_…');
    expect(findSecret(`x${key.toUpperCase()}y`)).toBe('SK_LIVE_…');
    expect(findSecret(key.replaceAll('_', '%5F'))).toBe('sk_live_…');
    expect(findSecret(`%E0%A4%A${key.replaceAll('_', '%5f')}`)).toBe('sk_live_…');
    expect(findSecret('pk_live_abc task_test sk_test_ rk_prod_x')).toBeUndefined();
  });

  it('findSecret names a key as written before it looks inside percent-encoding', () => {
    expect(findSecret(`${key.replaceAll('_', '%5F').replace('live', 'test')} and ${key}`)).toBe('sk_live_…');
  });

  it('redactSecrets replaces every key in foreign text', () => {
    expect(redactSecrets(`bad key ${key} and rk_test_abc1`)).toBe('bad key sk_live_… and rk_test_…');
  });

  it('an ApiError built from a server message that echoes a secret shows only its prefix', async () => {
    const { errorFromResponse } = await import('../src/transport.js');
    const body = JSON.stringify({ error: { code: 'invalid_api_key', message: `Invalid API key ${key}` } });
    const error = errorFromResponse(new Response(body, { status: 401 }), body, 'GET /account/balance');
    expect(error.message).toContain('sk_live_…');
    expect(error.message).not.toContain(key);
  });
});

describe('no key from a server reaches an error, whatever part of the answer carries it', () => {
  const key = 'sk_live_abc123XYZ';
  /** Every string an error carries: own fields, message, and its causes' messages and fields, all the way down. */
  const everything = (error: unknown): string => {
    const texts: string[] = [];
    for (let at = error, depth = 0; at && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
      texts.push(String((at as Error).message), JSON.stringify(at, Object.getOwnPropertyNames(at).filter((name) => name !== 'cause')));
    }
    return texts.join('\n');
  };
  const answer = async (body: string, init: ResponseInit) => {
    const client = api.createClient({ publishableKey: 'pk_test_redact1', retry: 0, rateLimit: false, fetch: async () => new Response(body, init) });
    return api.getBalance(client).then(() => { throw new Error('expected a rejection'); }, (error: unknown) => error);
  };

  // [where the key is, body, response, the error, whether its message shows the key's prefix]
  it.each<[string, string, ResponseInit, string, boolean]>([
    ['status text', JSON.stringify({ error: { code: 'bad' } }), { status: 400, statusText: `Bad ${key}` }, 'ApiError', true],
    ['status text of an error without a body', '', { status: 400, statusText: `Bad ${key}` }, 'InvalidResponseError', false],
    ['X-Request-Id header', JSON.stringify({ error: { code: 'bad', message: 'no' } }), { status: 400, headers: { 'X-Request-Id': key } }, 'ApiError', false],
    ['Content-Type of a non-JSON answer', 'oops', { status: 200, headers: { 'Content-Type': `text/html; ${key}` } }, 'InvalidResponseError', true],
    ['a percent-encoded key in the message', JSON.stringify({ error: { code: 'bad', message: `key ${key.replaceAll('_', '%5F')}` } }), { status: 400 }, 'ApiError', true],
    ['a key with a dash in param', JSON.stringify({ error: { code: 'bad', message: 'no', param: 'sk_live_abc-123XYZ' } }), { status: 400 }, 'ApiError', false],
    ['a 429 status text', '', { status: 429, statusText: key, headers: { 'Retry-After': '1' } }, 'RateLimitError', true],
  ])('%s', async (_, body, init, name, prefixShown) => {
    const error = await answer(body, init);
    expect(error).toBeInstanceOf(StateSetError);
    expect((error as Error).name).toBe(name);
    const text = everything(error);
    expect(text).not.toMatch(/abc123|abc-123|123XYZ/);
    if (prefixShown) expect((error as Error).message).toContain('sk_live_…');
  });

  it('redactSecrets also undoes the percent-encoding of "_" to show the prefix', () => {
    expect(redactSecrets(`a ${key.replaceAll('_', '%5f')} b`)).toBe('a sk_live_… b');
  });
});

describe('errors made inside a test (not at import, before any mutant is active)', () => {
  it('the base class has its own name; refused endpoints and aborts say so', () => {
    expect(new StateSetError('custom', 'm').name).toBe('StateSetError');
    expect(new api.EndpointNotAllowedError('POST', '/payments').message).toBe('POST /payments is not an endpoint browsers may call.');
    expect(new api.AbortError('GET /x').message).toBe('GET /x was aborted.');
  });

  it('an abort has the code aborted; a method refused on a path that allows several names each of them', () => {
    expect(new api.AbortError('GET /x').code).toBe('aborted');
    expect(new api.EndpointNotAllowedError('POST', '/x', ['GET', 'HEAD'], true).message).toBe('POST /x is not allowed from a browser: use GET or HEAD.');
  });
});
