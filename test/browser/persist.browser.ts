/**
 * Across page loads (issue 15): 10 real page loads of one storefront page (the balance and the first product page) in
 * one browser context, 6 s apart on a simulated clock (playwright's `page.clock`: 54 s of page time, a few seconds of
 * real time), through `crossTab({ persist: true })` with `staleWhileRevalidate`. The balance's TTL is 5 s, the
 * products' 60 s: from load 2 on, the balance comes from storage at once and is refreshed in the background, the
 * products come from storage with no request. The stand-in holds every balance answer 400 ms, and the page records
 * in order each response as it arrives and each value as it is shown: "before any response" is that order.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../../src/testing/server.js';
import { calls, openPage } from './harness.js';
import { pageLoads, shownFirst } from './page-loads.js';
import { cdnDir, pagesDir } from './paths.js';
import { startSite, type Site } from './site.js';

let api: StandIn;
let site: Site;
beforeAll(async () => {
  api = await startStandIn();
  site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir }, vars: { API_BASE: api.url, KEY: 'pk_test_pageLoads1' } });
});
afterAll(async () => {
  await Promise.all([api?.close(), site?.close()]);
});
beforeEach(() => api.reset());

const LOADS = 10;

/** Ten loads 6 s apart; each load's log. */
async function tenLoads(persist: boolean): Promise<string[][]> {
  api.fault({ path: '/v1/account/balance', delay: 400 });
  const { page, pageErrors } = await openPage();
  const logs = await pageLoads(page, `${site.origin}/page-loads.html`, { loads: LOADS, persist });
  expect(pageErrors).toEqual([]);
  return logs;
}

describe('10 page loads in 60 s: the balance and the first product page', () => {
  it('crossTab({ persist: true }) with staleWhileRevalidate: 11 GETs, and from load 2 on the balance is on screen before any response', async () => {
    const logs = await tenLoads(true);
    expect(calls(api.requests, '/v1/account/balance')).toHaveLength(LOADS);
    expect(calls(api.requests, '/v1/products')).toHaveLength(1);
    expect(calls(api.requests)).toHaveLength(LOADS + 1);
    // Load 1 waits for its answers; every later load shows both values before any response has arrived.
    expect(logs[0]!.indexOf('shown balance')).toBeGreaterThan(logs[0]!.indexOf('response /v1/account/balance'));
    expect(shownFirst(logs)).toBe(LOADS - 1);
    for (const log of logs.slice(1)) {
      expect(log.slice(0, 2).sort()).toEqual(['shown balance', 'shown products']);
      expect(log.filter((line) => line.startsWith('response'))).toEqual(['response /v1/account/balance']);
    }
  });

  it('(control) without persist: 20 GETs, and every balance only after its response', async () => {
    const logs = await tenLoads(false);
    expect(calls(api.requests)).toHaveLength(2 * LOADS);
    for (const log of logs) expect(log.indexOf('shown balance')).toBeGreaterThan(log.indexOf('response /v1/account/balance'));
    expect(shownFirst(logs)).toBe(0);
  });
});
