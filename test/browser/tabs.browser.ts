/**
 * Tabs of one origin with `share: crossTab()` asking for the same URLs at the same instant (each tab a real page of
 * one browser context, each with its own client): each URL is claimed with a Web Lock before it is sent, so the
 * others wait for the claimant's answer. One request per URL.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  it('5 tabs × the same 10 URLs with crossTab(): 10 requests, none failed', async () => {
    const failed = await askAll(await tabs(5, true), 10);
    expect(failed).toEqual([0, 0, 0, 0, 0]);
    expect(calls(api.requests, '/v1/products')).toHaveLength(10);
  });

  it('(control) crossTab() without Web Locks: tabs asking in the same instant each send (the fallback)', async () => {
    await askAll(await tabs(5, true, true), 10);
    expect(calls(api.requests, '/v1/products').length).toBeGreaterThan(10);
  });

  it('(control) without crossTab(), every tab sends its own', async () => {
    await askAll(await tabs(2, false), 10);
    expect(calls(api.requests, '/v1/products')).toHaveLength(20);
  });
});
