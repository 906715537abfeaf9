/**
 * Scenario 6 of `npm run bench:edge`: a cold storefront page in Chromium (Debian's, playwright-core): getBalance and
 * 4 distinct listProducts pages at once, the upstream (the stand-in) answering after 50 ms. (a) Direct: the API on
 * another origin, so each distinct URL costs a CORS preflight first. (b) The edge mounted on the page's own origin at
 * `/stateset/v1` (`apiBase: '/stateset/v1'`), so no preflight. Each load is a new browser context (no preflight or
 * HTTP cache carried over) and a new key (nothing cached at the edge: every call goes upstream, cold). Time to all
 * data is measured in the page, from before the calls until all have resolved; runs alternate, medians reported.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { createEdgeHandler, memoryStore } from '../src/edge/index.js';
import { toNodeListener } from '../src/edge/node/index.js';
import { startStandIn } from '../src/testing/server.js';
import { chromiumArgs, chromiumPath } from '../test/browser/paths.js';

export interface ColdPage {
  /** Median ms to all data, preflights and upstream GETs per load. */
  direct: { ms: number; preflights: number; gets: number };
  edge: { ms: number; preflights: number; gets: number };
  runs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `undefined` when there is no Chromium here. */
export async function measureColdPage(runs = 7, latency = 50): Promise<ColdPage | undefined> {
  if (!existsSync(chromiumPath)) return undefined;
  const api = await startStandIn({ latency });
  const edge = createEdgeHandler({ upstream: api.url, basePath: '/stateset/v1', plan: 'growth', store: memoryStore(), visitorMisses: { perSecond: 1_000, burst: 1_000 } }); // (every load is one visitor, 127.0.0.1)
  const edgeListener = toNodeListener(edge);
  const { outputFiles } = await build({
    stdin: { contents: "export * from './src/index.ts';", resolveDir: process.cwd(), sourcefile: 'entry.js' },
    bundle: true, minify: true, format: 'esm', write: false, logLevel: 'silent',
  });
  const library = outputFiles[0]!.text;
  const site = createServer((req, res) => {
    if (req.url?.startsWith('/stateset/')) return edgeListener(req, res);
    if (req.url === '/stateset.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(library);
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>cold page</title>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  let key = 0;
  const load = async (apiBase: string) => {
    api.reset();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      const ms = await page.evaluate(`import('/stateset.js').then(async ({ createClient, getBalance, listProducts }) => {
        const client = createClient({ publishableKey: ${JSON.stringify(`pk_test_coldpage${++key}`)}, apiBase: ${JSON.stringify(apiBase)} });
        const start = performance.now();
        await Promise.all([getBalance(client), ...[1, 2, 3, 4].map((n) => listProducts(client, { limit: 10, created: { gte: n } }))]);
        return performance.now() - start;
      })`) as number;
      const preflights = api.requests.filter((r) => r.method === 'OPTIONS').length;
      const gets = api.requests.filter((r) => r.method === 'GET').length;
      return { ms, preflights, gets };
    } finally {
      await context.close();
    }
  };
  try {
    await load(api.url); // warm up: the browser's processes and the JIT, not measured
    await load('/stateset/v1');
    const direct: Array<Awaited<ReturnType<typeof load>>> = [];
    const viaEdge: typeof direct = [];
    for (let run = 0; run < runs; run++) {
      if (run % 2) viaEdge.push(await load('/stateset/v1')), direct.push(await load(api.url));
      else direct.push(await load(api.url)), viaEdge.push(await load('/stateset/v1'));
    }
    const sum = (loads: typeof direct) => ({ ms: median(loads.map((l) => l.ms)), preflights: Math.max(...loads.map((l) => l.preflights)), gets: Math.max(...loads.map((l) => l.gets)) });
    return { direct: sum(direct), edge: sum(viaEdge), runs };
  } finally {
    await browser.close();
    site.close();
    await api.close();
  }
}
