/** Chromium through playwright-core (the DevTools protocol), connected to the browser the global setup started. */
import { chromium } from 'playwright-core';
import { pageTab, type Context, type Driver } from './driver.js';

export async function connectChromium(wsEndpoint: string): Promise<Driver> {
  const browser = await chromium.connect(wsEndpoint);
  return {
    name: 'chromium',
    async newContext(): Promise<Context> {
      const context = await browser.newContext();
      return { version: browser.version(), newTab: async () => pageTab(await context.newPage()), close: () => context.close() };
    },
    disconnect: () => browser.close(),
  };
}
