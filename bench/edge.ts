/**
 * `npm run bench:edge`: many visitors through the edge (@stateset/browser/edge), the stand-in as upstream with the
 * Free plan enforced (10/s, burst 20, 1,000 a day). Each visitor is a fresh client calling getBalance + listProducts.
 * Prints a markdown table against the targets of issue #16. Not a test: timings depend on the machine.
 *
 * 1. 1,000 visitors at once, over HTTP through the Node adapter, the visitors in another process (bench/edge-visitors.ts).
 * 2. 1,000 visitors spread over 60 s (simulated clock, the handler in process).
 * 3. A simulated day, 1,000 visitors an hour: upstream within the daily limit; the oldest answer served.
 * 4. Upstream answers 503 (then 429) for 30 s with answers stored: visitor errors.
 * 5. Served from the edge's cache, Node adapter, autocannon on loopback, against a bare node:http server of the same bytes.
 * 6. A cold storefront page in Chromium, balance + 4 list pages, upstream 50 ms: the edge on the page's origin against
 *    the API direct (bench/edge-page.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createEdgeHandler, memoryStore, type EdgeHandler } from '../src/edge/index.js';
import { listen } from '../src/edge/node/index.js';
import { createClient, getBalance, listProducts } from '../src/index.js';
import { startStandIn } from '../src/testing/server.js';
import { measureColdPage } from './edge-page.js';
import { newRealm } from './new-realm.js';

let clock = Date.now();
const now = (): number => clock;
const api = await startStandIn({ plan: 'free', now });
const KEY = 'pk_test_edgebench';
const rows: string[][] = [];
const row = (...cells: Array<string | number>) => {
  rows.push(cells.map(String));
  console.error(`| ${cells.join(' | ')} |`); // progress, as each scenario ends
};
const wanted = (scenario: string) => process.argv.length <= 2 || process.argv.slice(2).includes(scenario);
const upstreamGets = () => api.requests.filter((request) => request.method === 'GET').length;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;

/** One visitor: a fresh client in a realm of its own (its own cache and pacer), both calls; time to data and whether it failed. */
async function visit(apiBase: string, fetch?: (input: Request | URL | string, init?: RequestInit) => Promise<Response>): Promise<{ ms: number; failed: boolean }> {
  const start = performance.now();
  newRealm();
  const client = createClient({ publishableKey: KEY, apiBase, ...(fetch ? { fetch } : {}) });
  const results = await Promise.allSettled([getBalance(client), listProducts(client)]);
  return { ms: performance.now() - start, failed: results.some((result) => result.status === 'rejected') };
}
/** A client `fetch` that calls the handler in process (no sockets): for the simulated-clock scenarios. */
const through = (handler: EdgeHandler) => (input: Request | URL | string, init?: RequestInit) =>
  handler(input instanceof Request ? input : new Request(input, init), undefined, { clientIp: `198.51.100.${Math.floor(Math.random() * 250)}` });
const fresh = () => {
  api.reset();
  api.setOptions({ plan: 'free', now });
};
const edgeBase = 'http://127.0.0.1:1/v1'; // never dialled: the in-process fetch answers

// One upstream round trip, for scale: a fresh client's getBalance straight to the stand-in.
fresh();
const direct: number[] = [];
for (let index = 0; index < 10; index++) {
  const client = createClient({ publishableKey: `pk_test_direct${index}`, apiBase: api.url });
  const start = performance.now();
  await getBalance(client);
  direct.push(performance.now() - start);
}
const roundTrip = percentile(direct, 0.5);

if (wanted('1')) {
  fresh();
  clock = Date.now();
  const edge = await listen({ port: 0, upstream: api.url, plan: 'free', visitorMisses: { perSecond: 1_000, burst: 1_000 }, now });
  // The visitors run in a process of their own (bench/edge-visitors.ts): this one serves the edge and the stand-in.
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('edge-visitors.ts', import.meta.url)), edge.url, '1000', KEY], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  await once(child, 'exit');
  const result = JSON.parse(out) as { failed: number; errors: Record<string, number>; ms: number[] };
  const kinds = Object.entries(result.errors).map(([name, count]) => `${count} ${name}`).join(', ');
  row('1,000 visitors at once (HTTP, Node adapter; the visitors in another process)', `upstream ${upstreamGets()}, ${result.failed} visitors with an error${kinds ? ` (${kinds})` : ''}, p50/p95 ${ms(percentile(result.ms, 0.5))} / ${ms(percentile(result.ms, 0.95))}; load average ${os.loadavg()[0]!.toFixed(1)}`,
    'upstream = 2, 0 errors', upstreamGets() === 2 && result.failed === 0 ? '✓' : '✗');
  await edge.close();
}

if (wanted('2')) {
  fresh();
  clock = Date.now();
  const handler = createEdgeHandler({ upstream: api.url, plan: 'free', store: memoryStore({ now }), now });
  const visits: Array<{ ms: number; failed: boolean }> = [];
  const start = clock;
  for (let index = 0; index < 1_000; index++) {
    clock = start + index * 60;
    visits.push(await visit(edgeBase, through(handler)));
  }
  const failed = visits.filter((one) => one.failed).length;
  const p95 = percentile(visits.map((one) => one.ms), 0.95);
  row('1,000 visitors over 60 s (simulated clock)', `upstream ${upstreamGets()}, ${failed} errors, p95 ${ms(p95)} (one upstream round trip: ${ms(roundTrip)})`,
    'upstream ≤ 13, 0 errors, p95 ≤ 2× round trip', upstreamGets() <= 13 && failed === 0 && p95 <= 2 * roundTrip ? '✓' : '✗');
}

if (wanted('3')) {
  fresh();
  const day = 86_400_000;
  clock = Math.floor(Date.now() / day) * day; // midnight UTC: the API's day
  const handler = createEdgeHandler({ upstream: api.url, plan: 'free', store: memoryStore({ now }), now });
  let failed = 0;
  const start = clock;
  for (let index = 0; index < 24_000; index++) {
    clock = start + Math.floor((index * day) / 24_000);
    if ((await visit(edgeBase, through(handler))).failed) failed++;
  }
  const { maxAge } = handler.stats();
  row('a simulated day, 1,000 visitors an hour', `upstream ${upstreamGets()}, ${failed} errors, oldest answer served ${(maxAge / 1000).toFixed(0)} s`,
    'upstream ≤ 1,000, 0 errors, staleness printed', upstreamGets() <= 1_000 && failed === 0 ? '✓' : '✗');
}

if (wanted('4')) {
  fresh();
  clock = Date.now();
  const handler = createEdgeHandler({ upstream: api.url, plan: 'free', store: memoryStore({ now }), now });
  await visit(edgeBase, through(handler)); // the answers are stored
  let failed = 0;
  const start = clock;
  for (const status of [503, 429]) {
    api.fault({ status });
    for (let index = 0; index < 150; index++) {
      clock = start + (status === 503 ? 0 : 30_000) + index * 100 + 200_000; // past every TTL: each visit would refresh
      if ((await visit(edgeBase, through(handler))).failed) failed++;
    }
    api.clearFaults();
  }
  row('upstream answers 503, then 429, for 30 s each', `${failed} visitor errors (300 visitors), ${handler.stats().stale} answered stale`, '0 errors', failed === 0 ? '✓' : '✗');
}

if (wanted('5')) {
  fresh();
  clock = Date.now();
  const edge = await listen({ port: 0, upstream: api.url, plan: { perSecond: 10, burst: 20 }, visitorMisses: { perSecond: 1_000, burst: 1_000 } });
  const url = `${edge.url}/account/balance`;
  const warm = await fetch(url, { headers: { Authorization: `Bearer ${KEY}` } });
  const headers: Record<string, string> = {};
  warm.headers.forEach((value, name) => { if (name !== 'date' && name !== 'connection' && name !== 'keep-alive') headers[name] = value; });
  const body = Buffer.from(await warm.arrayBuffer());
  const bare = createServer((_, res) => { res.writeHead(200, headers); res.end(body); }).listen(0, '127.0.0.1');
  await new Promise((resolve) => bare.once('listening', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/v1/account/balance`;
  // autocannon in its own process (the server here gets this process to itself), the same settings for both,
  // alternated four times so neither gets the quieter moment of a shared machine.
  const load = async (target: string): Promise<number> => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.resolve('autocannon/autocannon.js')), '-j', '-c', '20', '-d', '3', '-H', `Authorization=Bearer ${KEY}`, target], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    await once(child, 'exit');
    const result = JSON.parse(out) as { requests: { average: number }; non2xx: number; errors: number };
    if (result.non2xx || result.errors) throw new Error(`autocannon on ${target}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return result.requests.average;
  };
  const before = edge.handler.stats();
  const rates = { edge: [] as number[], bare: [] as number[] };
  for (let round = 0; round < 4; round++) {
    rates.bare.push(await load(bareUrl));
    rates.edge.push(await load(url));
  }
  const after = edge.handler.stats();
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [edgeRate, bareRate] = [mean(rates.edge), mean(rates.bare)];
  const load1 = os.loadavg()[0]!.toFixed(1);
  row('cache hits, Node adapter, autocannon in another process (20 connections, 3 s, 4 rounds each, alternated)', `${edgeRate.toFixed(0)} req/s (${rates.edge.map((rate) => rate.toFixed(0)).join(', ')}) vs bare node:http ${bareRate.toFixed(0)} req/s (${rates.bare.map((rate) => rate.toFixed(0)).join(', ')}): **${((100 * edgeRate) / bareRate).toFixed(0)} %**; ${after.hits - before.hits} hits, ${after.upstream - before.upstream} upstream; load average ${load1}`,
    '≥ 50 %', edgeRate >= bareRate / 2 ? '✓' : '✗');
  bare.close();
  await edge.close();
}

if (wanted('6')) {
  const cold = await measureColdPage();
  if (cold) {
    const { direct, edge } = cold;
    row('cold storefront page (balance + 4 list pages), Chromium, upstream 50 ms, a new context and key each load', `edge on the page's origin: **${edge.preflights} preflights, ${edge.ms.toFixed(0)} ms** to all data; API direct (another origin): ${direct.preflights} preflights, ${direct.ms.toFixed(0)} ms (${(edge.ms / direct.ms).toFixed(2)}×; medians of ${cold.runs} alternated loads, ${edge.gets} upstream GETs each; load average ${os.loadavg()[0]!.toFixed(1)})`,
      '0 preflights; time measured against direct', edge.preflights === 0 ? '✓' : '✗');
  } else {
    row('cold storefront page, Chromium', 'skipped: no Chromium', '0 preflights', '');
  }
}

console.log(`Node ${process.version}, ${os.cpus().length} cores, stand-in on the Free plan\n`);
console.log('| scenario | measured | target | met |\n|---|---|---|---|');
for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
await api.close();
