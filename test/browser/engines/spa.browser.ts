/**
 * The demo SPA (`npm run demo`'s /spa.html: the npm entry through Vite) in every engine: it pages through
 * every product and back, with no uncaught error, unhandled rejection or console.error. The demo runs
 * in-process on free ports; the test site sits in front of it as a proxy only to put the in-page recorder
 * (watch.js) into the page, since WebKit's WebDriver classic cannot report errors itself.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../../demo/server.js';
import { HOSTILE_MARKUP, products } from '../../../src/testing/server.js';
import { calls } from '../harness.js';
import { startSite, type Site } from '../site.js';
import { describeEngines, expectClean, waitFor, type Tab } from './index.js';

let demo: Demo;
let site: Site;

beforeAll(async () => {
  demo = await startDemo({ port: 0, apiPort: 0, log: () => {} });
  site = await startSite({ mounts: {}, upstream: demo.url, watch: true });
});
afterAll(async () => {
  await site?.close();
  await demo?.close();
});

/** Waits for the page status to read `Page <number> · …` and returns the product names shown. */
async function shown(tab: Tab, number: number): Promise<string[]> {
  await waitFor(tab, (n) => new RegExp(`^Page ${n} · \\d+ products$`).test(document.getElementById('page-status')?.textContent ?? ''), number);
  return tab.evaluate(() => [...document.querySelectorAll('#products h3')].map((h) => h.textContent ?? ''));
}
const disabled = (tab: Tab, id: string): Promise<boolean> => tab.evaluate((id) => (document.getElementById(id) as HTMLButtonElement).disabled, id);
/** Clicks once the button is enabled (the SPA disables both while a page loads). */
async function press(tab: Tab, id: string): Promise<void> {
  await waitFor(tab, (id) => !(document.getElementById(id) as HTMLButtonElement).disabled, id);
  await tab.click(`#${id}`);
}

describeEngines('the demo SPA', (engine) => {
  it('pages through all products with Next, and back with Previous', async () => {
    const before = calls(demo.api.requests, '/v1/products').length;
    const tab = await engine.open(`${site.origin}/spa.html`);
    const seen: string[][] = [];
    for (let number = 1; ; number++) {
      seen.push(await shown(tab, number));
      if (await disabled(tab, 'next')) break;
      expect(number, 'more pages than products').toBeLessThan(products.length);
      await press(tab, 'next');
    }
    expect(seen.flat()).toEqual(products.map((p) => p.name)); // every product once, in the API's order
    expect(seen.flat().filter((name) => name.includes(HOSTILE_MARKUP))).toHaveLength(1); // shown as text, not parsed
    expect(seen.length).toBe(Math.ceil(products.length / seen[0]!.length));

    for (let number = seen.length - 1; number >= 1; number--) {
      await press(tab, 'previous');
      expect(await shown(tab, number)).toEqual(seen[number - 1]);
    }
    expect(await disabled(tab, 'previous')).toBe(true);
    expect(calls(demo.api.requests, '/v1/products').length - before).toBeGreaterThanOrEqual(seen.length);
    await expectClean(tab);
  });
});
