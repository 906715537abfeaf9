/**
 * One key, one budget in one page: the app's code on `stateset.js` and five widgets of `widget.js` (two
 * self-contained copies of the library) share one cache and pacer through the realm's registry: one balance request.
 * One widget is given the app's client (made by the other copy) through its `client` property. And a widgets-only page
 * in two tabs: with `share="tabs"` the second tab's widget waits for the first's answer instead of asking.
 */
import { describe, expect, it } from 'vitest';
import { calls, openPage, serve } from './harness.js';

const KEY = 'pk_test_oneKeyPage1';
const served = serve((api) => ({ vars: { API_BASE: api.url, KEY } }));

describe('one key in one page, two copies of the library', () => {
  it('the app client and five widgets (one given the app\'s client) cost one balance request', async () => {
    const { page, pageErrors } = await openPage();
    await page.goto(`${served.site.origin}/one-key.html`);
    await page.waitForFunction(() => document.querySelector('#app')?.textContent !== '' &&
      [...document.querySelectorAll('stateset-balance')].every((w) => w.getAttribute('state') === 'loaded'));
    expect(pageErrors).toEqual([]);
    expect(calls(served.api.requests, '/v1/account/balance')).toHaveLength(1);
    const amounts = await page.locator('stateset-balance').evaluateAll((all) => all.map((w) => (w as HTMLElement & { balance?: unknown }).balance !== undefined));
    expect(amounts).toEqual([true, true, true, true, true]);
  });
});

describe('a widgets-only page in two tabs', () => {
  /** Opens `page` in two tabs of one browser context at once, the balance answered slowly (1 s), until both widgets show it. */
  const twoTabs = async (path: string) => {
    served.api.fault({ path: '/v1/account/balance', delay: 1000 });
    const { context, page, pageErrors } = await openPage();
    const second = await context.newPage();
    await Promise.all([page, second].map(async (tab, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 200)); // the second tab opens while the first's request is out
      await tab.goto(`${served.site.origin}${path}`);
      await tab.waitForFunction(() => document.querySelector('stateset-balance')?.getAttribute('state') === 'loaded');
    }));
    expect(pageErrors).toEqual([]);
    return calls(served.api.requests, '/v1/account/balance');
  };

  it('share="tabs": one balance request for both tabs', async () => {
    expect(await twoTabs('/share-tabs.html')).toHaveLength(1);
  });

  it('(control) without the attribute each tab asks', async () => {
    expect(await twoTabs('/share-none.html')).toHaveLength(2);
  });
});
