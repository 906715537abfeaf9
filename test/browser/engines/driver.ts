/**
 * The engine-agnostic driver layer: the few operations every engine's automation protocol offers
 * (Chromium through playwright-core, Firefox over WebDriver BiDi through puppeteer-core, WebKit over
 * WebDriver classic through selenium-webdriver). Scenarios are written against these interfaces only.
 * Anything richer (DevTools-protocol tricks: init scripts, bindings, network events, screenshots)
 * is Chromium-only and stays in the Chromium-only files (test/browser/*.browser.ts).
 */
import type { EngineName } from './select.js';

/** A function run in the page: plain data in, plain (JSON-like) data out; it cannot see the test's variables. */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>;

export interface Tab {
  /** Navigates and waits for the `load` event. */
  goto(url: string): Promise<void>;
  /** Runs `fn(arg)` in the page and returns its (awaited) result. */
  evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R>;
  /** A real click (the engine's input events) on the first element matching a CSS selector. */
  click(selector: string): Promise<void>;
  /**
   * What the engine itself reported for this tab: uncaught errors, unhandled rejections and
   * `console.error` messages (Firefox adds CSP blocks, Chromium failed loads). `undefined` where the
   * protocol gives no such access: WebKit over WebDriver classic. The in-page record (see
   * `record()` in index.ts) is what every engine has.
   */
  readonly engineErrors: string[] | undefined;
  close(): Promise<void>;
}

/** A browser context: its own storage and cookies. Tabs of one context share an origin's storage and BroadcastChannel. */
export interface Context {
  /** The engine's version as its protocol reports it, e.g. '156.0.8078.114', 'firefox/153.8.0', '2.50.6'. */
  readonly version: string;
  newTab(): Promise<Tab>;
  close(): Promise<void>;
}

/** A connection to a running engine (started once per run by the global setup). */
export interface Driver {
  readonly name: EngineName;
  newContext(): Promise<Context>;
  disconnect(): Promise<void>;
}

/** What playwright's and puppeteer's pages have in common, which is all a `Tab` needs. */
export interface PageLike {
  // (`any`: the two libraries type their events differently; the listeners below say what each event gives.)
  on(event: 'pageerror' | 'console', listener: (value: any) => void): unknown;
  goto(url: string): Promise<unknown>;
  evaluate(fn: (arg: unknown) => unknown, arg?: unknown): Promise<unknown>;
  click(selector: string): Promise<void>;
  close(): Promise<void>;
}

/** A `Tab` on a playwright (Chromium) or puppeteer (Firefox over BiDi) page: both report errors and console messages. */
export function pageTab(page: PageLike): Tab {
  const engineErrors: string[] = [];
  page.on('pageerror', (error: Error) => engineErrors.push(String(error)));
  page.on('console', (message: { type(): string; text(): string }) => {
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

/** Polls `fn(arg)` in the page until it returns something truthy (every 50 ms, for up to `timeout` ms). */
export async function waitFor<A>(tab: Tab, fn: PageFunction<A, unknown>, arg?: A, { timeout = 10_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await tab.evaluate(fn, arg)) return;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeout} ms: ${fn.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Serialises calls: WebDriver classic has one current window per session, so commands to its tabs take turns. */
export function queue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
