/** Chromium through playwright-core (the DevTools protocol), connected to the browser the global setup started. */
import { chromium, type Page } from 'playwright-core';
import type { Context, Driver, PageFunction, Tab } from './driver.js';

function tab(page: Page): Tab {
  const engineErrors: string[] = [];
  page.on('pageerror', (error) => engineErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') engineErrors.push(message.text());
  });
  return {
    engineErrors,
    goto: async (url) => void (await page.goto(url)),
    evaluate: <R, A>(fn: PageFunction<A, R>, arg?: A) => page.evaluate(fn as (arg: unknown) => R, arg) as Promise<R>,
    click: (selector) => page.click(selector),
    close: () => page.close(),
  };
}

export async function connectChromium(wsEndpoint: string): Promise<Driver> {
  const browser = await chromium.connect(wsEndpoint);
  return {
    name: 'chromium',
    async newContext(): Promise<Context> {
      const context = await browser.newContext();
      return { version: browser.version(), newTab: async () => tab(await context.newPage()), close: () => context.close() };
    },
    disconnect: () => browser.close(),
  };
}
