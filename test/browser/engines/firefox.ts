/**
 * Firefox (Debian's firefox-esr) over WebDriver BiDi through puppeteer-core, connected to the browser the
 * global setup launched. Over BiDi, Firefox reports a CSP block as a page error ("Content-Security-Policy:
 * The page's settings blocked ..."), so `engineErrors` sees violations as well as the in-page record.
 */
import puppeteer, { type Page } from 'puppeteer-core';
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

export async function connectFirefox(wsEndpoint: string): Promise<Driver> {
  const browser = await puppeteer.connect({ browserWSEndpoint: wsEndpoint, protocol: 'webDriverBiDi' });
  const version = await browser.version();
  return {
    name: 'firefox',
    async newContext(): Promise<Context> {
      const context = await browser.createBrowserContext(); // a BiDi user context: its own storage
      return { version, newTab: async () => tab(await context.newPage()), close: () => context.close() };
    },
    disconnect: () => browser.disconnect(), // the global setup closes the browser itself
  };
}
