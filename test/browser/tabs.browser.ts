/**
 * Tabs of one origin with `share: crossTab()` (each tab a real page of one browser context, each with its own
 * client). Asking for the same URLs at the same instant: each URL is claimed with a Web Lock before it is sent, so
 * the others wait for the claimant's answer; one request per URL. Asking for different URLs: the key's tokens are
 * Web Locks too, so the tabs together stay within the plan.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/index.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';
import { calls, openPage } from './harness.js';
import { openLab, type LabWindow } from './lab.js';
import { cdnDir, pagesDir } from './paths.js';
import { startSite, type Site } from './site.js';

type TabWindow = LabWindow & { client: Client };

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

async function tabs(count: number, shared: boolean, withoutLocks = false): Promise<Page[]> {
  const { context, page } = await openPage();
  // An old browser: no Web Locks (BroadcastChannel still there).
  if (withoutLocks) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
  const pages = [page, ...await Promise.all(Array.from({ length: count - 1 }, () => context.newPage()))];
  for (const tab of pages) {
    await openLab(tab, site.origin);
    await tab.evaluate(({ apiBase, shared }) => {
      const w = window as unknown as TabWindow;
      w.client = w.stateset.createClient({ publishableKey: 'pk_test_sameInstant1', apiBase, ...(shared && { share: w.stateset.crossTab() }) });
    }, { apiBase: api.url, shared });
  }
  return pages;
}

/** Every tab asks for the same `urls` distinct list pages at one instant (a shared wall-clock time); failures per tab. */
const askAll = (pages: Page[], urls: number): Promise<number[]> => {
  const at = Date.now() + 500;
  return Promise.all(pages.map((tab) => tab.evaluate(async ({ at, urls }) => {
    const w = window as unknown as TabWindow;
    await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
    const results = await Promise.allSettled(Array.from({ length: urls }, (_, index) => w.stateset.listProducts(w.client, { limit: 1 + index })));
    return results.filter((result) => result.status === 'rejected').length;
  }, { at, urls })));
};

describe('tabs asking for the same URLs at the same instant', () => {
  it('5 tabs × the same 60 URLs with crossTab(): 60 requests, none failed', async () => {
    const failed = await askAll(await tabs(5, true), 60);
    expect(failed).toEqual([0, 0, 0, 0, 0]);
    expect(calls(api.requests, '/v1/products')).toHaveLength(60);
  }, 60_000);

  it('(control) crossTab() without Web Locks: tabs asking in the same instant each send (the fallback)', async () => {
    await askAll(await tabs(5, true, true), 10);
    expect(calls(api.requests, '/v1/products').length).toBeGreaterThan(10);
  });

  it('(control) without crossTab(), every tab sends its own', async () => {
    await askAll(await tabs(2, false), 10);
    expect(calls(api.requests, '/v1/products')).toHaveLength(20);
  });
});

/** Tab `index` asks for `urls` list pages of its own (`created[gte]` = `first` + its index) at `at`; failures and the ms from `at` to the last answer. */
const askOwn = (pages: Page[], urls: number, first = 0, at = Date.now() + 500) =>
  Promise.all(pages.map((tab, tabIndex) => tab.evaluate(async ({ at, urls, index }) => {
    const w = window as unknown as TabWindow;
    await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
    const results = await Promise.allSettled(Array.from({ length: urls }, (_, call) => w.stateset.listProducts(w.client, { limit: 1 + call, created: { gte: index } })));
    return { failed: results.filter((result) => result.status === 'rejected').length, elapsed: Date.now() - at };
  }, { at, urls, index: first + tabIndex })));

describe('tabs asking for different URLs: one budget (the Free plan, enforced by the stand-in)', () => {
  beforeEach(() => api.setOptions({ plan: 'free' }));
  afterEach(() => api.setOptions({ plan: false }));

  it('5 tabs × 60 distinct list calls with crossTab(): 300 requests, not one 429, none failed', async () => {
    const results = await askOwn(await tabs(5, true), 60);
    const sent = calls(api.requests, '/v1/products');
    expect(results.map(({ failed }) => failed)).toEqual([0, 0, 0, 0, 0]);
    expect(sent.filter(({ status }) => status === 429)).toHaveLength(0);
    expect(new Set(sent.map(({ url }) => url)).size).toBe(300);
    expect(sent).toHaveLength(300);
    // (The time it took, against the plan's minimum of (300 - 20) / 10 s: for the README, not asserted.)
    console.info(`5 tabs × 60 distinct calls: ${Math.max(...results.map(({ elapsed }) => elapsed))} ms`);
  }, 120_000);

  it('(control) without crossTab() each tab has its own budget: 2 tabs × 30 distinct calls get 429s', async () => {
    await askOwn(await tabs(2, false), 30);
    expect(calls(api.requests, '/v1/products').filter(({ status }) => status === 429).length).toBeGreaterThan(0);
  }, 120_000);

  it('closing a tab while its calls hold and wait for tokens: the other tabs’ calls all complete, each sent once', async () => {
    const pages = await tabs(3, true);
    const at = Date.now() + 500;
    const done = askOwn(pages.slice(1), 30, 1, at);
    void askOwn(pages.slice(0, 1), 30, 0, at).catch(() => undefined); // the tab that closes (created[gte]=0)
    await expect.poll(() => calls(api.requests, '/v1/products').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(20);
    await pages[0]!.close();
    const results = await done;
    expect(results.map(({ failed }) => failed)).toEqual([0, 0]);
    const others = calls(api.requests, '/v1/products').filter(({ query }) => query['created[gte]']?.[0] !== '0');
    const urls = others.filter(({ status }) => status === 200).map(({ url }) => url);
    // (A closed tab's tokens come back at once, not 2 s after their answers: the server may answer a few 429s, retried.)
    console.info(`closing a tab: ${others.filter(({ status }) => status === 429).length} × 429 for the other tabs`);
    expect(new Set(urls).size).toBe(60);
    expect(urls).toHaveLength(60);
  }, 120_000);
});
