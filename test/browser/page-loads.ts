/**
 * The "10 page loads in 60 s" driver, shared by `persist.browser.ts` and `npm run bench` (scenario 10): real
 * navigations of `pages/page-loads.html` in one browser context, `every` ms apart on playwright's simulated clock
 * (`page.clock`), each waited for until both values are shown and the balance's answer has arrived (and, with
 * `persist`, is stored). Returns each load's log: responses as they arrive and values as they are shown, in order.
 */
import type { Page } from 'playwright-core';

export const START = Date.UTC(2026, 0, 5, 9);

type LogWindow = { __log?: string[] };

export async function pageLoads(page: Page, url: string, { loads = 10, every = 6_000, persist = true } = {}): Promise<string[][]> {
  await page.clock.install({ time: START });
  const logs: string[][] = [];
  for (let load = 0; load < loads; load++) {
    const at = START + load * every;
    await page.clock.setSystemTime(at);
    await page.goto(`${url}${persist ? '' : '?persist=0'}`);
    await page.waitForFunction(() => {
      const log = (window as unknown as LogWindow).__log ?? [];
      return log.includes('shown balance') && log.includes('shown products');
    });
    // The balance's answer (load 1's, or the background refresh's): arrived, then stored (its entry dated this load).
    await page.waitForFunction(({ at, persist }) => {
      if (!(window as unknown as LogWindow).__log!.includes('response /v1/account/balance')) return false;
      if (!persist) return true;
      const item = Object.keys(localStorage).map((name) => JSON.parse(localStorage.getItem(name)!) as { k?: string; e?: { at: number } })
        .find((stored) => stored.k?.endsWith('/v1/account/balance'));
      return (item?.e?.at ?? 0) >= at;
    }, { at, persist });
    logs.push(await page.evaluate(() => (window as unknown as LogWindow).__log!));
  }
  return logs;
}

/** How many loads after the first showed the balance before any response had arrived. */
export const shownFirst = (logs: string[][]): number =>
  logs.slice(1).filter((log) => log.indexOf('shown balance') >= 0 && !log.slice(0, log.indexOf('shown balance')).some((line) => line.startsWith('response'))).length;
