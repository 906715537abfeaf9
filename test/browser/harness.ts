/**
 * What the Chromium-only browser test files share (test/browser/*.browser.ts; the scenarios that run in
 * every engine are in engines/ and use engines/index.ts): one connection to the Chromium started by the global setup,
 * a fresh context per test (closed after it), and watchers for what a page must not do: CSP and
 * Trusted Types violations, console errors, uncaught exceptions. Both kinds use `serve()` (the stand-in and the
 * test site) and the request filters below.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { startStandIn, type RecordedRequest, type StandIn } from '../../src/testing/server.js';
import { cdnDir, pagesDir, resultsDir } from './paths.js';
import { startSite, type Site, type SiteOptions } from './site.js';

export interface Violation {
  directive: string;
  blockedURI: string;
  sample: string;
  page: string;
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** `securitypolicyviolation` events of every page and frame of the context. */
  violations: Violation[];
  /** `console.error` messages (including the browser's own: blocked loads, CORS, SRI). */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[];
}

let browser: Promise<Browser> | undefined;
const open = new Set<BrowserContext>();

afterEach(async () => {
  await Promise.all([...open].map((context) => context.close()));
  open.clear();
});
afterAll(async () => {
  await (await browser)?.close();
});

/** A new browser context with one page, watched. */
export async function openPage(): Promise<Watched> {
  const context = await (await (browser ??= chromium.connect(inject('wsEndpoint')))).newContext();
  open.add(context);
  const watched: Watched = { context, page: undefined as unknown as Page, violations: [], consoleErrors: [], pageErrors: [] };
  await context.exposeBinding('__reportViolation', ({ page }, violation: Omit<Violation, 'page'>) => {
    watched.violations.push({ ...violation, page: page?.url() ?? '' });
  });
  // Injected by the browser (not a page script), so the page's own CSP does not block it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportViolation(v: unknown): void }).__reportViolation;
      report({ directive: event.effectiveDirective, blockedURI: event.blockedURI, sample: event.sample });
    }, true);
  });
  context.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text());
  });
  context.on('weberror', (error) => watched.pageErrors.push(String(error.error())));
  watched.page = await context.newPage();
  return watched;
}

/**
 * The stand-in API and the test site (`pages/` at `/`, the CDN build at `/cdn/`, plus `site`'s options, given the
 * started stand-in), started once for the file and closed after it; the stand-in is reset before each test.
 */
export function serve(site: (api: StandIn) => Partial<SiteOptions> = () => ({})): { readonly api: StandIn; readonly site: Site } {
  const served = {} as { api: StandIn; site: Site };
  beforeAll(async () => {
    served.api = await startStandIn();
    served.site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir }, ...site(served.api) });
  });
  afterAll(async () => {
    await Promise.all([served.api?.close(), served.site?.close()]);
  });
  beforeEach(() => served.api.reset());
  return served;
}

/** Saves a full-page screenshot to `test-results/browser/<name>.png` (a test artefact, not committed). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A secret key built at run time, so no committed file holds one. */
export const secretKey = (kind: 'sk' | 'rk' = 'sk'): string => [kind, 'test', `browserSuite${'0'.repeat(16)}`].join('_');

/** Requests that carry an `sk_`/`rk_` string anywhere: URL, header names or values. */
export const carryingSecrets = (requests: readonly RecordedRequest[]): RecordedRequest[] =>
  requests.filter((r) => /(sk|rk)_/i.test(r.url + JSON.stringify(r.headers)));

/** The stand-in's recorded requests without CORS preflights. */
export const calls = (requests: readonly RecordedRequest[], path?: string): RecordedRequest[] =>
  requests.filter((r) => r.method !== 'OPTIONS' && (path === undefined || r.path === path));

/** The strict CSP of scenario 2: only our own scripts, only the API to connect to, no DOM-XSS sinks. */
export const strictCsp = (apiOrigin: string): string =>
  `default-src 'self'; script-src 'self'; connect-src ${apiOrigin}; require-trusted-types-for 'script'; trusted-types 'none'`;
