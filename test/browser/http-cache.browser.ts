/**
 * A server's caching headers in a real browser (the stand-in's `cacheHeaders`, cross-origin): the page reads the
 * exposed `ETag`, its `If-None-Match` passes the preflight, and Chromium hands the 304 to the page (a conditional
 * request the page makes itself bypasses the HTTP cache) instead of answering from its own cache.
 */
import { describe, expect, it } from 'vitest';
import { calls, openPage, serve } from './harness.js';
import { openLab, type LabWindow } from './lab.js';

const served = serve();

describe('caching headers across origins', () => {
  it('revalidates with If-None-Match: the preflight allows it, the 304 reaches the client, the value is the stored one', async () => {
    served.api.setOptions({ cacheHeaders: true });
    const { page, pageErrors, consoleErrors } = await openPage();
    await openLab(page, served.site.origin);
    const outcome = await page.evaluate(async (apiBase) => {
      const { createClient, getBalance } = (window as unknown as LabWindow).stateset;
      // A TTL of 0: every call past the first revalidates at once (the server's max-age is 5 s).
      const client = createClient({ publishableKey: 'pk_test_httpCache1', apiBase, cache: { ttl: 0 } });
      const first = await getBalance(client);
      const second = await getBalance(client);
      const third = await getBalance(client, { fresh: true });
      return { same: first === second && second === third, object: first.object };
    }, served.api.url);
    expect(outcome).toEqual({ same: true, object: 'balance' });
    const sent = calls(served.api.requests, '/v1/account/balance');
    expect(sent.map((r) => r.status)).toEqual([200, 304, 304]);
    expect(sent[0]!.headers['if-none-match']).toBeUndefined();
    expect(sent[1]!.headers['if-none-match']).toMatch(/^"/);
    const preflights = served.api.requests.filter((r) => r.method === 'OPTIONS');
    expect(preflights.some((r) => /if-none-match/i.test(r.headers['access-control-request-headers'] ?? ''))).toBe(true);
    expect([...pageErrors, ...consoleErrors]).toEqual([]);
  });
});
