/**
 * The visitors of `npm run bench:edge` scenario 1, in a process of their own (spawned by bench/edge.ts), so the
 * edge's process serves the edge and nothing else. Each visitor is a fresh client in a realm of its own (its own cache
 * and pacer, as in its own browser: without that, the clients of one key would share one cache here) calling
 * getBalance + listProducts, all started at once; prints one JSON line: { failed, errors: { name: count }, ms: [...] }.
 *
 * Usage: tsx bench/edge-visitors.ts <edge URL> <visitors> <publishable key>
 */
import { performance } from 'node:perf_hooks';
import { createClient, getBalance, listProducts } from '../src/index.js';
import { newRealm } from './new-realm.js';

const [apiBase, count, key] = process.argv.slice(2);
if (!apiBase || !count || !key) throw new Error('usage: tsx bench/edge-visitors.ts <edge URL> <visitors> <publishable key>');
const errors: Record<string, number> = {};
const visits = await Promise.all(Array.from({ length: Number(count) }, async () => {
  const start = performance.now();
  newRealm();
  const client = createClient({ publishableKey: key, apiBase });
  const results = await Promise.allSettled([getBalance(client), listProducts(client)]);
  for (const result of results) {
    if (result.status === 'rejected') errors[(result.reason as Error).name] = (errors[(result.reason as Error).name] ?? 0) + 1;
  }
  return { ms: performance.now() - start, failed: results.some((result) => result.status === 'rejected') };
}));
console.log(JSON.stringify({ failed: visits.filter((one) => one.failed).length, errors, ms: visits.map((one) => Math.round(one.ms * 10) / 10) }));
