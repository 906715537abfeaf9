// @vitest-environment node
/**
 * The built package (built here, into a temporary folder, without the slow declarations step):
 * what `exports` names exists, nothing evaluates code from strings, Node imports it as SSR does,
 * the CDN files stand alone with their SRI hashes, and the size script measures what ships.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseAst } from 'rollup/parseAst';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guard, sri } from '../scripts/build.js';
import { root } from '../scripts/bundles.js';
import { gzipSize, measure } from '../scripts/size.js';
import { stagePackage, type Staged } from '../scripts/stage.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

let staged: Staged;
let api: StandIn;
let scratch: string;
beforeAll(async () => {
  [staged, api] = await Promise.all([stagePackage({ types: false }), startStandIn()]);
  scratch = mkdtempSync(join(tmpdir(), 'stateset-dist-'));
}, 60_000);
afterAll(async () => {
  await api.close();
  for (const dir of [staged.dir, scratch]) rmSync(dir, { recursive: true, force: true });
});

const dist = (file = ''): string => join(staged.pkg, 'dist', file);
const read = (file: string): string => readFileSync(dist(file), 'utf8');
const jsFiles = (): string[] => readdirSync(dist(), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));

type Node = { type: string; [key: string]: unknown };
/** Every node of a module's syntax tree. */
function* walk(node: unknown): Generator<Node> {
  if (Array.isArray(node)) for (const child of node) yield* walk(child);
  else if (node && typeof node === 'object') {
    if (typeof (node as Node).type === 'string') yield node as Node;
    for (const value of Object.values(node)) if (value && typeof value === 'object') yield* walk(value);
  }
}
const exportNames = (code: string): string[] =>
  [...walk(parseAst(code).body)]
    .filter((node) => node.type === 'ExportSpecifier')
    .map((node) => (node.exported as { name: string }).name)
    .sort();

describe('the package', () => {
  it('has every file its exports map and bin name, and the CLI is an executable Node script', () => {
    const pkg = JSON.parse(readFileSync(join(staged.pkg, 'package.json'), 'utf8'));
    const targets = [...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((entry) => (typeof entry === 'string' ? [] : [(entry as { default?: string; node?: string }).default ?? (entry as { node: string }).node]))];
    expect(targets.length).toBeGreaterThanOrEqual(4);
    for (const target of targets as string[]) expect(() => accessSync(join(staged.pkg, target)), target).not.toThrow();
    for (const bin of ['stateset-guard', 'stateset-stand-in']) {
      const cli = join(staged.pkg, pkg.bin[bin]);
      expect(readFileSync(cli, 'utf8'), bin).toMatch(/^#!\/usr\/bin\/env node\n/);
      accessSync(cli, constants.X_OK);
    }
  });

  const evalPattern = /\beval\s*\(|\bnew\s+Function\b|(?<![\w$])Function\s*\(/;
  it('evaluates no code from strings: no eval, new Function or Function() in any built file', () => {
    for (const sample of ['eval("1")', 'new Function("a", "return a")', 'const F = globalThis.Function("x")']) expect(sample).toMatch(evalPattern);
    expect('isFunction(x); evaluate(y)').not.toMatch(evalPattern);
    const files = jsFiles();
    expect(files).toEqual(expect.arrayContaining(['index.js', 'cdn/stateset.js', 'cdn/widget.js', 'build-guard/plugin.js']));
    for (const file of files) expect(read(file), file).not.toMatch(evalPattern);
  });

  it('is scanned by our own secret-key guard, which fails on a key', () => {
    const cli = join(staged.pkg, 'dist/build-guard/cli.js');
    writeFileSync(join(scratch, 'clean.js'), 'export const key = "pk_test_123";');
    expect(() => guard(scratch, cli)).not.toThrow();
    writeFileSync(join(scratch, 'leak.js.map'), JSON.stringify({ sourcesContent: [`const key = "${['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_')}";`] }));
    expect(() => guard(scratch, cli)).toThrow(/failed \(1\)\nFound a secret key .*\n  \S+leak\.js\.map:1:35  sk_live_…\n/);
  });
});

describe('in Node, as an SSR bundle or a script imports it', () => {
  it('touches no browser global at import, and calls work with Node\'s own fetch (package and CDN file alike)', async () => {
    // The CDN file alone in a folder without node_modules: it must need nothing else.
    const alone = join(scratch, 'cdn-alone');
    mkdirSync(alone);
    copyFileSync(dist('cdn/stateset.js'), join(alone, 'stateset.js'));
    const script = join(staged.dir, 'ssr.mjs');
    writeFileSync(script, `
      const touched = [];
      for (const name of ['window', 'document', 'customElements', 'BroadcastChannel', 'localStorage', 'sessionStorage', 'location', 'HTMLElement']) {
        Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined; } });
      }
      const [apiBase, cdn] = process.argv.slice(2);
      const out = {};
      for (const [label, specifier] of [['package', '@stateset/browser'], ['cdn', cdn]]) {
        const before = touched.length;
        const api = await import(specifier);
        const atImport = touched.slice(before);
        const balance = await api.getBalance(api.createClient({ publishableKey: 'pk_test_ssr', apiBase, retry: 0 }));
        out[label] = { atImport, exports: Object.keys(api).sort(), object: balance.object };
      }
      console.log(JSON.stringify(out));
    `);
    const { stdout } = await promisify(execFile)(process.execPath, [script, api.url, pathToFileURL(join(alone, 'stateset.js')).href], { cwd: staged.dir });
    const result = JSON.parse(stdout);
    for (const label of ['package', 'cdn']) {
      expect(result[label].atImport, label).toEqual([]);
      expect(result[label].object, label).toBe('balance');
    }
    expect(result.cdn.exports).toEqual(result.package.exports);
    // One request: the two copies of the library share the key's cache in one realm (src/realm.ts), so the CDN
    // copy's call is answered with what the package copy stored.
    expect(api.requests.filter((request) => request.path === '/v1/account/balance').map((request) => request.headers.authorization))
      .toEqual(['Bearer pk_test_ssr']);
  });
});

describe('the CDN files', () => {
  it.each(['stateset', 'widget'])('cdn/%s.js is one self-contained, minified module with a source map', (name) => {
    const code = read(`cdn/${name}.js`);
    const imports = [...walk(parseAst(code).body)].filter((node) => /^(Import|ExportAll)Declaration$|^ImportExpression$/.test(node.type) || (node.type === 'ExportNamedDeclaration' && node.source));
    expect(imports).toEqual([]);
    expect(Math.max(...code.split('\n').map((line) => line.length))).toBeGreaterThan(10_000);
    expect(code).not.toMatch(/\/\*\*/);
    expect(code.trimEnd().endsWith(`//# sourceMappingURL=${name}.js.map`)).toBe(true);
    const { sources } = JSON.parse(read(`cdn/${name}.js.map`)) as { sources: string[] };
    expect(sources.some((source) => source.endsWith(name === 'widget' ? 'src/widget/element.ts' : 'src/client.ts'))).toBe(true);
    expect(sources.some((source) => source.includes('node_modules/ky/'))).toBe(true);
  });

  it('cdn/widget.js registers <stateset-balance> when it loads, needing nothing but the page', async () => {
    const alone = join(scratch, 'widget-alone');
    mkdirSync(alone);
    copyFileSync(dist('cdn/widget.js'), join(alone, 'widget.js'));
    const script = join(alone, 'page.mjs');
    writeFileSync(script, `
      const { Window } = await import(process.argv[2]);
      const window = new Window({ url: 'https://shop.example/' });
      Object.assign(globalThis, { HTMLElement: window.HTMLElement, customElements: window.customElements, document: window.document });
      const before = window.customElements.get('stateset-balance');
      await import('./widget.js');
      const element = window.customElements.get('stateset-balance');
      console.log(JSON.stringify({ before: typeof before, after: typeof element, exported: typeof (await import('./widget.js')).StateSetBalanceElement }));
    `);
    const happyDom = pathToFileURL(join(root, 'node_modules/happy-dom/lib/index.js')).href;
    const { stdout } = await promisify(execFile)(process.execPath, [script, happyDom], { cwd: alone });
    expect(JSON.parse(stdout)).toEqual({ before: 'undefined', after: 'function', exported: 'function' });
  });

  it('cdn/stateset.js exports the whole public API of the package', () => {
    expect(exportNames(read('cdn/stateset.js'))).toEqual(exportNames(read('index.js')));
  });

  it('integrity.json holds the sha384 of each file as served', () => {
    const integrity = JSON.parse(read('cdn/integrity.json'));
    expect(Object.keys(integrity).sort()).toEqual(['stateset.js', 'widget.js']);
    for (const [file, hash] of Object.entries(integrity)) {
      expect(hash).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
      expect(hash).toBe(sri(readFileSync(dist(`cdn/${file}`))));
    }
    expect(staged.integrity).toEqual(integrity);
  });

  it('are the sizes the size script measures from src/', async () => {
    const sizes = Object.fromEntries((await measure()).map((row) => [row.id, row.bytes]));
    expect(gzipSize(readFileSync(dist('cdn/stateset.js')))).toBe(sizes.all);
    expect(gzipSize(readFileSync(dist('cdn/widget.js')))).toBe(sizes.widget);
  });
});
