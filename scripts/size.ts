/**
 * `npm run size`: the size budgets, minified + gzip level 9, measured from src/ with the same esbuild
 * options as the CDN build (scripts/bundles.ts), so it needs no build. Prints a table, writes
 * dist/size.json, exits 1 when a bundle is over budget. `--update-readme` rewrites the README's table
 * (test/package.test.ts fails while the README and this measurement disagree); `--analyze` lists the
 * modules of our own code by size. 1 kB = 1000 bytes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeMetafile, build, type BuildOptions } from 'esbuild';
import { browserTargets, cdnEntries, cdnOptions, root } from './bundles.js';

export interface Budget {
  id: string;
  /** The README table's first cell. */
  label: string;
  budget: number;
  aim: number;
}

export const budgets: readonly Budget[] = [
  // 14.9 -> 15.0 kB: issue 16's same-origin apiBase (a path resolved against the page), about 40 bytes.
  // Issue 15 (one key, one budget) raised the client ceiling 14.5 -> 14.9 kB, the whole API's 19.5 -> 20 kB and our own
  // code's 5.0 -> 5.3 kB: the realm registry shared by every client of a key (pacer, cache, client states), the
  // stricter-plan rule, the jittered pause, and (whole API only) crossTab's Web Lock claim.
  // 15.0 -> 15.1 kB: issue 15's caching headers (max-age, no-store/no-cache, If-None-Match and 304), +188 B: 15,060 B.
  { id: 'client', label: '`createClient` + `getBalance`, ky and zod/mini included', budget: 15_100, aim: 12_000 },
  // 18 -> 19 kB: issue 17 moved formatAmount (Intl formatting, 0.7 kB) into the main entry; only pages that import it pay.
  // 19 -> 19.5 kB, client 14 -> 14.5 kB, query 5 -> 5.5 kB: issue 14's messages, unknown options and key rule (below).
  // 20 -> 20.1 kB: crossTab's pacer shared between tabs (the key's tokens as Web Locks), 20,019 B measured.
  // 20.1 -> 20.3 kB: crossTab's token loans posted between tabs, so a closed tab's tokens are not reused early (+223 B: 20,282 B).
  // 20.3 -> 20.5 kB: the caching headers (above), +193 B: 20,475 B.
  // 20.5 -> 21.3 kB: issue 15's crossTab({ persist }), answers kept across page loads (localStorage, its LRU index,
  // checks and quota handling: 0.73 kB on crossTab, measured before the headers and loans; 21,235 B with everything).
  { id: 'all', label: 'everything in `@stateset/browser` (`dist/cdn/stateset.js`)', budget: 21_300, aim: 16_000 },
  // 18 -> 18.5 kB: share="tabs" bundles crossTab() into the widget (1.1 kB measured: 18,426 B).
  // 18.5 -> 18.7 kB: the same token loans, in the widget's crossTab() (+218 B: 18,661 B).
  // 18.7 -> 18.9 kB: the caching headers (above), +200 B: 18,861 B.
  // 18.9 -> 19.9 kB: share="persist" bundles crossTab's persistence and staleWhileRevalidate (+980 B: 19,841 B).
  { id: 'widget', label: '`dist/cdn/widget.js`', budget: 19_900, aim: 16_000 },
  // Issue 9 asks for 3 kB here. With the guard on every request, typed errors, the cache and the pacer on by default
  // we measure 4.4 kB (4.1 before the audits' defences: prototype-safe options, redaction, a body read bounded by
  // `timeout` for every kind of Response), 5.0 kB since issue 14 (+0.5 kB: unknown options refused with "did you mean",
  // messages that name the value and the fix, the error brand, the key boundary rule); CI holds a 5.0 kB ceiling so it
  // cannot grow unnoticed, and 3 kB stays the open target (README, "Size").
  { id: 'query', label: 'every factory of `@stateset/browser/query`, its calls included (ky, zod external)', budget: 5_500, aim: 4_000 },
  // 5.0 -> 5.1 kB: working with ky 2 as well as ky 1 (its hook signatures, its pre-read error bodies) costs 20 bytes;
  // 5.1 -> 5.4 kB: issue 15's realm registry (above), 5,328 B measured after both.
  // 5.4 -> 5.6 kB: the caching headers (above), +197 B: 5,555 B.
  { id: 'own', label: 'our own code for `createClient` + `getBalance` (ky, zod external)', budget: 5_600, aim: 3_000 },
];

export interface Measurement extends Budget {
  /** Minified + gzip bytes; `null` when the entry does not exist (yet). */
  bytes: number | null;
}

export const gzipSize = (code: Uint8Array | string): number => gzipSync(code, { level: 9 }).length;

/** A consumer's entry, resolving `@stateset/browser` to src/ (whose files the root package.json marks side-effect-free). */
const consumer = (contents: string, external: string[] = []): BuildOptions => ({
  absWorkingDir: root,
  stdin: { contents, resolveDir: root, sourcefile: 'consumer.js' },
  alias: { '@stateset/browser': './src/index.ts' },
  external,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: browserTargets,
  logLevel: 'silent',
});

async function bundledSize(options: BuildOptions): Promise<number> {
  const { outputFiles = [] } = await build({ ...options, write: false });
  const js = outputFiles.find((file) => !file.path.endsWith('.map'));
  if (!js) throw new Error('esbuild wrote no JavaScript');
  return gzipSize(js.contents);
}

const clientEntry = "export { createClient, getBalance } from '@stateset/browser';";

/** Measures every budgeted bundle. */
export async function measure(): Promise<Measurement[]> {
  const cdn = cdnEntries();
  const sizes: Record<string, () => Promise<number | null>> = {
    client: () => bundledSize(consumer(clientEntry)),
    all: async () => (cdn.stateset ? bundledSize(cdnOptions(cdn.stateset, join(root, 'dist/cdn/stateset.js'))) : null),
    widget: async () => (cdn.widget ? bundledSize(cdnOptions(cdn.widget, join(root, 'dist/cdn/widget.js'))) : null),
    own: () => bundledSize(consumer(clientEntry, ['ky', 'zod', 'zod/*'])),
    query: () => bundledSize(consumer("export * from './src/query/index.ts';", ['ky', 'zod', 'zod/*', '@tanstack/query-core'])),
  };
  return Promise.all(budgets.map(async (budget) => ({ ...budget, bytes: await sizes[budget.id]!() })));
}

export const kB = (bytes: number | null): string => (bytes === null ? '—' : `${(bytes / 1000).toFixed(1)} kB`);

/** The README's table (minified + gzip): measured, budget and aim of each bundle. */
export const renderTable = (results: readonly Measurement[]): string =>
  [
    '| bundle (minified + gzip) | measured | budget | aim |',
    '|---|---|---|---|',
    ...results.map((row) => `| ${row.label} | ${kB(row.bytes)} | ${kB(row.budget)} | ${kB(row.aim)} |`),
  ].join('\n');

/** Finds the size table in the README (the lines from its header row to the last table row). */
export function findTable(readme: string): { start: number; end: number } | undefined {
  const start = readme.indexOf('| bundle (minified + gzip) |');
  if (start === -1) return undefined;
  const rest = readme.slice(start).split('\n');
  const rows = rest.findIndex((line) => !line.startsWith('|'));
  const end = start + rest.slice(0, rows === -1 ? rest.length : rows).join('\n').length;
  return { start, end };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(root, 'scripts/size.ts')) {
  const results = await measure();
  const over = results.filter((row) => row.bytes !== null && row.bytes > row.budget);
  console.log(renderTable(results).replace(/^\|---.*\n/m, ''));
  if (process.argv.includes('--analyze')) {
    const { metafile } = await build({ ...consumer(clientEntry, ['ky', 'zod', 'zod/*']), write: false, metafile: true });
    console.log(`\nOur own code for createClient + getBalance, minified, before gzip:${await analyzeMetafile(metafile)}`);
  }
  for (const row of results) {
    if (row.bytes === null) console.log(`! ${row.id}: no source entry yet, not measured`);
    else if (row.bytes > row.aim) console.log(`${row.bytes > row.budget ? '✗ over budget' : '~ over aim'}: ${row.label} ${row.bytes} B`);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist/size.json'), `${JSON.stringify({ unit: 'bytes, minified + gzip -9', results }, null, 2)}\n`);
  if (process.argv.includes('--update-readme')) {
    const readmePath = join(root, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const table = findTable(readme);
    if (!table) throw new Error('README.md has no size table (a line starting with "| bundle (minified + gzip) |")');
    writeFileSync(readmePath, readme.slice(0, table.start) + renderTable(results) + readme.slice(table.end));
    console.log('README.md size table updated.');
  }
  if (over.length) {
    console.error(`${over.length} bundle${over.length === 1 ? ' is' : 's are'} over budget.`);
    process.exitCode = 1;
  }
}
