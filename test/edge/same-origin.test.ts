/**
 * A same-origin `apiBase` (`/stateset/v1`): the edge mounted on the page's own origin, so the browser sends no CORS
 * preflight. Resolved against the page; without a page (SSR) it is refused, asking for an absolute URL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, getBalance, ConfigError } from '../../src/index.js';
import { loadBalance } from '../../src/widget/registry.js';

declare const happyDOM: { setURL(url: string): void };
const balance = { object: 'balance', livemode: false, available: [], pending: [] };
afterEach(() => happyDOM.setURL('http://localhost:3000/'));

describe('same-origin apiBase', () => {
  it('resolves a path against the page and sends calls there', async () => {
    happyDOM.setURL('https://shop.example/cart?step=2#top');
    const urls: string[] = [];
    const client = createClient({
      publishableKey: 'pk_test_same1', apiBase: '/stateset/v1/',
      fetch: async (input) => (urls.push(String(input instanceof Request ? input.url : input)), Response.json(balance)),
    });
    expect(client.apiBase).toBe('https://shop.example/stateset/v1');
    await getBalance(client);
    expect(urls).toEqual(['https://shop.example/stateset/v1/account/balance']);
  });

  it('works for the widget\'s api-base attribute (its client is made the same way)', async () => {
    happyDOM.setURL('https://shop.example/');
    const urls: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = async (input) => (urls.push(input instanceof Request ? input.url : String(input)), Response.json(balance));
    try {
      expect(await loadBalance({ publishableKey: 'pk_test_widget1', apiBase: '/stateset/v1' }, new AbortController().signal)).toMatchObject(balance);
    } finally {
      globalThis.fetch = original;
    }
    expect(urls).toEqual(['https://shop.example/stateset/v1/account/balance']);
  });

  it('keeps the https rule for the page it resolves against', () => {
    happyDOM.setURL('http://shop.example/');
    expect(() => createClient({ publishableKey: 'pk_test_same1', apiBase: '/stateset/v1' })).toThrow(expect.objectContaining({ code: 'insecure_api_base' }));
  });

  it('does not take a protocol-relative or backslash path as same-origin', () => {
    happyDOM.setURL('https://shop.example/');
    for (const apiBase of ['//evil.example/v1', '/\\evil.example/v1', 'stateset/v1']) {
      expect(() => createClient({ publishableKey: 'pk_test_same1', apiBase }), apiBase).toThrow(ConfigError);
    }
  });

  it('refuses a path without a page (SSR), asking for an absolute URL', () => {
    const location = Object.getOwnPropertyDescriptor(globalThis, 'location');
    Object.defineProperty(globalThis, 'location', { value: undefined, configurable: true });
    try {
      expect(() => createClient({ publishableKey: 'pk_test_same1', apiBase: '/stateset/v1' })).toThrow(/absolute URL/);
    } finally {
      Object.defineProperty(globalThis, 'location', location!);
    }
  });
});
