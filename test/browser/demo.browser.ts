/**
 * Scenario 7: the demo (`npm run demo`, started here in-process on free ports) in Chromium. The React +
 * TanStack Query page scrolls to its end (the SPA runs in every engine: engines/spa.browser.ts); the storefront and widget pages render; screenshots of each
 * page go to `test-results/browser/demo-*.png`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../demo/server.js';
import { HOSTILE_MARKUP, products } from '../../src/testing/server.js';
import { calls, carryingSecrets, openPage, screenshot } from './harness.js';

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo({ port: 0, apiPort: 0, log: () => {} });
});
afterAll(async () => {
  await demo?.close();
});

const names = (page: Page): Promise<string[]> => page.locator('#products h3').allTextContents();

describe('scenario 7: the demo pages', () => {
  // (The SPA paging through every product and back runs in every engine: engines/spa.browser.ts.)

  it('the React + TanStack Query page scrolls through every product, with the balance header and the widget', async () => {
    const { page, consoleErrors, pageErrors } = await openPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(new URL('/react.html', demo.url).href);
    await expect.poll(() => page.getByTestId('header-balance').textContent(), { timeout: 15_000 }).toMatch(/\d.*SSUSD/);
    const status = page.locator('#page-status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^\d+ products/);
    await screenshot(page, 'demo-react');
    // Scrolling to the end loads the next page, until all are shown.
    for (let rounds = 0; !/all shown/.test((await status.textContent()) ?? ''); rounds++) {
      expect(rounds, 'more rounds than products').toBeLessThan(products.length);
      const shown = (await names(page)).length;
      await page.mouse.wheel(0, 20_000);
      await expect.poll(async () => (await names(page)).length).toBeGreaterThan(shown);
    }
    expect(await names(page)).toEqual(products.map((p) => p.name));
    expect((await names(page)).filter((name) => name.includes(HOSTILE_MARKUP))).toHaveLength(1); // text, not markup
    await page.waitForFunction(() => document.querySelector('stateset-balance')?.getAttribute('state') === 'loaded');
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the storefront page (CDN build) shows products and the store credit, through the edge on its own origin', async () => {
    const { page, consoleErrors, pageErrors } = await openPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const sent: string[] = [];
    page.on('request', (request) => sent.push(request.url()));
    const before = demo.api.requests.length;
    await page.goto(demo.url);
    await page.locator('#products h3').first().waitFor();
    await expect.poll(() => page.locator('#credit').textContent()).toMatch(/\d.*SSUSD/);
    const active = products.filter((p) => p.status === 'active').slice(0, 8).map((p) => p.name);
    expect(await names(page)).toEqual(active);
    await screenshot(page, 'demo-storefront');
    // Same-origin calls (`apiBase: '/stateset/v1'`): the page sent nothing to the API's origin, so no preflight; the
    // stand-in heard only the edge (no Origin header, no OPTIONS).
    expect(sent.filter((url) => url.startsWith(`${new URL(demo.url).origin}/stateset/v1/`)).length).toBeGreaterThanOrEqual(2);
    expect(sent.filter((url) => url.startsWith(demo.api.origin))).toEqual([]);
    const heard = demo.api.requests.slice(before);
    expect(heard.filter((request) => request.method === 'OPTIONS' || request.headers.origin !== undefined)).toEqual([]);
    // A second visitor is served from the edge's cache: the upstream count on the page does not move.
    const upstream = demo.edge.stats().upstream;
    expect(upstream).toBeGreaterThan(0);
    await page.reload();
    await page.locator('#products h3').first().waitFor();
    expect(demo.edge.stats().upstream).toBe(upstream);
    expect(await page.locator('#edge-upstream').textContent()).toBe(String(upstream));
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the widget page (strict CSP) renders its widgets and refuses the secret key without sending it', async () => {
    const { page, violations, consoleErrors, pageErrors } = await openPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const before = demo.api.requests.length;
    await page.goto(new URL('/widgets.html', demo.url).href);
    await page.waitForFunction(() => {
      const all = [...document.querySelectorAll('stateset-balance')];
      return all.length > 1 && all.every((w) => /^(loaded|error)$/.test(w.getAttribute('state') ?? ''));
    });
    const states = await page.locator('stateset-balance').evaluateAll((all) => all.map((w) => `${w.getAttribute('state')} ${w.getAttribute('error-code') ?? ''}`.trim()));
    expect(states.filter((s) => s === 'error secret_key_refused')).toHaveLength(1);
    expect(states.filter((s) => s === 'loaded')).toHaveLength(states.length - 1);
    await screenshot(page, 'demo-widgets');
    const traffic = demo.api.requests.slice(before);
    expect(calls(traffic).length).toBeGreaterThan(0);
    expect(carryingSecrets(traffic)).toEqual([]);
    expect(violations).toEqual([]);
    expect(consoleErrors).toHaveLength(1); // the refusal, on purpose
    expect(consoleErrors[0]).toMatch(/stateset-balance/);
    expect(pageErrors).toEqual([]);
  });
});
