/**
 * Tabs of one origin sharing one key with `share: crossTab()`, in every engine: tabs asking for the same URLs at one
 * instant send one request per URL (each URL claimed with a Web Lock before it is sent), tabs asking for different
 * URLs stay within the plan together (the key's `burst` tokens are Web Locks), and a tab that closes mid-run loses
 * only its own calls, its tokens kept until their loans end. Small counts, so each engine spends a few seconds;
 * `npm run bench` runs the 5-tab × 60-call versions in Chromium (bench/tabs.ts, the same helpers: ./tabs.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calls, serve } from '../harness.js';
import { describeEngines } from './index.js';
import { askTogether, distinct, openTabs, outcome, same, start, type TabsOptions } from './tabs.js';

const served = serve();
const products = () => calls(served.api.requests, '/v1/products');

describeEngines('tabs sharing one key with crossTab()', (engine) => {
  const tabs = async (count: number, options: Partial<TabsOptions> = {}) =>
    openTabs(await engine.newContext(), count, { origin: served.site.origin, apiBase: served.api.url, publishableKey: 'pk_test_enginesTabs2', crossTab: true, ...options });

  it('3 tabs × the same 20 URLs at one instant: 20 requests, none failed', async () => {
    const outcomes = await askTogether(await tabs(3), same(3, 20));
    expect(outcomes.map(({ failed }) => failed)).toEqual([0, 0, 0]);
    expect(products()).toHaveLength(20);
  });

  it('(control) without Web Locks (an old browser), tabs asking in the same instant each send: more than 20 requests', async () => {
    await askTogether(await tabs(3, { locks: false }), same(3, 20));
    expect(products().length).toBeGreaterThan(20);
  });

  describe('the Free plan (10/s, burst 20), enforced by the stand-in', () => {
    beforeEach(() => served.api.setOptions({ plan: 'free' }));
    afterEach(() => served.api.setOptions({ plan: false }));

    it('3 tabs × 12 distinct calls at once (36, over the burst of 20): not one 429, none failed', async () => {
      const outcomes = await askTogether(await tabs(3), distinct(3, 12));
      expect(outcomes.map(({ failed }) => failed)).toEqual([0, 0, 0]);
      expect(products().filter(({ status }) => status === 429)).toHaveLength(0);
      expect(new Set(products().map(({ url }) => url)).size).toBe(36);
      expect(products()).toHaveLength(36);
    });

    it('(control) without crossTab() each tab has a budget of its own: 2 tabs × 20 distinct calls (retries off) get 429s', async () => {
      const outcomes = await askTogether(await tabs(2, { crossTab: false, retry: 0 }), distinct(2, 20));
      expect(products().filter(({ status }) => status === 429).length).toBeGreaterThan(0);
      expect(outcomes.flatMap(({ errors }) => errors)).toContain('RateLimitError rate_limit_exceeded');
    });

    it('a tab closing with its tokens lent and calls queued: the other tabs wait out its loans (not one 429), and all their calls complete, each sent once', async () => {
      const [closing, ...others] = await tabs(3);
      // The tab that closes spends the whole burst (20 tokens, each lent until 2 s after its answer), 5 calls queued.
      await start([closing!], [{ calls: 25, created: 0 }]);
      const answered = () => products().filter(({ query, status }) => query['created[gte]']?.[0] === '0' && status === 200);
      await expect.poll(() => answered().length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(20);
      await start(others, distinct(2, 10, 1));
      await closing!.close(); // the browser frees its 20 tokens at once and drops its queued requests
      const outcomes = [];
      for (const tab of others) outcomes.push(await outcome(tab));
      expect(outcomes.map(({ failed }) => failed)).toEqual([0, 0]);
      const theirs = products().filter(({ query }) => query['created[gte]']?.[0] !== '0');
      // (Before tabs posted their tokens' loans: 15–19 × 429 here, in each engine.)
      expect(theirs.filter(({ status }) => status === 429)).toHaveLength(0);
      expect(new Set(theirs.map(({ url }) => url)).size).toBe(20);
      expect(theirs).toHaveLength(20);
    });
  });
});
