/**
 * Which origin storage `crossTab({ persist })` keeps answers in: localStorage, IndexedDB or the Cache API, measured
 * in Chromium (Debian's, driven by playwright-core, a persistent profile on disk, so storage is read from disk as for a
 * returning visitor). For each, two answers are stored (the balance, ~0.2 kB, and the first product page, ~4 kB), then
 * the page is loaded `LOADS` times and reads both back at once: "read at load" is the time from the page's script
 * starting to both values parsed (what delays a widget's first paint), "first value" the same from navigation start.
 * Cold: each load in a browser started afresh on the profile; next loads: one browser's following loads. "write" is one
 * answer stored (the two alternately), until stored and how long it blocks the main thread (median of 5 batches of 100).
 * `npx tsx bench/persist-storage.ts` (the README's "One key, many pages" has the figures).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { products, accountBalance } from '../src/testing/data.js';
import { chromiumArgs, chromiumPath } from '../test/browser/paths.js';

const LOADS = Number(process.env.LOADS ?? 15);
const COLD = Number(process.env.COLD ?? 5);
const entry = (value: unknown) => ({ v: 1, k: 'GET https://api.stateset.com/v1/x', u: Date.now() + 86_400_000, e: { value, at: Date.now() } });
const balance = JSON.stringify(entry(accountBalance('pk_test_bench', undefined)));
const list = JSON.stringify(entry({ object: 'list', url: '/v1/products', has_more: true, data: products.slice(0, 10) }));

/** The page: `?store=…&do=write|read`; reports through `window.result`. */
const page = `<!doctype html><title>storage</title><script type="module">
const start = performance.now();
const params = new URLSearchParams(location.search);
const store = params.get('store');
const texts = { balance: ${JSON.stringify(balance)}, list: ${JSON.stringify(list)} };
const idb = () => new Promise((resolve, reject) => {
  const open = indexedDB.open('bench', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('answers');
  open.onsuccess = () => resolve(open.result);
  open.onerror = () => reject(open.error);
});
const done = (request) => new Promise((resolve, reject) => { request.onsuccess = () => resolve(request.result); request.onerror = () => reject(request.error); });
const stores = {
  localStorage: {
    write: async (name, text) => localStorage.setItem(name, text),
    read: async (names) => names.map((name) => JSON.parse(localStorage.getItem(name))),
  },
  indexedDB: {
    write: async (name, text) => {
      const db = await (window.db ??= idb());
      const tx = db.transaction('answers', 'readwrite');
      tx.objectStore('answers').put(JSON.parse(text), name);
      await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    },
    read: async (names) => {
      const db = await idb();
      const tx = db.transaction('answers');
      return Promise.all(names.map((name) => done(tx.objectStore('answers').get(name))));
    },
  },
  cache: {
    write: async (name, text) => (await (window.cache ??= caches.open('bench'))).put('/' + name, new Response(text, { headers: { 'Content-Type': 'application/json' } })),
    read: async (names) => {
      const cache = await caches.open('bench');
      return Promise.all(names.map(async (name) => (await cache.match('/' + name)).json()));
    },
  },
};
const { write, read } = stores[store];
if (params.get('do') === 'write') {
  // (performance.now() is coarsened to 0.1 ms: batches of 100 writes, per write.)
  const costs = [];
  const blocked = [];
  for (let batch = 0; batch < 5; batch++) {
    let sync = 0;
    const t = performance.now();
    for (let i = 0; i < 100; i++) {
      const name = 'w' + (i % 8);
      const text = i % 2 ? texts.list : texts.balance;
      const s = performance.now();
      const promise = write(name, text);
      sync += performance.now() - s;
      await promise;
    }
    costs.push((performance.now() - t) / 100);
    blocked.push(sync / 100);
  }
  await write('balance', texts.balance);
  await write('list', texts.list);
  window.result = { costs, blocked };
} else {
  const values = await read(['balance', 'list']);
  const ready = performance.now();
  window.result = { read: ready - start, first: ready, ok: values.every((value) => value && value.v === 1) };
}
</script>`;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(chromiumPath)) throw new Error('no Chromium here (apt-get install -y chromium)');
  const site = createServer((_, response) => response.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(page));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const rows: string[] = [];
  for (const store of ['localStorage', 'indexedDB', 'cache']) {
    const profile = mkdtempSync(join(tmpdir(), 'persist-bench-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs });
    try {
      const tab = context.pages()[0] ?? await context.newPage();
      await tab.goto(`${origin}/?store=${store}&do=write`);
      const { costs, blocked } = await tab.waitForFunction(() => (window as unknown as { result?: unknown }).result, undefined, { timeout: 120_000 })
        .then((handle) => handle.jsonValue() as Promise<{ costs: number[]; blocked: number[] }>);
      await context.close();
      /** Loads the page in `tab`, reading; returns the two times. */
      const readIn = async (tab: import('playwright-core').Page, load: number) => {
        await tab.goto(`${origin}/?store=${store}&do=read&n=${load}`);
        const { read, first, ok } = await tab.waitForFunction(() => (window as unknown as { result?: unknown }).result)
          .then((handle) => handle.jsonValue() as Promise<{ read: number; first: number; ok: boolean }>);
        if (!ok) throw new Error(`${store}: read back something else`);
        return { read, first };
      };
      // Cold: a browser started afresh on the profile for each load (storage read from disk, as for a returning visitor).
      const cold: Array<{ read: number; first: number }> = [];
      for (let load = 0; load < COLD; load++) {
        const again = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs });
        cold.push(await readIn(again.pages()[0] ?? await again.newPage(), load));
        await again.close();
      }
      // Warm: the next page loads of one browser.
      const browser = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs });
      const warm: Array<{ read: number; first: number }> = [];
      const next = browser.pages()[0] ?? await browser.newPage();
      for (let load = 0; load < LOADS; load++) warm.push(await readIn(next, load));
      await browser.close();
      const ms = (values: number[], digits = 1) => `${median(values).toFixed(digits)} ms`;
      rows.push(`| ${store} | ${ms(cold.map((x) => x.read))} / ${ms(cold.map((x) => x.first))} | ${ms(warm.map((x) => x.read))} / ${ms(warm.map((x) => x.first))} | ${ms(costs, 3)} | ${ms(blocked, 3)} |`);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }
  site.close();
  console.log(`Chromium, ${COLD} cold and ${LOADS} warm loads each, balance ${balance.length} B + product page ${list.length} B of JSON; medians`);
  console.log('| storage | cold start: read at load / first value | next loads: read at load / first value | write, until stored | write, main thread blocked |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
