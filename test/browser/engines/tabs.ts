/**
 * Tabs of one origin asking at one instant, on any engine (only `Tab`'s methods): what the tab scenarios
 * (tabs.browser.ts, every engine) and `npm run bench`'s tab rows (bench/tabs.ts, Chromium) share. Each tab is the lab
 * page (the CDN build on `window.stateset`) with a client of its own, with or without `share: crossTab()`.
 * A run is armed in every tab first, then started in all of them by one BroadcastChannel message, so the
 * tabs start within a millisecond or so of each other even where commands to the tabs take turns (WebKit's
 * WebDriver classic): no shared wall-clock deadline to guess.
 */
import type { Client, ClientOptions } from '../../../src/index.js';
import type { LabWindow } from '../lab.js';
import { waitFor, type Context, type Tab } from './driver.js';

export interface TabsOptions {
  /** The test site's origin: serves `pages/` at `/` and the CDN build at `/cdn/`. */
  origin: string;
  apiBase: string;
  publishableKey: string;
  /** `share: crossTab()` in every tab. */
  crossTab: boolean;
  /** `false`: the page has no Web Locks (an old browser), hidden before the client is made. */
  locks?: boolean;
  /** The client's `retry` (default: the client's own). */
  retry?: number;
}

/** What a tab asks for: `calls` list pages (`limit` 1 … calls), with `created[gte]` = `created` when given (distinct URLs per tab). */
export interface Ask {
  calls: number;
  created?: number;
}

export interface Outcome {
  /** Calls that rejected, and the names and codes of the first few errors. */
  failed: number;
  errors: string[];
  /** Ms from the start to this tab's last answer. */
  elapsed: number;
}

type TabWindow = LabWindow & { client: Client; run?: () => void; outcome?: Outcome };

/** Opens `count` tabs of `context` on the lab page, each with its own client. */
export async function openTabs(context: Context, count: number, options: TabsOptions): Promise<Tab[]> {
  const tabs: Tab[] = [];
  for (let index = 0; index < count; index++) {
    const tab = await context.newTab();
    await tab.goto(`${options.origin}/lab.html`);
    await waitFor(tab, () => document.documentElement.dataset.ready === 'true');
    await tab.evaluate(({ apiBase, publishableKey, crossTab, locks, retry }) => {
      const w = window as unknown as TabWindow;
      if (locks === false) Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });
      const options: ClientOptions = { publishableKey, apiBase, ...(retry !== undefined && { retry }), ...(crossTab && { share: w.stateset.crossTab() }) };
      w.client = w.stateset.createClient(options);
    }, options);
    tabs.push(tab);
  }
  return tabs;
}

let runs = 0;

/** Arms tab `i` with `asks[i]` (a tab without an ask stays idle), then starts them all at one instant. */
export async function start(tabs: readonly Tab[], asks: readonly Ask[]): Promise<void> {
  const channel = `stateset-test-start-${++runs}`;
  for (const [index, ask] of asks.entries()) {
    await tabs[index]!.evaluate(({ channel, calls, created }) => {
      const w = window as unknown as TabWindow;
      const go = new BroadcastChannel(channel);
      go.onmessage = ({ data: at }: MessageEvent<number>) => {
        go.close();
        const { listProducts } = w.stateset;
        const asked = Array.from({ length: calls }, (_, call) => listProducts(w.client, { limit: 1 + call, ...(created !== undefined && { created: { gte: created } }) }));
        void Promise.allSettled(asked).then((results) => {
          const errors = results.flatMap((result) => (result.status === 'rejected' ? [`${result.reason?.name} ${result.reason?.code}`] : []));
          w.outcome = { failed: errors.length, errors: errors.slice(0, 5), elapsed: Date.now() - at };
        });
      };
    }, { channel, ...ask });
  }
  // From a channel of its own, so every armed tab (this one too) hears it.
  await tabs[0]!.evaluate((channel) => {
    const go = new BroadcastChannel(channel);
    go.postMessage(Date.now());
    go.close();
  }, channel);
}

/** Waits until the tab's run is done (up to `timeout` ms) and returns how it went. */
export async function outcome(tab: Tab, timeout = 60_000): Promise<Outcome> {
  await waitFor(tab, () => (window as unknown as TabWindow).outcome !== undefined, undefined, { timeout });
  return tab.evaluate(() => (window as unknown as TabWindow).outcome!);
}

/** `start`, then every armed tab's outcome. */
export async function askTogether(tabs: readonly Tab[], asks: readonly Ask[], timeout?: number): Promise<Outcome[]> {
  await start(tabs, asks);
  const outcomes: Outcome[] = [];
  for (const tab of tabs.slice(0, asks.length)) outcomes.push(await outcome(tab, timeout));
  return outcomes;
}

/** Tab `i` asks for `calls` list pages of its own (`created[gte]` = `first` + i): distinct URLs across tabs. */
export const distinct = (tabs: number, calls: number, first = 0): Ask[] => Array.from({ length: tabs }, (_, index) => ({ calls, created: first + index }));
/** Every tab asks for the same `calls` list pages. */
export const same = (tabs: number, calls: number): Ask[] => Array.from({ length: tabs }, () => ({ calls }));
