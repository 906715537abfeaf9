// @vitest-environment node
/**
 * The package's promises kept in sync without a build: the README's size table is what the size script
 * measures, its CDN snippet names this version, and package.json's `exports` and `sideEffects` match
 * the entries the build makes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageEntries, root } from '../scripts/bundles.js';
import { findTable, measure, renderTable } from '../scripts/size.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = /<!-- section:package -->([\s\S]*?)<!-- \/section:package -->/.exec(readme)?.[1] ?? '';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('README', () => {
  it('shows the sizes the size script measures (run `npm run size -- --update-readme` after a change)', async () => {
    const table = findTable(section);
    expect(table, 'a size table in the package section').toBeDefined();
    expect(section.slice(table!.start, table!.end)).toBe(renderTable(await measure()));
  });

  it('pins this version in the CDN snippet, with integrity and crossorigin', () => {
    const urls = section.match(/https:\/\/cdn\.jsdelivr\.net\/npm\/@stateset\/browser@[^/]+\/dist\/cdn\/\w+\.js/g) ?? [];
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) expect(url).toContain(`@stateset/browser@${pkg.version}/`);
    expect(section).toMatch(/integrity="sha384-[^"]*" crossorigin="anonymous"/);
  });
});

describe('package.json', () => {
  const entries = packageEntries();

  /** The entry name (`dist/<name>.js`) an export or bin target is built as. */
  const entryOf = (target: string): string => target.replace(/^\.\/dist\/(.*)\.js$/, '$1');
  const exported = Object.entries(pkg.exports as Record<string, string | Record<string, string>>)
    .filter((entry): entry is [string, Record<string, string>] => typeof entry[1] !== 'string');
  /** The exports built from src/ (all but the types-only `./jsx-react`). */
  const built = exported.filter(([subpath]) => subpath !== './jsx-react');

  it('exports every library entry the build makes, types first', () => {
    // `./jsx-react` is types only, copied from jsx/ (no source in src/, which imports no React).
    expect(pkg.exports['./jsx-react']).toEqual({ types: './dist/jsx/react.d.ts', default: './dist/jsx/react.js' });
    for (const [subpath, target] of built) {
      // `./testing` is Node only: no `default`, so a browser bundler refuses to resolve it.
      const js = subpath === './testing' ? 'node' : 'default';
      const name = entryOf(target[js]!);
      expect(entries[name], `${subpath} is built from src/${name}.ts`).toBe(`src/${name}.ts`);
      expect(target, subpath).toEqual({ types: `./dist/${name}.d.ts`, [js]: `./dist/${name}.js` });
      expect(Object.keys(target)[0]).toBe('types');
    }
    const binaries = Object.values(pkg.bin as Record<string, string>).map(entryOf);
    expect(Object.keys(entries).sort()).toEqual([...built.map(([, target]) => entryOf((target.default ?? target.node)!)), ...binaries].sort());
  });

  it('builds the guard from src/build-guard/, not a folder named like build output, behind the public ./build entry', () => {
    expect(pkg.exports['./build']).toEqual({ types: './dist/build-guard/plugin.d.ts', default: './dist/build-guard/plugin.js' });
    expect(pkg.bin['stateset-guard']).toBe('./dist/build-guard/cli.js');
    expect(existsSync(join(root, 'src/build'))).toBe(false);
  });

  it('gives node10 resolvers (`moduleResolution: "node"`, no `exports`) the same types: `types` and a `typesVersions` row per subpath', () => {
    expect(pkg.types).toBe(pkg.exports['.'].types);
    const rows = (pkg.typesVersions as Record<string, Record<string, string[]>> | undefined)?.['*'] ?? {};
    const subpaths = exported.filter(([subpath]) => subpath !== '.').map(([subpath, target]) => [subpath.slice(2), [target.types]]);
    expect(rows).toEqual(Object.fromEntries(subpaths));
  });

  it('is what package-lock.json records for the root package (CI also checks `npm install --package-lock-only` changes nothing)', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    const fields = ['name', 'version', 'license', 'dependencies', 'devDependencies', 'peerDependencies', 'peerDependenciesMeta', 'engines'];
    const recorded = (source: Record<string, unknown>) => Object.fromEntries(fields.filter((field) => field in source).map((field) => [field, source[field]]));
    expect(recorded(lock.packages[''])).toEqual(recorded(pkg));
    // npm records bin targets without the leading `./`.
    const bin = Object.fromEntries(Object.entries(pkg.bin as Record<string, string>).map(([name, file]) => [name, file.replace(/^\.\//, '')]));
    expect(lock.packages[''].bin).toEqual(bin);
  });

  it('takes ky and zod as ranges, ky 1.14+ or 2.x, so an app on either major ships one copy', () => {
    expect(pkg.dependencies).toEqual({ ky: '^1.14.0 || ^2.0.0', zod: expect.stringMatching(/^\^4\./) });
  });

  it('declares side effects only for the widget entry and its registration, each a real module', () => {
    const local = (pkg.sideEffects as string[]).filter((file) => !file.includes('*'));
    expect(local.length).toBeGreaterThan(0);
    for (const file of local) {
      expect(file, file).toMatch(/^\.\/(dist|src)\/widget\/(index|define)\.(js|ts)$/);
      expect(existsSync(join(root, file.replace(/^\.\/dist\/(.*)\.js$/, './src/$1.ts'))), file).toBe(true);
    }
  });
});
