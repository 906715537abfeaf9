// @vitest-environment node
/**
 * The build-time secret-key guard (`@stateset/browser/build`, issue 7): scanner, glob matcher,
 * Vite and Rollup plugin, and the `stateset-guard` CLI.
 *
 * No secret-looking key is written literally in this repository: keys are built at runtime and
 * written into copies of the fixtures in a temporary folder (see test/build/fixtures/README.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import ts from 'typescript';
import { build, createServer, preview, type InlineConfig, type Logger, type PluginOption } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { matchesGlob } from '../src/build-guard/glob.js';
import {
  checkViteConfig,
  formatReport,
  scanDirectory,
  scanText,
  secretKeyGuard,
  SecretKeyGuardError,
  type Finding,
  type SecretKeyGuardOptions,
} from '../src/build-guard/plugin.js';
import { runCli } from '../src/build-guard/run-cli.js';
import { CHUNK_SIZE } from '../src/build-guard/scan-bytes.js';
import { scanFile } from '../src/build-guard/scan-files.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(repoRoot, 'test/build/fixtures');

// Keys built at runtime, so that no literal key sits in the repository.
const liveKey = 'sk_' + 'live_' + 'a1B2'.repeat(6);
const testKey = 'sk_' + 'test_' + 'z9'.repeat(12);
const restrictedKey = 'rk_' + 'test_' + 'q'.repeat(24);
const publishableKey = 'pk_' + 'live_' + 'p'.repeat(24);
const LIVE = 'sk_live_…';

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stateset-guard-'));
  tempDirs.push(dir);
  return dir;
}

/** Copies a fixture into a temporary folder, filling `%%NAME%%` placeholders (default: harmless text). */
async function copyFixture(name: string, values: Record<string, string> = {}): Promise<string> {
  const target = await tempDir();
  const copy = async (from: string, to: string): Promise<void> => {
    await mkdir(to, { recursive: true });
    for (const entry of await readdir(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      const destination = path.join(to, entry.name);
      if (entry.isDirectory()) await copy(source, destination);
      else if (/\.(png)$/.test(entry.name)) await writeFile(destination, await readFile(source));
      else {
        const text = await readFile(source, 'utf8');
        await writeFile(destination, text.replace(/%%([A-Z]+)%%/g, (_, key: string) => values[key] ?? `plain ${key.toLowerCase()}`));
      }
    }
  };
  await copy(path.join(fixtures, name), target);
  return target;
}

/** Every file below `dir` with its bytes, keyed by relative path. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const relative = path.join(sub, entry.name);
      if (entry.isDirectory()) await walk(relative);
      else files.set(relative, await readFile(path.join(dir, relative)));
    }
  };
  await walk('');
  return files;
}

interface BuildResult {
  error: unknown;
  /** Everything Vite logged (info, warnings, errors). */
  logs: string[];
  outDir: string;
}

function captureLogger(logs: string[]): Logger {
  const warned = new Set<string>();
  return {
    hasWarned: false,
    info: (message) => void logs.push(message),
    warn: (message) => void logs.push(message),
    warnOnce: (message) => {
      if (!warned.has(message)) logs.push(message);
      warned.add(message);
    },
    error: (message) => void logs.push(message),
    clearScreen: () => {},
    hasErrorLogged: () => false,
  };
}

async function viteBuild(
  root: string,
  guard: SecretKeyGuardOptions | false,
  extra: Pick<InlineConfig, 'define' | 'environments'> & { sourcemap?: boolean; plugins?: PluginOption[] } = {},
): Promise<BuildResult> {
  const logs: string[] = [];
  const outDir = path.join(await tempDir(), 'dist');
  let error: unknown;
  try {
    await build({
      root,
      configFile: false,
      logLevel: 'silent',
      customLogger: captureLogger(logs),
      ...(extra.define && { define: extra.define }),
      ...(extra.environments && { environments: extra.environments }),
      plugins: [guard ? [secretKeyGuard(guard)] : [], extra.plugins ?? []],
      build: { outDir, emptyOutDir: true, sourcemap: extra.sourcemap ?? false },
    });
  } catch (caught) {
    error = caught;
  }
  return { error, logs, outDir };
}

/** Everything a user could see of a failure: message, stack, enumerable fields and the logs. */
function visibleText(result: { error: unknown; logs?: string[] }): string {
  const { error } = result;
  const parts = [...(result.logs ?? [])];
  if (error instanceof Error) parts.push(error.message, String(error.stack));
  try {
    parts.push(JSON.stringify(error));
  } catch {
    // not serialisable
  }
  return parts.join('\n');
}

function expectNoFullKey(text: string): void {
  for (const key of [liveKey, testKey, restrictedKey]) {
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(0, 10));
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

describe('scanText', () => {
  it('reports 1-based line and column and only the prefix', () => {
    const text = `const a = 1;\nconst key = "${liveKey}";\n`;
    expect(scanText(text, 'app.js')).toEqual([{ file: 'app.js', line: 2, column: 14, prefix: LIVE }]);
  });

  it('counts \\r\\n and \\r line breaks as one line each', () => {
    const text = `a\r\nb\rc\n  '${testKey}'`;
    expect(scanText(text, 'x.js')).toEqual([{ file: 'x.js', line: 4, column: 4, prefix: 'sk_test_…' }]);
  });

  it('reports every finding, in order, on a minified single line', () => {
    const minified = `var e="${liveKey}",t={k:"${restrictedKey}"};fetch(u,{headers:{Authorization:"Bearer ${testKey}"}});`;
    const findings = scanText(minified, 'index.min.js');
    expect(findings.map((finding) => [finding.line, finding.column, finding.prefix])).toEqual([
      [1, minified.indexOf(liveKey) + 1, LIVE],
      [1, minified.indexOf(restrictedKey) + 1, 'rk_test_…'],
      [1, minified.indexOf(testKey) + 1, 'sk_test_…'],
    ]);
    expectNoFullKey(JSON.stringify(findings));
  });

  it('finds upper-case keys and keys after `_`, `=` or an escape sequence', () => {
    const upper = liveKey.toUpperCase();
    expect(scanText(`x = '${upper}'`, 'a.js')[0]?.prefix).toBe('SK_LIVE_…');
    expect(scanText(`MY_${liveKey}`, 'a.txt')).toHaveLength(1);
    expect(scanText(`KEY=${liveKey}`, '.env.txt')).toHaveLength(1);
    // Inside JSON-escaped text (sourcesContent of a source map), a key starting a line follows "\n".
    expect(scanText(JSON.stringify({ sourcesContent: [`// note\n${liveKey}`] }), 'a.js.map')).toHaveLength(1);
    expect(scanText(`"\\t${liveKey}"`, 'a.js')).toHaveLength(1);
    expect(scanText(`url?key=%20${liveKey}`, 'a.txt')).toHaveLength(1);
  });

  it('does not flag publishable keys or identifiers that contain sk_test_/sk_live_', () => {
    const text = [
      `const pk = "${publishableKey}";`,
      `const mask_test_value = 1, task_test_x = 2, desk_live_chat = 3, TASK_LIVE_ID = 4;`,
      `const sk_test_ = "sk_live_…";`, // prefix only (e.g. in an error message): no key characters
    ].join('\n');
    expect(scanText(text, 'a.js')).toEqual([]);
  });

  it('honours `allow` with exact strings and RegExps (also global ones)', () => {
    const text = `"${testKey}" "${liveKey}"`;
    expect(scanText(text, 'a.js', { allow: [testKey] }).map((f) => f.prefix)).toEqual([LIVE]);
    const globalPattern = /^sk_test_/g;
    expect(scanText(text, 'a.js', { allow: [globalPattern] }).map((f) => f.prefix)).toEqual([LIVE]);
    expect(scanText(text, 'a.js', { allow: [globalPattern] }).map((f) => f.prefix)).toEqual([LIVE]);
    expect(scanText(text, 'a.js', { allow: [liveKey.slice(0, -1)] })).toHaveLength(2); // exact match only
  });

  it('looks inside base64 inline source maps and reports the sourceMappingURL comment', () => {
    const map = JSON.stringify({ version: 3, sources: ['a.ts'], sourcesContent: [`// ${liveKey}`], mappings: '' });
    const text = `console.log(1);\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(map).toString('base64')}\n`;
    expect(scanText(text, 'a.js')).toEqual([{ file: 'a.js', line: 2, column: 5, prefix: LIVE }]);
  });
});

describe('glob matching', () => {
  it.each([
    ['assets/index-abc.js', '**/*.js', true],
    ['index.js', '**/*.js', true],
    ['assets/index-abc.js.map', '*.map', true],
    ['assets/index-abc.js', '*.js', true],
    ['assets/index-abc.js', 'assets/*.js', true],
    ['assets/deep/index.js', 'assets/*.js', false],
    ['assets/deep/index.js', 'assets/**', true],
    ['assets/deep/index.js', 'assets/**/index.js', true],
    ['assets/index.js', 'assets/**/index.js', true],
    ['a/b.css', '**/*.{js,css}', true],
    ['a/b.map', '**/*.{js,{css,map}}', true],
    ['a/b.html', '**/*.{js,css}', false],
    ['a1.js', 'a?.js', true],
    ['a12.js', 'a?.js', false],
    ['ajs', '*.js', false],
    ['./assets/x.js', 'assets/x.js', true],
  ])('%s vs %s → %s', (file, glob, expected) => {
    expect(matchesGlob(file, glob)).toBe(expected);
  });
});

describe('secretKeyGuard with Vite', () => {
  it('fails on a key inlined through `define`, naming the variable at config time', async () => {
    const root = await copyFixture('vite-app');
    const result = await viteBuild(root, {}, { define: { __STATESET_KEY__: JSON.stringify(liveKey) } });
    expect(result.error).toBeInstanceOf(SecretKeyGuardError);
    expect(messageOf(result.error)).toContain(`__STATESET_KEY__ holds a secret key (${LIVE})`);
    expect(messageOf(result.error)).toContain('use the publishable key (pk_…) in browser code');
    expect(messageOf(result.error)).toContain('rotate the exposed secret key in the StateSet dashboard');
    expectNoFullKey(visibleText(result));
  });

  it('fails on a key inlined through import.meta.env from a .env file, naming the variable', async () => {
    const root = await copyFixture('vite-app');
    await writeFile(path.join(root, '.env'), `VITE_STATESET_KEY=${restrictedKey}\nSERVER_ONLY_KEY=${liveKey}\n`);
    const result = await viteBuild(root, {});
    expect(messageOf(result.error)).toContain('VITE_STATESET_KEY holds a secret key (rk_test_…)');
    expect(messageOf(result.error)).toContain('import.meta.env.VITE_STATESET_KEY');
    // Variables without the VITE_ prefix are never inlined, so they are not reported.
    expect(messageOf(result.error)).not.toContain('SERVER_ONLY_KEY');
    expectNoFullKey(visibleText(result));
  });

  it('fails on a key in a source string literal, naming the emitted chunk', async () => {
    const root = await copyFixture('vite-app', { LITERAL: liveKey });
    const result = await viteBuild(root, {});
    expect(messageOf(result.error)).toMatch(/assets\/index-[\w-]+\.js:\d+:\d+ {2}sk_live_…/);
    expect(messageOf(result.error)).toContain('rotate the exposed secret key');
    expectNoFullKey(visibleText(result));
  });

  it('names the original file and line of a key in a chunk that has a source map, beside the chunk', async () => {
    const root = await copyFixture('vite-app', { LITERAL: liveKey });
    const column = (await readFile(path.join(root, 'src/main.js'), 'utf8')).split('\n')[9]!.indexOf(liveKey) + 1;
    const message = messageOf((await viteBuild(root, {}, { sourcemap: true })).error);
    expect(message).toMatch(new RegExp(`\\n  src/main\\.js:10:${column}  sk_live_…  \\(assets/index-[\\w-]+\\.js:\\d+:\\d+\\)\\n`));
    // Without a map, the chunk alone, as before.
    expect(messageOf((await viteBuild(root, {}, { sourcemap: false })).error)).toMatch(/\n {2}assets\/index-[\w-]+\.js:\d+:\d+ {2}sk_live_…\n/);
  });

  it('fails on a key that only survives in the source map (a comment minification removed)', async () => {
    const root = await copyFixture('vite-app', { COMMENT: testKey });
    const withoutMaps = await viteBuild(root, {}, { sourcemap: false });
    expect(withoutMaps.error).toBeUndefined(); // the comment is gone from the minified code
    const result = await viteBuild(root, {}, { sourcemap: true });
    const message = messageOf(result.error);
    expect(message).toMatch(/assets\/index-[\w-]+\.js\.map:1:\d+ {2}sk_test_…/);
    expect(message).not.toMatch(/\.js:\d/); // not in the code itself
    expectNoFullKey(visibleText(result));
  });

  it("scans Vite's index.html and the files copied from public/", async () => {
    const root = await copyFixture('vite-app', { HTML: liveKey });
    await mkdir(path.join(root, 'public'));
    await writeFile(path.join(root, 'public/runtime-config.js'), `window.cfg = { key: "${testKey}" };\n`);
    const result = await viteBuild(root, {});
    const message = messageOf(result.error);
    expect(message).toMatch(/ index\.html:5:\d+ {2}sk_live_…/);
    expect(message).toMatch(/ public\/runtime-config\.js:1:\d+ {2}sk_test_…/);
    expectNoFullKey(visibleText(result));
  });

  it('passes a clean build whose output is byte-identical with and without the plugin', async () => {
    const root = await copyFixture('vite-app', { LITERAL: publishableKey });
    await mkdir(path.join(root, 'public'));
    await writeFile(path.join(root, 'public/robots.txt'), 'User-agent: *\n');
    await writeFile(path.join(root, '.env'), `VITE_STATESET_KEY=${publishableKey}\n`);
    const guarded = await viteBuild(root, {}, { sourcemap: true, define: { __STATESET_KEY__: JSON.stringify('pk') } });
    const plain = await viteBuild(root, false, { sourcemap: true, define: { __STATESET_KEY__: JSON.stringify('pk') } });
    expect(guarded.error).toBeUndefined();
    expect(plain.error).toBeUndefined();
    const [a, b] = await Promise.all([readTree(guarded.outDir), readTree(plain.outDir)]);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()].some((file) => file.endsWith('.js.map'))).toBe(true);
    for (const [file, bytes] of a) expect(bytes.equals(b.get(file)!), file).toBe(true);
    expect(guarded.logs.join('\n')).not.toContain('secret');
  });

  it('`allow` suppresses known fixture keys (exact string and RegExp)', async () => {
    const root = await copyFixture('vite-app', { LITERAL: testKey, HTML: liveKey });
    await writeFile(path.join(root, '.env'), `VITE_STATESET_KEY=${testKey}\n`);
    const result = await viteBuild(root, { allow: [testKey, /^sk_live_(?:a1B2)+$/] });
    expect(result.error).toBeUndefined();
  });

  describe('in `vite` (dev) and `vite preview`, which serve import.meta.env and define to the browser too', () => {
    const quiet = { configFile: false as const, logLevel: 'silent' as const, server: { port: 0 }, preview: { port: 0 } };

    it('refuses to start the dev server or the preview when a client-exposed variable or define holds a secret', async () => {
      const root = await copyFixture('vite-app');
      await writeFile(path.join(root, '.env'), `VITE_STATESET_KEY=${testKey}\n`);
      const dev = await createServer({ ...quiet, root, plugins: [secretKeyGuard()] }).catch((error: unknown) => error);
      expect(dev).toBeInstanceOf(SecretKeyGuardError);
      expect(messageOf(dev)).toContain('VITE_STATESET_KEY holds a secret key (sk_test_…)');
      expect(messageOf(dev)).toContain('Not starting: `vite` and `vite preview` serve these values to the browser.');
      const served = await preview({ ...quiet, root, plugins: [secretKeyGuard()] }).catch((error: unknown) => error);
      expect(served).toBeInstanceOf(SecretKeyGuardError);
      const defined = await createServer({ ...quiet, root: await copyFixture('vite-app'), define: { __STATESET_KEY__: JSON.stringify(liveKey) }, plugins: [secretKeyGuard()] })
        .catch((error: unknown) => error);
      expect(messageOf(defined)).toContain(`__STATESET_KEY__ holds a secret key (${LIVE})`);
      expectNoFullKey(visibleText({ error: dev }));
    });

    it('starts them with a publishable key, warns in warn mode, and leaves Vitest (mode test) alone', async () => {
      const root = await copyFixture('vite-app');
      await writeFile(path.join(root, '.env'), `VITE_STATESET_KEY=${publishableKey}\n`);
      await (await createServer({ ...quiet, root, plugins: [secretKeyGuard()] })).close();
      const logs: string[] = [];
      await writeFile(path.join(root, '.env'), `VITE_STATESET_KEY=${testKey}\n`);
      await (await createServer({ ...quiet, root, customLogger: captureLogger(logs), plugins: [secretKeyGuard({ mode: 'warn' })] })).close();
      expect(logs.join('\n')).toContain('Serving: `vite` and `vite preview` serve these values to the browser.');
      await (await createServer({ ...quiet, root, mode: 'test', plugins: [secretKeyGuard()] })).close();
    });
  });

  it("mode 'warn' reports config and bundle findings but lets the build finish", async () => {
    const root = await copyFixture('vite-app');
    await writeFile(path.join(root, '.env'), `VITE_STATESET_KEY=${liveKey}\n`);
    const result = await viteBuild(root, { mode: 'warn' });
    expect(result.error).toBeUndefined();
    const logs = result.logs.join('\n');
    expect(logs).toContain(`VITE_STATESET_KEY holds a secret key (${LIVE})`);
    expect(logs).toMatch(/assets\/index-[\w-]+\.js:\d+:\d+ {2}sk_live_…/);
    expectNoFullKey(logs);
  });

  it('include/exclude choose the emitted files that are scanned', async () => {
    const root = await copyFixture('vite-app', { COMMENT: liveKey, HTML: testKey });
    const excluded = await viteBuild(root, { exclude: ['*.map', '*.html'] }, { sourcemap: true });
    expect(excluded.error).toBeUndefined();
    const onlyHtml = await viteBuild(root, { include: '**/*.html' }, { sourcemap: true });
    expect(messageOf(onlyHtml.error)).toContain('index.html:5:');
    expect(messageOf(onlyHtml.error)).not.toContain('.map:');
  });
});

describe('secretKeyGuard with Rollup', () => {
  it('fails a plain Rollup build with a key in source, in the chunk and its source map', async () => {
    const root = await copyFixture('rollup-app', { LITERAL: restrictedKey });
    const bundle = await rollup({ input: path.join(root, 'main.js'), plugins: [secretKeyGuard()] });
    let error: unknown;
    try {
      await bundle.generate({ format: 'es', sourcemap: true });
    } catch (caught) {
      error = caught;
    } finally {
      await bundle.close();
    }
    const message = messageOf(error);
    // The chunk's place, after the original's (from chunk.map; outside the working folder: an absolute path).
    expect(message).toMatch(/ \/\S+\/main\.js:\d+:\d+ {2}rk_test_… {2}\(main\.js:\d+:\d+\)/);
    expect(message).toMatch(/ main\.js\.map:1:\d+ {2}rk_test_…/);
    expect(message).toContain('use the publishable key (pk_…)');
    expectNoFullKey(visibleText({ error }));
  });

  it('passes a clean Rollup build and warns in warn mode', async () => {
    const clean = await copyFixture('rollup-app', { LITERAL: publishableKey });
    const cleanBundle = await rollup({ input: path.join(clean, 'main.js'), plugins: [secretKeyGuard()] });
    await expect(cleanBundle.generate({ format: 'es', sourcemap: true })).resolves.toBeDefined();
    await cleanBundle.close();

    const dirty = await copyFixture('rollup-app', { COMMENT: liveKey });
    const warnings: string[] = [];
    const bundle = await rollup({
      input: path.join(dirty, 'main.js'),
      plugins: [secretKeyGuard({ mode: 'warn' })],
      onwarn: (warning) => void warnings.push(warning.message),
    });
    await bundle.generate({ format: 'es' });
    await bundle.close();
    expect(warnings.join('\n')).toMatch(/main\.js:\d+:\d+ {2}sk_live_…/);
    expectNoFullKey(warnings.join('\n'));
  });
});

describe('the plugin object', () => {
  type Handler = (this: unknown, outputOptions: unknown, bundle: unknown) => Promise<void>;
  async function runGenerateBundle(options: SecretKeyGuardOptions, bundle: Record<string, unknown>, sourcemap: unknown = true) {
    const plugin = secretKeyGuard(options);
    const hook = plugin.generateBundle as unknown as { order: string; handler: Handler };
    const reports: Array<{ kind: 'error' | 'warn'; message: string }> = [];
    const context = {
      error(message: string): never {
        reports.push({ kind: 'error', message });
        throw new Error(message);
      },
      warn: (message: string) => void reports.push({ kind: 'warn', message }),
    };
    await hook.handler.call(context, { sourcemap }, bundle).catch(() => {});
    return { plugin, hook, reports };
  }
  const chunk = (fileName: string, code: string, map?: object) => ({
    type: 'chunk',
    fileName,
    code,
    map: map && { toString: () => JSON.stringify(map) },
    sourcemapFileName: map ? `${fileName}.map` : null,
  });
  const asset = (fileName: string, source: string | Uint8Array) => ({ type: 'asset', fileName, source });

  it('runs last, in `vite build`, dev and preview but not Vitest, and rejects bad options', async () => {
    const { plugin, hook } = await runGenerateBundle({}, {});
    expect(plugin.name).toBe('stateset:secret-key-guard');
    expect([['build', 'production'], ['serve', 'development'], ['serve', 'production'], ['build', 'test'], ['serve', 'test']]
      .map(([command, mode]) => plugin.apply({}, { command: command as 'build' | 'serve', mode: mode! }))).toEqual([true, true, true, true, false]);
    expect(plugin.enforce).toBe('post');
    expect(hook.order).toBe('post');
    expect(() => secretKeyGuard({ mode: 'loud' as 'warn' })).toThrow(TypeError);
    expect(() => secretKeyGuard({ allow: [42 as unknown as string] })).toThrow(TypeError);
  });

  it('scans chunk.map when no .map asset exists, and the asset instead of chunk.map when it does', async () => {
    const map = { version: 3, sources: ['a.ts'], sourcesContent: [`// ${liveKey}`], mappings: '' };
    const rollupStyle = await runGenerateBundle({}, { 'a.js': chunk('a.js', 'x()', map) });
    expect(rollupStyle.reports[0]?.message).toMatch(/ a\.js\.map:1:\d+ {2}sk_live_…/);
    const viteStyle = await runGenerateBundle({}, {
      'a.js': chunk('a.js', 'x()', map),
      'a.js.map': asset('a.js.map', JSON.stringify(map)),
    });
    expect(viteStyle.reports[0]?.message.match(/a\.js\.map:/g)).toHaveLength(1);
    const inline = await runGenerateBundle({}, { 'a.js': chunk('a.js', 'x()', map) }, 'inline');
    expect(inline.reports[0]?.message).toContain('a.js (inline source map):1:');
  });

  it('decodes Uint8Array assets and skips binary ones', async () => {
    const bytes = new TextEncoder().encode(`{"key":"${liveKey}"}`);
    const binary = new Uint8Array([0x89, 0x50, 0, 0, ...new TextEncoder().encode(liveKey)]);
    const { reports } = await runGenerateBundle({ include: '**/*' }, {
      'data.json': asset('data.json', bytes),
      'blob.raw': asset('blob.raw', binary),
      'logo.png': asset('logo.png', new TextEncoder().encode(liveKey)),
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toContain('data.json:1:9  sk_live_…');
    expect(reports[0]!.message).not.toMatch(/blob\.raw|logo\.png/);
  });

  it('leaves server (SSR) environments alone', async () => {
    const plugin = secretKeyGuard();
    const hook = plugin.generateBundle as unknown as { handler: Handler };
    const context = { environment: { config: { consumer: 'server' } }, error: () => { throw new Error('reported'); }, warn() {} };
    await expect(hook.handler.call(context, {}, { 'a.js': chunk('a.js', `"${liveKey}"`) })).resolves.toBeUndefined();
  });

  it('checkViteConfig reads env and define (also client environment defines) and honours allow', () => {
    const findings = checkViteConfig({
      env: { VITE_A: liveKey, VITE_B: publishableKey, MODE: 'production', PROD: true },
      define: { __A__: JSON.stringify(testKey), __N__: 42 },
      environments: {
        client: { consumer: 'client', define: { __C__: JSON.stringify({ nested: restrictedKey }) } },
        ssr: { consumer: 'server', define: { __S__: JSON.stringify(liveKey) } },
      } as never,
    });
    expect(findings).toEqual([
      { variable: 'VITE_A', source: 'env', prefix: LIVE },
      { variable: '__A__', source: 'define', prefix: 'sk_test_…' },
      { variable: '__C__', source: 'define', prefix: 'rk_test_…' },
    ]);
    expect(checkViteConfig({ env: { VITE_A: liveKey }, define: {} }, [liveKey])).toEqual([]);
  });
});

describe('scanDirectory and formatReport', () => {
  it('walks folders, honours include/exclude and skips binary files', async () => {
    const dir = await copyFixture('static-site', { LITERAL: liveKey });
    await writeFile(path.join(dir, 'assets/logo.png'), Buffer.concat([await readFile(path.join(dir, 'assets/logo.png')), Buffer.from(liveKey)]));
    const files: string[] = [];
    const findings = await scanDirectory(dir, { include: '**/*', onFile: (file, result) => void files.push(`${file}:${result}`) });
    expect(findings).toEqual<Finding[]>([{ file: 'assets/app.js', line: 2, column: 36, prefix: LIVE }]);
    expect(files).toEqual(['assets/app.css:scanned', 'assets/app.js:scanned', 'assets/logo.png:binary', 'index.html:scanned']);
    expect(await scanDirectory(dir, { exclude: 'assets/**' })).toEqual([]);
    expect(await scanDirectory(dir, { include: '*.html' })).toEqual([]);
  });

  it('formats one line per finding plus the fix, and never the key', () => {
    const report = formatReport([
      { file: 'a.js', line: 1, column: 2, prefix: LIVE },
      { file: 'b.map', line: 3, column: 4, prefix: 'rk_test_…' },
    ]);
    expect(report).toContain('  a.js:1:2  sk_live_…\n  b.map:3:4  rk_test_…');
    expect(report).toContain(
      'use the publishable key (pk_…) in browser code; rotate the exposed secret key in the StateSet dashboard, since it may already have been published',
    );
    expect(formatReport([])).toBe('No secret keys found.');
  });
});

describe('stateset-guard CLI', () => {
  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }

  it('exits 0 on a clean folder and 1 on a folder with findings, printing the report', async () => {
    const clean = await copyFixture('static-site', { LITERAL: publishableKey });
    const ok = await cli([clean]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toContain('no secret keys found (3 files scanned)');

    const dirty = await copyFixture('static-site', { LITERAL: liveKey });
    const bad = await cli([dirty]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${dirty}/assets/app.js:2:36  sk_live_…`);
    expect(bad.stdout).toContain('rotate the exposed secret key');
    expectNoFullKey(bad.stdout + bad.stderr);

    expect((await cli(['--warn', dirty])).code).toBe(0);
    expect((await cli(['--allow', liveKey, dirty])).code).toBe(0);
    expect((await cli(['--allow=/^sk_live_/', dirty])).code).toBe(0);
    expect((await cli(['--exclude', 'assets/*.js', dirty])).code).toBe(0);
    expect((await cli(['--include', '*.html', dirty])).code).toBe(0);
    expect((await cli([path.join(dirty, 'assets/app.js')])).code).toBe(1);
  });

  it('--json prints { ok, findings } with file, line, column and prefix only', async () => {
    const dirty = await copyFixture('static-site', { LITERAL: testKey });
    const { code, stdout } = await cli(['--json', dirty]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      findings: [{ file: `${dirty}/assets/app.js`, line: 2, column: 36, prefix: 'sk_test_…' }],
    });
    expectNoFullKey(stdout);
    const clean = await cli(['--json', await copyFixture('static-site')]);
    expect(JSON.parse(clean.stdout)).toEqual({ ok: true, findings: [] });
  });

  it('exits 2 on usage errors without echoing keys', async () => {
    expect((await cli([])).code).toBe(2);
    const missing = await cli([path.join(os.tmpdir(), 'no-such-folder-stateset-guard')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
    const unknown = await cli([`--${liveKey}`, '.']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`unknown option --${LIVE}`);
    expectNoFullKey(unknown.stderr);
    const keyAsPath = await cli([liveKey]); // e.g. `stateset-guard $STATESET_KEY`
    expect(keyAsPath.code).toBe(2);
    expect(keyAsPath.stderr).toContain(`no such file or folder: ${LIVE}`);
    expectNoFullKey(keyAsPath.stderr);
    expect((await cli(['--include'])).code).toBe(2);
    expect((await cli(['--help'])).stdout).toContain('Usage: stateset-guard');
  });

  it('runs as an executable with the documented exit codes', async () => {
    const dirty = await copyFixture('static-site', { LITERAL: liveKey });
    const clean = await copyFixture('static-site');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/.bin/tsx'), path.join(repoRoot, 'src/build-guard/cli.ts'), ...args], {
        encoding: 'utf8',
        cwd: repoRoot,
      });
    const bad = run('--json', dirty, clean);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).findings).toHaveLength(1);
    expectNoFullKey(bad.stdout + bad.stderr);
    expect(run(clean).status).toBe(0);
    expect(run().status).toBe(2);
  });
});

describe('what the guard scans, and where it stops', () => {
  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }

  /** Writes `parts` to `file` one after another (large files without one large string). */
  async function writeParts(file: string, parts: Array<string | Buffer>): Promise<void> {
    const handle = await open(file, 'w');
    try {
      for (const part of parts) await handle.write(typeof part === 'string' ? Buffer.from(part) : part);
    } finally {
      await handle.close();
    }
  }

  const MiB = 1024 * 1024;
  const padding = (size: number, char = ' '): Buffer => Buffer.alloc(size, char);

  describe('files of any size are scanned, in windows', () => {
    it('finds a key at the end of a 33 MiB source map (CLI exits 1)', async () => {
      const dir = await tempDir();
      await writeParts(path.join(dir, 'app.js.map'), ['{"mappings":"', padding(33 * MiB, 'A'), `","x":"${liveKey}"}`]);
      const result = await cli(['--json', dir]);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).findings).toEqual([
        { file: `${dir}/app.js.map`, line: 1, column: 33 * MiB + 21, prefix: LIVE },
      ]);
      expectNoFullKey(result.stdout + result.stderr);
    });

    it('finds keys across window boundaries, with exact lines, also in a base64 inline map larger than a window', async () => {
      const dir = await tempDir();
      const file = path.join(dir, 'big.js');
      const head = `a\r\nb\n${' '.repeat(CHUNK_SIZE - 10)}"${testKey}"\n`; // key straddles the first 8 MiB boundary
      const map = JSON.stringify({ version: 3, sourcesContent: [`${'x'.repeat(25 * MiB)}\n// ${restrictedKey}`], mappings: '' });
      const comment = `//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`;
      await writeParts(file, [head, comment, `\nlast("${liveKey}")\n`]);
      const findings = await scanFile(file, 'big.js');
      expect(findings).toEqual([
        { file: 'big.js', line: 3, column: CHUNK_SIZE - 8, prefix: 'sk_test_…' },
        { file: 'big.js', line: 4, column: 5, prefix: 'rk_test_…' },
        { file: 'big.js', line: 5, column: 7, prefix: LIVE },
      ]);
    });

    it('sees a whole key that straddles the end of a window (so `allow` matches it)', () => {
      // The last 1024 characters are scanned after the rest: the first key starts 1040 before the end.
      const text = `${'y '.repeat(3000)}"${liveKey}"${' '.repeat(973)}"${testKey}"`;
      expect(text.length - text.indexOf(liveKey)).toBe(1040);
      expect(scanText(text, 'a.js', { allow: [liveKey] })).toEqual([
        { file: 'a.js', line: 1, column: text.indexOf(testKey) + 1, prefix: 'sk_test_…' },
      ]);
    });

    it("fails a Vite build on a key at the end of a 33 MiB file in public/", async () => {
      const root = await copyFixture('vite-app');
      await mkdir(path.join(root, 'public'));
      await writeParts(path.join(root, 'public/big.json'), ['[', padding(33 * MiB), `"${liveKey}"]`]);
      const result = await viteBuild(root, {});
      expect(messageOf(result.error)).toContain(`public/big.json:1:${33 * MiB + 3}  ${LIVE}`);
      expectNoFullKey(visibleText(result));
    });
  });

  describe('symlinked folders are followed', () => {
    it('CLI scans a symlinked folder and stops at a link loop', async () => {
      const outside = await tempDir();
      await writeFile(path.join(outside, 'a.js'), `k="${liveKey}"`);
      const dir = await tempDir();
      await writeFile(path.join(dir, 'ok.js'), '1');
      await symlink(outside, path.join(dir, 'static'), 'dir');
      await symlink(dir, path.join(dir, 'loop'), 'dir');
      const result = await cli([dir]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`${dir}/static/a.js:1:4  ${LIVE}`);
      expect(result.stdout).toContain('Found a secret key');
    });

    it('the plugin scans a symlinked folder in public/', async () => {
      const shared = await tempDir();
      await writeFile(path.join(shared, 'cfg.json'), JSON.stringify({ k: liveKey }));
      const root = await copyFixture('vite-app');
      await mkdir(path.join(root, 'public'));
      await symlink(shared, path.join(root, 'public/shared'), 'dir');
      const result = await viteBuild(root, {});
      expect(messageOf(result.error)).toContain(`public/shared/cfg.json:1:7  ${LIVE}`);
    });
  });

  describe('files added or changed by later plugins', () => {
    const late = (): PluginOption => ({
      name: 'late',
      enforce: 'post',
      generateBundle: {
        order: 'post',
        handler() {
          this.emitFile({ type: 'asset', fileName: 'assets/late.js', source: `self.k="${liveKey}"` });
        },
      },
    });
    const mutate = (): PluginOption => ({
      name: 'mutate',
      enforce: 'post',
      generateBundle: {
        order: 'post',
        handler(_, bundle) {
          for (const item of Object.values(bundle)) if (item.type === 'chunk') item.code += `\nwindow.k="${testKey}";`;
        },
      },
    });

    it('fails the Vite build (after writing) on a file another plugin emits or changes after the guard', async () => {
      const root = await copyFixture('vite-app');
      const emitted = await viteBuild(root, {}, { plugins: [late()] });
      expect(messageOf(emitted.error)).toContain(`assets/late.js:1:9  ${LIVE}`);
      expect(messageOf(emitted.error)).toContain('already written to the output folder: do not deploy it');
      const changed = await viteBuild(root, {}, { plugins: [mutate()] });
      expect(messageOf(changed.error)).toMatch(/assets\/index-[\w-]+\.js:\d+:\d+ {2}sk_test_…/);
      expectNoFullKey(visibleText(emitted) + visibleText(changed));
    });

    it('runs writeBundle last and sequentially, and warns only once per finding in warn mode', async () => {
      const hook = secretKeyGuard().writeBundle;
      expect(hook).toMatchObject({ order: 'post', sequential: true });
      const root = await copyFixture('vite-app', { LITERAL: liveKey });
      const result = await viteBuild(root, { mode: 'warn' }, { plugins: [late()] });
      expect(result.error).toBeUndefined();
      const logs = result.logs.join('\n');
      expect(logs.match(/assets\/index-[\w-]+\.js:\d+:\d+ {2}sk_live_…/g)).toHaveLength(1);
      expect(logs.match(/assets\/late\.js:1:9 {2}sk_live_…/g)).toHaveLength(1);
    });

    it('with source maps on, a chunk no plugin changed is not reported again after writing (Vite hands out a new map object on each read)', async () => {
      const root = await copyFixture('vite-app', { LITERAL: liveKey });
      const result = await viteBuild(root, { mode: 'warn' }, { sourcemap: true });
      expect(result.error).toBeUndefined();
      const logs = result.logs.join('\n');
      expect(logs.match(/src\/main\.js:\d+:\d+ {2}sk_live_… {2}\(assets\/index-[\w-]+\.js:\d+:\d+\)/g)).toHaveLength(1);
      expect(logs).not.toMatch(/already on disk|do not deploy/i);
    });
  });

  describe('keys in file names', () => {
    it('CLI reports a key in a file or folder name as a finding and never prints the name whole', async () => {
      const dir = await tempDir();
      await writeFile(path.join(dir, `${liveKey}.js`), `import "./x.js";`);
      await mkdir(path.join(dir, restrictedKey));
      await writeFile(path.join(dir, restrictedKey, 'logo.png'), 'png');
      const text = await cli([dir]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(`${dir}/${LIVE}.js  ${LIVE} (in the file name)`);
      expect(text.stdout).toContain(`${dir}/rk_test_…/logo.png  rk_test_… (in the file name)`);
      const json = await cli(['--json', dir]);
      expect(JSON.parse(json.stdout).findings).toContainEqual({ file: `${dir}/${LIVE}.js`, line: 0, column: 0, prefix: LIVE, inFileName: true });
      const single = await cli([path.join(dir, `${liveKey}.js`)]);
      expect(single.code).toBe(1);
      expectNoFullKey([text, json, single].map((r) => r.stdout + r.stderr).join('\n'));
    });

    it('redacts file names in content findings, plugin reports included', async () => {
      const dir = await tempDir();
      await mkdir(path.join(dir, liveKey));
      await writeFile(path.join(dir, liveKey, 'a.js'), `"${testKey}"`);
      const findings = await scanDirectory(dir);
      expect(findings).toContainEqual({ file: `${LIVE}/a.js`, line: 1, column: 2, prefix: 'sk_test_…' });
      expectNoFullKey(JSON.stringify(findings));
      const errors: string[] = [];
      const context = { error: (message: string): never => { errors.push(message); throw new Error(message); }, warn() {} };
      const bundle = { [`${liveKey}.js`]: { type: 'chunk', fileName: `${liveKey}.js`, code: '1', map: null } } as const;
      await secretKeyGuard().generateBundle.handler.call(context, {}, bundle).catch(() => {});
      expect(errors[0]).toContain(`${LIVE}.js  ${LIVE} (in the file name)`);
      expectNoFullKey(errors.join('\n'));
    });
  });

  describe('nothing to scan is an error', () => {
    it('CLI exits 2 with an explanation on an empty folder, globs matching nothing, or only binary files', async () => {
      const empty = await tempDir();
      const none = await cli([empty]);
      expect(none).toMatchObject({ code: 2, stdout: '' });
      expect(none.stderr).toContain(`nothing scanned in ${empty}: no file in it matches the default --include`);
      const site = await copyFixture('static-site');
      const unmatched = await cli(['--include', '*.jsx', site]);
      expect(unmatched.code).toBe(2);
      expect(unmatched.stderr).toContain('no file in it matches --include *.jsx');
      const images = await cli(['--include', '*.png', site]);
      expect(images.code).toBe(2);
      expect(images.stderr).toContain('the 1 matching file is binary');
      const json = await cli(['--json', empty]);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toEqual({ ok: false, findings: [] });
    });
  });

  describe('client environment defines', () => {
    it('checkViteConfig checks a client environment define that overrides a top-level one', () => {
      const findings = checkViteConfig({
        define: { __K__: '"placeholder"', __A__: JSON.stringify(testKey) },
        environments: { client: { consumer: 'client', define: { __K__: JSON.stringify(liveKey), __A__: JSON.stringify(testKey) } } },
      });
      expect(findings).toEqual([
        { variable: '__A__', source: 'define', prefix: 'sk_test_…' },
        { variable: '__K__', source: 'define', prefix: LIVE },
      ]);
    });

    it('fails a Vite build whose client environment overrides a define with a key', async () => {
      const root = await copyFixture('vite-app');
      const result = await viteBuild(root, {}, {
        define: { __STATESET_KEY__: '"placeholder"' },
        environments: { client: { define: { __STATESET_KEY__: JSON.stringify(liveKey) } } },
      });
      expect(result.error).toBeInstanceOf(SecretKeyGuardError);
      expect(messageOf(result.error)).toContain(`__STATESET_KEY__ holds a secret key (${LIVE})`);
    });
  });

  describe('text files and chunks, whatever their name or encoding', () => {
    it('scans text files with a NUL byte, UTF-16, upper-case extensions, .webmanifest and .xml', async () => {
      const dir = await tempDir();
      await writeFile(path.join(dir, 'nul.js'), `/*\0*/k="${liveKey}"`);
      await writeFile(path.join(dir, 'le.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`{"k":"${liveKey}"}`, 'utf16le')]));
      await writeFile(path.join(dir, 'be.json'), Buffer.from(`\ufeff{"k":"${liveKey}"}`, 'utf16le').swap16());
      await writeFile(path.join(dir, 'nobom.json'), Buffer.from(`{"k":"${liveKey}"}`, 'utf16le'));
      await writeFile(path.join(dir, 'UPPER.JS'), `k="${liveKey}"`);
      await writeFile(path.join(dir, 'site.webmanifest'), `{"k":"${liveKey}"}`);
      await writeFile(path.join(dir, 'feed.xml'), `<k>${liveKey}</k>`);
      await writeFile(path.join(dir, 'blob.raw'), `\0${liveKey}`); // not a text extension: binary
      const findings = await scanDirectory(dir, { include: '**/*' });
      expect(findings.map((f) => `${f.file}:${f.line}:${f.column}`).sort()).toEqual(
        ['UPPER.JS:1:4', 'be.json:1:7', 'feed.xml:1:4', 'le.json:1:7', 'nobom.json:1:7', 'nul.js:1:9', 'site.webmanifest:1:7'],
      );
      expect((await scanDirectory(dir)).length).toBe(7); // the default include covers them all
    });

    it('always scans chunks, whatever their file name (Rollup entryFileNames)', async () => {
      for (const entryFileNames of ['[name].es', '[name]', '[name].JS']) {
        const root = await copyFixture('rollup-app', { LITERAL: liveKey });
        const bundle = await rollup({ input: path.join(root, 'main.js'), plugins: [secretKeyGuard()] });
        const error = await bundle.generate({ format: 'es', entryFileNames }).then(() => undefined, (caught: unknown) => caught);
        await bundle.close();
        expect(messageOf(error), entryFileNames).toMatch(/ main(\.es|\.JS)?:\d+:\d+ {2}sk_live_…/);
      }
      const excluded = await rollup({ input: path.join(await copyFixture('rollup-app', { LITERAL: liveKey }), 'main.js'), plugins: [secretKeyGuard({ exclude: 'main.es' })] });
      await expect(excluded.generate({ format: 'es', entryFileNames: '[name].es' })).resolves.toBeDefined();
      await excluded.close();
    });

    it('scans public/ .webmanifest files in a Vite build, and globs ignore case', async () => {
      const root = await copyFixture('vite-app');
      await mkdir(path.join(root, 'public'));
      await writeFile(path.join(root, 'public/site.webmanifest'), `{"k":"${liveKey}"}`);
      const result = await viteBuild(root, {});
      expect(messageOf(result.error)).toContain(`public/site.webmanifest:1:7  ${LIVE}`);
      expect(matchesGlob('assets/APP.JS', '**/*.js')).toBe(true);
    });
  });

  describe('types without vite or rollup', () => {
    it('the emitted declarations of @stateset/browser/build import neither vite nor rollup', () => {
      const declarations: string[] = [];
      const program = ts.createProgram([path.join(repoRoot, 'src/build-guard/plugin.ts')], {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        strict: true,
        declaration: true,
        emitDeclarationOnly: true,
        skipLibCheck: true,
        types: ['node'],
      });
      program.emit(undefined, (fileName, text) => {
        if (fileName.includes('/build-guard/')) declarations.push(text);
      });
      expect(declarations.length).toBeGreaterThan(0);
      for (const text of declarations) expect(text).not.toMatch(/(?:from|import\()\s*['"](?:vite|rollup)['"]/);
    });
  });
});

describe('this repository', () => {
  it('src/build-guard imports nothing from the browser modules except key.ts', async () => {
    const dir = path.join(repoRoot, 'src/build-guard');
    for (const file of await readdir(dir)) {
      const source = await readFile(path.join(dir, file), 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        if (specifier!.startsWith('.')) expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[\w-]+\.js$|^\.\.\/key\.js$/);
      }
    }
  });

  it('holds no secret-looking key in the guard sources, tests or fixtures', async () => {
    const options = { include: '**/*.{ts,js,html,json,md,css}' };
    const findings = [
      ...(await scanDirectory(path.join(repoRoot, 'src/build-guard'), options)),
      ...(await scanDirectory(path.join(repoRoot, 'test/build'), options)),
      ...scanText(await readFile(fileURLToPath(import.meta.url), 'utf8'), 'build-guard.test.ts'),
    ];
    expect(findings).toEqual([]);
  });
});
