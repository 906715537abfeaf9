/**
 * Across page loads, in every engine: `crossTab({ persist: true })` keeps answers in the origin's localStorage, so the
 * next load of the same page shows them before any response. Three real navigations of `pages/page-loads.html` (the
 * balance, TTL 5 s, and the first product page, TTL 60 s) in one context, on a page clock set by `?at=` (WebKit's and
 * Firefox's automation here has no clock of its own): load 1 at T asks for both; load 2 at T + 2 s shows both from
 * storage and sends nothing; load 3 at T + 6 s shows both from storage at once and refreshes the balance behind them.
 * The stand-in holds each balance answer 400 ms, so "shown before any response" is an order, not a race. The
 * 10-load version with playwright's clock is Chromium's (../persist.browser.ts, and `npm run bench` scenario 10).
 */
import { describe, expect, it } from 'vitest';
import { calls, serve } from '../harness.js';
import { describeEngines, expectClean, waitFor, type Tab } from './index.js';

const served = serve((api) => ({ vars: { API_BASE: api.url, KEY: 'pk_test_enginesLoads1' }, watch: true }));
const T = Date.UTC(2026, 0, 5, 9);

/** Navigates to the page at page time `at` and waits until both values are shown and the balance's answer has arrived (and, with persist, is stored). */
async function load(tab: Tab, origin: string, at: number, persist: boolean): Promise<string[]> {
  await tab.goto(`${origin}/page-loads.html?at=${at}${persist ? '' : '&persist=0'}`);
  await waitFor(tab, ({ at, persist }) => {
    const log = (window as unknown as { __log?: string[] }).__log ?? [];
    if (!log.includes('shown balance') || !log.includes('shown products') || !log.includes('response /v1/account/balance')) return false;
    if (!persist) return true;
    return Object.keys(localStorage).some((name) => {
      const item = JSON.parse(localStorage.getItem(name)!) as { k?: string; e?: { at: number } } | null;
      return !!item?.k?.endsWith('/v1/account/balance') && (item.e?.at ?? 0) >= at;
    });
  }, { at, persist });
  return tab.evaluate(() => (window as unknown as { __log: string[] }).__log);
}
const before = (log: string[], what: string) => log.slice(0, log.indexOf(`shown ${what}`)).some((line) => line.startsWith('response'));

describeEngines('page loads with crossTab({ persist: true })', (engine) => {
  describe('three loads of one storefront page: at T, T + 2 s (within every TTL) and T + 6 s (the balance past its 5 s)', () => {
    it('3 GETs in all; loads 2 and 3 show both values before any response, load 3 refreshing the balance behind them', async () => {
      served.api.fault({ path: '/v1/account/balance', delay: 400 });
      const tab = await engine.open();
      const first = await load(tab, served.site.origin, T, true);
      expect(before(first, 'balance')).toBe(true); // load 1 waits for its answer
      expect(calls(served.api.requests)).toHaveLength(2);
      // Load 2 answers from storage: nothing sent, both shown (its log then has no response at all).
      await tab.goto(`${served.site.origin}/page-loads.html?at=${T + 2_000}`);
      await waitFor(tab, () => ['shown balance', 'shown products'].every((line) => (window as unknown as { __log?: string[] }).__log?.includes(line)));
      expect(await tab.evaluate(() => (window as unknown as { __log: string[] }).__log.slice().sort())).toEqual(['shown balance', 'shown products']);
      expect(calls(served.api.requests)).toHaveLength(2);
      const third = await load(tab, served.site.origin, T + 6_000, true);
      expect(third.slice(0, 2).sort()).toEqual(['shown balance', 'shown products']);
      expect(third.filter((line) => line.startsWith('response'))).toEqual(['response /v1/account/balance']);
      expect(calls(served.api.requests, '/v1/account/balance')).toHaveLength(2);
      expect(calls(served.api.requests, '/v1/products')).toHaveLength(1);
      await expectClean(tab);
    });

    it('(control) without persist: every load asks for both, 6 GETs, each balance only after its response', async () => {
      const tab = await engine.open();
      for (const at of [T, T + 2_000, T + 6_000]) expect(before(await load(tab, served.site.origin, at, false), 'balance')).toBe(true);
      expect(calls(served.api.requests)).toHaveLength(6);
    });
  });
});
