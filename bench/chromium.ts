/**
 * Scenario 4 in the browser the library is for: Chromium (Debian's, driven by playwright-core) loads a page from one
 * loopback origin and calls the stand-in API on another (CORS, its preflight cached), with src/ and ky bundled by
 * esbuild as they would be in an app. Returns ms per call; see `bench/chromium-page.js`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../test/browser/paths.js';

export interface ChromiumCosts {
  /** A cache miss over loopback, ms per call. */
  miss: { ours: number; raw: number; ky: number; bare: number };
  /** The same calls with a fetch that answers at once: client-side ms per call. */
  cpu: { ours: number; raw: number; ky: number };
  userAgent: string;
}

const bundle = async (contents: string): Promise<string> => {
  const { outputFiles } = await build({
    stdin: { contents, resolveDir: process.cwd(), sourcefile: 'entry.js' },
    bundle: true, minify: true, format: 'esm', write: false, logLevel: 'silent',
  });
  return outputFiles[0]!.text;
};

/** `undefined` when there is no Chromium here (`apt-get install -y chromium`). */
export async function measureInChromium(apiBase: string, key: string): Promise<ChromiumCosts | undefined> {
  if (!existsSync(chromiumPath)) return undefined;
  const files: Record<string, string> = {
    '/stateset.js': await bundle("export * from './src/index.ts';"),
    '/ky.js': await bundle("export { default } from 'ky';"),
    '/page.js': readFileSync(new URL('./chromium-page.js', import.meta.url), 'utf8'),
  };
  const site = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (file) response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(file);
    else response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>bench</title>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    // A string, not a function: tsx would add helpers the page does not have.
    return await page.evaluate(`import('/page.js').then((page) => page.run(${JSON.stringify(apiBase)}, ${JSON.stringify(key)}))`) as ChromiumCosts;
  } finally {
    await browser.close();
    site.close();
  }
}
