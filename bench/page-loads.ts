/**
 * Scenario 10 of `npm run bench`: 10 page loads in 60 s (simulated clock) of a storefront page showing the balance and
 * the first product page, in Chromium (Debian's, playwright-core), real navigations in one browser context, with
 * `crossTab({ persist: true })` + `staleWhileRevalidate` and without persist. src/ bundled by esbuild as the CDN file;
 * the page and the driver are the Chromium suite's (`test/browser/pages/page-loads.*`, `test/browser/page-loads.ts`).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { StandIn } from '../src/testing/server.js';
import { pageLoads, shownFirst } from '../test/browser/page-loads.js';
import { chromiumArgs, chromiumPath, pagesDir } from '../test/browser/paths.js';
import { startSite } from '../test/browser/site.js';

export interface PageLoadsResult {
  /** GETs sent over the 10 loads, and how many of loads 2-10 showed the balance before any response arrived. */
  persist: { gets: number; shownFirst: number };
  none: { gets: number; shownFirst: number };
}

/** `undefined` when there is no Chromium here. `api` holds each balance answer 400 ms while this runs. */
export async function measurePageLoads(api: StandIn, key: string): Promise<PageLoadsResult | undefined> {
  if (!existsSync(chromiumPath)) return undefined;
  const cdn = mkdtempSync(join(tmpdir(), 'page-loads-'));
  const { outputFiles } = await build({
    stdin: { contents: "export * from './src/index.ts';", resolveDir: process.cwd(), sourcefile: 'entry.js' },
    bundle: true, minify: true, format: 'esm', write: false, logLevel: 'silent',
  });
  writeFileSync(join(cdn, 'stateset.js'), outputFiles[0]!.text);
  const site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdn }, vars: { API_BASE: api.url, KEY: key } });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const run = async (persist: boolean) => {
    api.reset();
    api.fault({ path: '/v1/account/balance', delay: 400 });
    const context = await browser.newContext();
    try {
      const logs = await pageLoads(await context.newPage(), `${site.origin}/page-loads.html`, { persist });
      return { gets: api.requests.filter((sent) => sent.method === 'GET').length, shownFirst: shownFirst(logs) };
    } finally {
      await context.close();
    }
  };
  try {
    return { persist: await run(true), none: await run(false) };
  } finally {
    api.reset();
    await browser.close();
    await site.close();
    rmSync(cdn, { recursive: true, force: true });
  }
}
