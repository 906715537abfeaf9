/**
 * Scenario 8: two tabs of one origin, each with a client made with `share: crossTab()`, cost one
 * balance request: the second tab gets the first one's answer through BroadcastChannel, whether it
 * asks after the answer arrived or while the request is still in flight.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Balance, Client } from '../../src/index.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';
import { calls, openPage } from './harness.js';
import { openLab, type LabWindow } from './lab.js';
import { cdnDir, pagesDir } from './paths.js';
import { startSite, type Site } from './site.js';

type TabWindow = LabWindow & { client: Client; pending?: Promise<Balance> };

let api: StandIn;
let site: Site;

beforeAll(async () => {
  api = await startStandIn();
  site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir } });
});
afterAll(async () => {
  await Promise.all([api?.close(), site?.close()]);
});
beforeEach(() => api.reset());

/** Two tabs (pages of one browser context, so one origin and one storage partition), each with its own client. */
async function twoTabs(shared: boolean): Promise<[Page, Page]> {
  const { context, page: first } = await openPage();
  const second = await context.newPage();
  for (const tab of [first, second]) {
    await openLab(tab, site.origin);
    await tab.evaluate(({ apiBase, shared }) => {
      const w = window as unknown as TabWindow;
      const { createClient, crossTab } = w.stateset;
      w.client = createClient({ publishableKey: 'pk_test_twoTabs1', apiBase, ...(shared && { share: crossTab() }) });
    }, { apiBase: api.url, shared });
  }
  return [first, second];
}

const balanceIn = (tab: Page): Promise<Balance> =>
  tab.evaluate(() => {
    const w = window as unknown as TabWindow;
    return w.stateset.getBalance(w.client);
  });

describe('scenario 8: two tabs share a cached balance through BroadcastChannel', () => {
  it('the second tab reads the first tab\'s answer: one request', async () => {
    const [first, second] = await twoTabs(true);
    const one = await balanceIn(first);
    // The first tab's answer is broadcast when it is stored; give the message time to land.
    await second.waitForTimeout(250);
    expect(await balanceIn(second)).toEqual(one);
    expect(calls(api.requests)).toHaveLength(1);
  });

  it('a tab asking while the other tab\'s request is in flight waits for it: one request', async () => {
    api.fault({ path: '/v1/account/balance', delay: 600, times: 1 });
    const [first, second] = await twoTabs(true);
    await first.evaluate(() => {
      const w = window as unknown as TabWindow;
      w.pending = w.stateset.getBalance(w.client);
    });
    await expect.poll(() => calls(api.requests).length).toBe(1); // the first tab's request is out
    const two = await balanceIn(second);
    const one = await first.evaluate(() => (window as unknown as TabWindow).pending);
    expect(two).toEqual(one);
    expect(calls(api.requests)).toHaveLength(1);
  });

  it('(control) without crossTab(), each tab sends its own request', async () => {
    const [first, second] = await twoTabs(false);
    await balanceIn(first);
    await balanceIn(second);
    expect(calls(api.requests, '/v1/account/balance')).toHaveLength(2);
  });
});
