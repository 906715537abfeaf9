/**
 * Firefox (Debian's firefox-esr) over WebDriver BiDi through puppeteer-core, connected to the browser the
 * global setup launched. Over BiDi, Firefox reports a CSP block as a page error ("Content-Security-Policy:
 * The page's settings blocked ..."), so `engineErrors` sees violations as well as the in-page record.
 */
import puppeteer from 'puppeteer-core';
import { pageTab, type Context, type Driver } from './driver.js';

export async function connectFirefox(wsEndpoint: string): Promise<Driver> {
  const browser = await puppeteer.connect({ browserWSEndpoint: wsEndpoint, protocol: 'webDriverBiDi' });
  const version = await browser.version();
  return {
    name: 'firefox',
    async newContext(): Promise<Context> {
      const context = await browser.createBrowserContext(); // a BiDi user context: its own storage
      return { version, newTab: async () => pageTab(await context.newPage()), close: () => context.close() };
    },
    disconnect: () => browser.disconnect(), // the global setup closes the browser itself
  };
}
