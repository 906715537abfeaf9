/**
 * Scenario 5: the API does not expose its rate-limit headers (no `Access-Control-Expose-Headers`) and
 * enforces a small plan. A burst of distinct calls still completes without a single 429: the client's
 * own token bucket is all that keeps it under the limit.
 */
import { describe, expect, it } from 'vitest';
import type { ClientOptions } from '../../src/index.js';
import type { Plan } from '../../src/testing/server.js';
import { calls, openPage, serve } from './harness.js';
import { openLab, type LabWindow } from './lab.js';

const served = serve();

const cases: Array<{ name: string; plan: Plan; options: Partial<ClientOptions>; calls: number }> = [
  // Retries off: any 429 would reach the page as a RateLimitError, so pacing alone must hold.
  { name: 'a small plan (4/s, burst 4), retries off', plan: { perSecond: 4, burst: 4 }, options: { rateLimit: { perSecond: 4, burst: 4 }, retry: 0 }, calls: 16 },
  // (The Free plan with the client's defaults runs in every engine: engines/storefront.browser.ts.)
];

describe('scenario 5: no exposed rate-limit headers, a plan enforced', () => {
  it.each(cases)('$name: a burst of $calls distinct calls all succeed', async ({ plan, options, calls: n }) => {
    served.api.setOptions({ plan, exposeHeaders: false });
    const { page, pageErrors } = await openPage();
    await openLab(page, served.site.origin);
    const outcome = await page.evaluate(async ({ apiBase, options, n }) => {
      const { createClient, listProducts } = (window as unknown as LabWindow).stateset;
      const client = createClient({ publishableKey: 'pk_test_pacedBurst1', apiBase, ...options });
      // Distinct URLs (limit=1…n), so neither the cache nor de-duplication can absorb any of them.
      const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => listProducts(client, { limit: i + 1 })));
      return settled.map((s) => (s.status === 'fulfilled' ? `ok ${s.value.data.length}` : `${s.reason.name} ${s.reason.code}`));
    }, { apiBase: served.api.url, options, n });

    expect(outcome).toEqual(Array.from({ length: n }, (_, i) => `ok ${i + 1}`));
    const sent = calls(served.api.requests, '/v1/products');
    expect(new Set(sent.map((r) => r.url)).size).toBe(n);
    expect(sent).toHaveLength(n);
    expect(sent.filter((r) => r.status !== 200)).toEqual([]); // not one 429, retried or not
    expect(pageErrors).toEqual([]);
  });

  it('(control) the same burst without pacing is refused by the plan, and the page cannot read the headers', async () => {
    served.api.setOptions({ plan: { perSecond: 4, burst: 4 }, exposeHeaders: false });
    const { page } = await openPage();
    await openLab(page, served.site.origin);
    const seen = await page.evaluate(async (apiBase) => {
      const responses = await Promise.all(Array.from({ length: 16 }, (_, i) =>
        fetch(`${apiBase}/products?limit=${i + 1}`, { headers: { Authorization: 'Bearer pk_test_unpacedBurst1' } })));
      return responses.map((r) => `${r.status} ${r.headers.get('X-RateLimit-Remaining') ?? 'hidden'} ${r.headers.get('Retry-After') ?? 'hidden'}`);
    }, served.api.url);
    expect(seen.filter((s) => s.startsWith('429')).length).toBeGreaterThan(0);
    expect(seen.every((s) => s.endsWith('hidden hidden'))).toBe(true);
    // The stand-in did send them: only CORS hid them from the page.
    expect(calls(served.api.requests).some((r) => r.status === 429)).toBe(true);
  });
});

describe('a body that stalls after the headers (the stand-in sends half of it, then nothing)', () => {
  it('fails the call with TimeoutError after `timeout` ms, closes the connection, and the next call gets its own request', async () => {
    served.api.fault({ path: '/v1/account/balance', stall: true, times: 1 });
    const { page, pageErrors } = await openPage();
    await openLab(page, served.site.origin);
    const outcome = await page.evaluate(async (apiBase) => {
      const { createClient, getBalance } = (window as unknown as LabWindow).stateset;
      const client = createClient({ publishableKey: 'pk_test_stalledBody1', apiBase, timeout: 500, retry: 0 });
      const started = performance.now();
      const first = await getBalance(client).then(() => 'ok', (error: { name: string }) => error.name);
      const ms = performance.now() - started;
      const second = await getBalance(client).then((balance) => balance.object, (error: { name: string }) => error.name);
      return { first, ms, second };
    }, served.api.url);
    expect(outcome.first).toBe('TimeoutError');
    expect(outcome.ms).toBeLessThan(3_000);
    expect(outcome.second).toBe('balance');
    const [stalled, next] = calls(served.api.requests, '/v1/account/balance');
    await expect.poll(() => stalled!.gaveUp, { timeout: 2_000 }).toBe(true); // Chromium closed it when the body was cancelled
    expect(next!.status).toBe(200);
    expect(pageErrors).toEqual([]);
  });
});
