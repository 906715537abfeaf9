/**
 * Cross-engine browser scenarios: written once, run in Chromium, Firefox and WebKit (whichever
 * `STATESET_ENGINES` selects; all three by default and always in CI).
 *
 * Adding a scenario (a new `test/browser/engines/<name>.browser.ts`, or a block in an existing one):
 *
 *   import { describeEngines, expectClean, waitFor } from './index.js';
 *
 *   describeEngines('my scenario', (engine) => {      // one describe block per engine: "firefox: my scenario"
 *     it('does the thing', async () => {
 *       const tab = await engine.open(`${site.origin}/page.html`);   // a fresh context, closed after the test
 *       await waitFor(tab, () => document.querySelector('#out')?.textContent === 'done');
 *       expect(await tab.evaluate((id) => document.getElementById(id)?.dataset.state, 'out')).toBe('loaded');
 *       await expectClean(tab);                          // no CSP violation, no uncaught error, no console.error
 *     });
 *   });
 *
 * - Serve pages with `startSite({ watch: true, ... })` (../site.ts): it puts the in-page recorder
 *   (`watch.js`) first in every page's <head>, which is how violations and errors are seen in every
 *   engine, WebKit's WebDriver classic included (it has no console or error events).
 * - Two tabs of one origin: `const context = await engine.newContext(); const [a, b] = [await context.newTab(), await context.newTab()]`.
 * - Page functions (`evaluate`, `waitFor`) run in the page: pass what they need as the argument. No
 *   `eval`/`new Function` or dynamic `import()` in them: WebKit runs them under the page's CSP, and
 *   Vitest rewrites `import()` in test files.
 * - Use only `Tab`'s methods (driver.ts). Something only the DevTools protocol can do (init scripts,
 *   bindings, request interception, screenshots) belongs in the Chromium-only files, test/browser/*.browser.ts.
 * - WebKit runs one context per WebDriver session (a new MiniBrowser, about a second to start), and
 *   commands to two tabs of one context take turns: start long work in a page, read its result later.
 */
import { afterAll, afterEach, describe, expect, inject } from 'vitest';
import type { Context, Driver, Tab } from './driver.js';
import { connectEngine, type Endpoints } from './launch.js';
import { selectedEngines, type EngineName } from './select.js';

export type { Context, Tab } from './driver.js';
export { waitFor } from './driver.js';
export type { EngineName } from './select.js';

declare module 'vitest' {
  export interface ProvidedContext {
    engines: Endpoints;
  }
}

export interface Engine {
  readonly name: EngineName;
  /** A new context (own storage), closed after the test. */
  newContext(): Promise<Context>;
  /** A new context with one tab, at `url` when given. */
  open(url?: string): Promise<Tab>;
}

const connections = new Map<EngineName, Promise<Driver>>();
const open = new Set<Context>();

function connect(name: EngineName): Promise<Driver> {
  let driver = connections.get(name);
  if (!driver) {
    const endpoint = inject('engines')[name];
    if (!endpoint) throw new Error(`${name} was not started by the global setup (STATESET_ENGINES=${process.env.STATESET_ENGINES ?? ''}).`);
    driver = connectEngine(name, endpoint);
    connections.set(name, driver);
  }
  return driver;
}

afterEach(async () => {
  await Promise.all([...open].map((context) => context.close()));
  open.clear();
});
afterAll(async () => {
  await Promise.all([...connections.values()].map(async (driver) => (await driver).disconnect()));
  connections.clear();
});

/** Defines `body`'s tests once per selected engine, in a describe block named `<engine>: <title>`. */
export function describeEngines(title: string, body: (engine: Engine) => void): void {
  describe.each(selectedEngines())(`%s: ${title}`, (name) => {
    const engine: Engine = {
      name,
      async newContext() {
        const context = await (await connect(name)).newContext();
        open.add(context);
        return context;
      },
      async open(url) {
        const tab = await (await this.newContext()).newTab();
        if (url !== undefined) await tab.goto(url);
        return tab;
      },
    };
    body(engine);
  });
}

export interface Violation {
  directive: string;
  blockedURI: string;
  sample: string;
}

/** What the page's own recorder (watch.js) saw since the page loaded. */
export interface PageRecord {
  /** `securitypolicyviolation` events (CSP and Trusted Types), from anywhere in the document, shadow roots included. */
  violations: Violation[];
  /** Uncaught errors, unhandled rejections and failed loads of scripts, styles and images. */
  errors: string[];
  /** The page's `console.error` calls. */
  consoleErrors: string[];
}

/** Reads the in-page record; throws when the page has no recorder (served without `watch: true`). */
export async function record(tab: Tab): Promise<PageRecord> {
  // Let late reports land: violation events and rejections are dispatched as tasks.
  const seen = await tab.evaluate(() =>
    new Promise<PageRecord | null>((resolve) => setTimeout(() => resolve((window as unknown as { __statesetWatch?: PageRecord }).__statesetWatch ?? null), 100)));
  if (!seen) throw new Error('This page has no in-page recorder: serve it with startSite({ watch: true }).');
  return seen;
}

/**
 * Asserts the page recorded no violation and no uncaught error or unhandled rejection, that its
 * `console.error` calls are exactly `consoleErrors` (patterns, in order), and, where the engine reports
 * errors itself (Chromium, Firefox; not WebKit over WebDriver classic), that it saw nothing else either.
 */
export async function expectClean(tab: Tab, consoleErrors: RegExp[] = []): Promise<PageRecord> {
  const seen = await record(tab);
  expect(seen.violations, 'securitypolicyviolation events').toEqual([]);
  expect(seen.errors, 'uncaught errors and unhandled rejections').toEqual([]);
  expect(seen.consoleErrors, 'console.error calls').toHaveLength(consoleErrors.length);
  seen.consoleErrors.forEach((message, i) => expect(message).toMatch(consoleErrors[i]!));
  if (tab.engineErrors) {
    expect(tab.engineErrors, 'errors the engine reported').toHaveLength(consoleErrors.length);
    tab.engineErrors.forEach((message, i) => expect(message).toMatch(consoleErrors[i]!));
  }
  return seen;
}
