/**
 * The library loaded again while the page runs (a lazy chunk, a second bundle): what its modules build at load
 * (the key patterns, the error brand, the helpers that read a server's error body) must hold in that copy as in the
 * first. Each test loads a fresh copy of the modules (`vi.resetModules`), so these values are built inside the test.
 */
import { describe, expect, it, vi } from 'vitest';
import * as first from '../src/index.js';

const load = async (): Promise<typeof first> => {
  vi.resetModules();
  return import('../src/index.js');
};

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('a copy of the library loaded after the page started', () => {
  it('refuses a secret key in any case, naming the place and only the key\'s prefix', async () => {
    const lib = await load();
    const key = `SK_LIVE_${'Ab1'.repeat(6)}`;
    const error = thrown(() => lib.createClient({ publishableKey: key }));
    expect(error).toBeInstanceOf(lib.SecretKeyError);
    expect(error).toMatchObject({ keyPrefix: 'SK_LIVE_…' });
    expect((error as Error).message).toContain('(SK_LIVE_…) in publishableKey:');
    expect((error as Error).message).not.toContain(key.slice(8));
  });

  it('takes a publishable key only whole: nothing before its pk_, nothing but letters and digits after its mode', async () => {
    const lib = await load();
    for (const publishableKey of ['xpk_test_abc123', 'pk_test_abc123!', 'pk_test_abc123 x']) {
      expect(thrown(() => lib.createClient({ publishableKey })), publishableKey).toBeInstanceOf(lib.InvalidKeyError);
    }
    expect(lib.createClient({ publishableKey: ' pk_test_abc123 ' }).livemode).toBe(false);
  });

  it('reads a server\'s error body, showing only the prefix of the keys it echoes (percent-encoded, upper-case)', async () => {
    const lib = await load();
    const echoed = `No such key: sk%5Flive%5F${'Ab1'.repeat(6)} or SK_TEST_${'Xy9'.repeat(6)}`;
    const fetch = async (): Promise<Response> => new Response(JSON.stringify({ error: { code: 'parameter_invalid', message: echoed } }), {
      status: 400, headers: { 'Content-Type': 'application/json' },
    });
    const client = lib.createClient({ publishableKey: 'pk_test_fresh1', retry: 0, rateLimit: false, fetch });
    const error = await lib.getBalance(client).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(lib.ApiError);
    expect(error).toMatchObject({ code: 'parameter_invalid', status: 400 });
    expect((error as Error).message).toBe('GET /account/balance failed with 400: No such key: sk_live_… or SK_TEST_…');
  });

  it('its errors and the first copy\'s are recognised by either copy\'s isStateSetError', async () => {
    const lib = await load();
    const theirs = new lib.TimeoutError('GET /x', 1);
    const ours = new first.AbortError('GET /x');
    expect(theirs).not.toBeInstanceOf(first.StateSetError);
    expect(first.isStateSetError(theirs)).toBe(true);
    expect(lib.isStateSetError(ours)).toBe(true);
    expect(first.isStateSetError(new Error('x'))).toBe(false);
  });
});
