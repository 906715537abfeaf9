/**
 * The key rule: an `sk_`/`rk_` + `test_`/`live_` token is a key when it starts at a boundary (start of text or a
 * character other than a letter, digit or `_`) or when its tail is key-like (10+ letters and digits). Checked against
 * the rule it replaced (the token anywhere): every key refused before at a boundary is still refused, nothing new is,
 * and ids that only contain the letters pass.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, getProduct, listProducts, SecretKeyError } from '../src/index.js';
import { findSecret } from '../src/key.js';
import { productId } from '../src/products.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

/** The rule before: the token anywhere in the text (percent-decoded too). */
const oldRule = (text: string): boolean => {
  const token = /[sr]k_(?:test|live)_[a-z0-9]/i;
  if (token.test(text)) return true;
  if (!text.includes('%')) return false;
  try {
    return token.test(decodeURIComponent(text));
  } catch {
    return token.test(text.replace(/%5f/gi, '_'));
  }
};
const refused = (text: string): boolean => findSecret(text) !== undefined;

const kind = fc.constantFrom('sk', 'rk', 'SK', 'Rk', 'sK');
const mode = fc.constantFrom('test', 'live', 'TEST', 'Live');
const token = (tail: fc.Arbitrary<string>) => fc.tuple(kind, mode, tail).map(([k, m, t]) => `${k}_${m}_${t}`);
const shortTail = fc.stringMatching(/^[A-Za-z0-9]{1,9}$/);
const longTail = fc.stringMatching(/^[A-Za-z0-9]{10,40}$/);
/** Text that ends at a boundary: empty, or anything ending in a character that is not a letter, digit or `_`. */
const beforeBoundary = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(' ', '"', "'", '=', ':', '/', '-', '.', ',', '\n', '\t', '(', '%', 'é', '\u00a0')).map(([a, b]) => a + b),
);
const anything = fc.string({ maxLength: 10 });

describe('the key rule against the one it replaced', () => {
  it('a token at a boundary is refused whatever its tail, as before', () => {
    fc.assert(fc.property(beforeBoundary, token(fc.oneof(shortTail, longTail)), anything, (before, key, after) => {
      const text = before + key + after;
      expect(oldRule(text)).toBe(true);
      expect(refused(text)).toBe(true);
    }), { numRuns: 500 });
  });

  it('a token with a key-like tail is refused wherever it starts (xsk_live_…, MY_sk_live_…), as before', () => {
    fc.assert(fc.property(anything, token(longTail), anything, (before, key, after) => {
      const text = before + key + after;
      expect(oldRule(text)).toBe(true);
      expect(refused(text)).toBe(true);
    }), { numRuns: 500 });
  });

  it('refuses nothing the old rule let through', () => {
    const pieces = fc.array(fc.oneof(anything, token(fc.oneof(shortTail, longTail)), fc.constantFrom('_', '%5F', '%5f', 'x', ' ', '%')), { maxLength: 6 });
    fc.assert(fc.property(pieces, (parts) => {
      const text = parts.join('');
      if (refused(text)) expect(oldRule(text)).toBe(true);
    }), { numRuns: 1000 });
  });

  it('a token glued to a letter, digit or `_` with a short tail is an id, not a key', () => {
    const glue = fc.stringMatching(/^[A-Za-z0-9_]*[A-Za-z0-9_]$/);
    fc.assert(fc.property(glue, token(shortTail), fc.stringMatching(/^(?:_[A-Za-z0-9_]*)?$/), (before, key, after) => {
      const text = before + key + after;
      expect(oldRule(text)).toBe(true); // refused before
      expect(refused(text)).toBe(false);
    }), { numRuns: 500 });
  });

  it('the boundary cases by hand', () => {
    for (const text of ['sk_live_x', 'Bearer sk_live_x', 'SK_LIVE_a', '"rk_test_1"', 'key=sk_test_a', 'sk%5Ftest%5Fabc', 'a%20sk_live_x',
      'xsk_live_4eC39HqLyjWDarjtT1zdp7dc', 'MY_sk_live_4eC39HqLyj', 'prod_sk_live_abcdefghij']) {
      expect([text, refused(text)]).toEqual([text, true]);
    }
    for (const text of ['prod_desk_live_2024', 'prod_bookmark_test_set', 'prod_whisk_test_a', 'acct_risk_live_1', 'MY_sk_live_abc', 'prod_sk_live_abcdefghi', 'sk_test_', 'sk_live']) {
      expect([text, refused(text)]).toEqual([text, false]);
    }
  });
});

describe('ids that contain the letters of a key are sent', () => {
  let api: StandIn;
  beforeAll(async () => { api = await startStandIn(); });
  afterAll(() => api.close());
  beforeEach(() => api.reset());
  const sentPaths = (): string[] => api.requests.filter((sent) => sent.method === 'GET').map((sent) => sent.path);

  it.each(['prod_desk_live_2024', 'prod_bookmark_test_set'])('getProduct(client, %j) reaches the API', async (id) => {
    expect(id).toMatch(productId);
    const client = createClient({ publishableKey: 'pk_test_ids1', apiBase: api.url, retry: 0 });
    const error = await getProduct(client, id).catch((reason: unknown) => reason);
    expect(error).not.toBeInstanceOf(SecretKeyError);
    expect(sentPaths()).toEqual([`/v1/products/${id}`]);
  });

  it('listProducts with starting_after: prod_whisk_test_a and an accountId acct_risk_live_1 reach the API', async () => {
    const client = createClient({ publishableKey: 'pk_test_ids2', apiBase: api.url, accountId: 'acct_risk_live_1', retry: 0 });
    const error = await listProducts(client, { starting_after: 'prod_whisk_test_a' }).catch((reason: unknown) => reason);
    expect(error).not.toBeInstanceOf(SecretKeyError);
    const sent = api.requests.find((request) => request.method === 'GET');
    expect(sent).toMatchObject({ path: '/v1/products', query: { starting_after: ['prod_whisk_test_a'] } });
    expect(sent?.headers['x-account-id']).toBe('acct_risk_live_1');
  });
});
