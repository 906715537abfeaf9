/**
 * `@stateset/browser/build`: keeps secret (`sk_`) and restricted (`rk_`) keys out of shipped bundles.
 * Node-only (build tooling); never imported by the browser entries.
 *
 * ```ts
 * import { secretKeyGuard } from '@stateset/browser/build';
 * export default defineConfig({ plugins: [secretKeyGuard()] });
 * ```
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createFileFilter } from './glob.js';
import { redactSecrets } from '../key.js';
import { FIX_ADVICE, formatReport } from './report.js';
import { scanFileName, scanText, type AllowEntry, type Finding } from './scan.js';
import { scanBytes } from './scan-bytes.js';
import { DEFAULT_INCLUDE, scanDirectory } from './scan-files.js';
import { createSourceLookup, type SourceMapLike } from './source-map.js';

export { formatReport, type FormatReportOptions } from './report.js';
export { scanText, type AllowEntry, type Finding, type ScanTextOptions } from './scan.js';
export { DEFAULT_INCLUDE, scanDirectory, type ScanDirectoryOptions } from './scan-files.js';

export interface SecretKeyGuardOptions {
  /**
   * Globs over emitted file names (`assets/index-abc.js`) of assets to scan, case-insensitive. A glob
   * without `/` matches the base name anywhere (`*.map`). JS chunks are always scanned, whatever
   * their name. Default: JS, MJS, CJS, HTML, source maps, CSS, JSON, TXT, SVG, webmanifest, XML.
   */
  include?: string | readonly string[] | undefined;
  /** Globs over emitted file names to skip (content and name), case-insensitive. Default: none. */
  exclude?: string | readonly string[] | undefined;
  /** Known test-fixture keys to ignore: exact key strings, or RegExps tested against the whole key. */
  allow?: readonly AllowEntry[] | undefined;
  /** `'error'` (default) fails the build on a finding; `'warn'` reports it and lets the build finish. */
  mode?: 'error' | 'warn' | undefined;
}

/*
 * The plugin's types are declared here, structurally, rather than imported: `vite` and `rollup`
 * are optional peers, and an import of either in the declarations fails type checking (TS2307)
 * for a project that has only the other. Both bundlers' own types are assignable to these.
 */

/** The part of Vite's `ResolvedConfig` the guard reads. */
export interface GuardViteConfig {
  /** `'serve'` for `vite` (dev) and `vite preview`, `'build'` for `vite build`. */
  command?: 'build' | 'serve' | undefined;
  root: string;
  publicDir: string;
  envPrefix?: string | string[] | undefined;
  env?: Record<string, unknown> | undefined;
  define?: Record<string, unknown> | undefined;
  /** Vite 6+: per-environment options; `define` of client environments is inlined too. */
  environments?: Record<string, GuardViteEnvironment> | undefined;
  build: { ssr?: boolean | string | undefined; copyPublicDir?: boolean | undefined };
  logger: { warn(message: string): void };
}

/** The part of a Vite environment's resolved options the guard reads. */
export interface GuardViteEnvironment {
  consumer?: string | undefined;
  define?: Record<string, unknown> | undefined;
}

/** The part of an emitted JS chunk the guard reads (Rollup's and Rolldown's `OutputChunk`). */
export interface GuardOutputChunk {
  type: 'chunk';
  fileName: string;
  code: string;
  map?: { toString(): string } | null | undefined;
  sourcemapFileName?: string | null | undefined;
}

/** The part of an emitted asset the guard reads (`OutputAsset`). */
export interface GuardOutputAsset {
  type: 'asset';
  fileName: string;
  source: string | Uint8Array;
}

/** What the bundle hooks receive: emitted files by name (`OutputBundle`). */
export type GuardOutputBundle = Record<string, GuardOutputChunk | GuardOutputAsset>;

/** The part of the normalized output options the guard reads. */
export interface GuardOutputOptions {
  sourcemap?: unknown;
  dir?: string | undefined;
  file?: string | undefined;
}

/** The part of the plugin context the guard uses; `environment` exists in Vite only. */
export interface GuardPluginContext {
  error(message: string): never;
  warn(message: string): void;
  environment?: { config?: { consumer?: string | undefined } | undefined } | undefined;
}

/** A bundle hook of the guard, in the object form both bundlers accept. */
export interface GuardBundleHook {
  order: 'post';
  sequential?: boolean;
  handler(this: GuardPluginContext, outputOptions: GuardOutputOptions, bundle: GuardOutputBundle): Promise<void>;
}

/** The part of Vite's `ConfigEnv` the guard's `apply` reads. */
export interface GuardConfigEnv {
  command: 'build' | 'serve';
  mode: string;
}

/** A plugin object that works in both Rollup and Vite (the Vite-only fields are ignored by Rollup). */
export interface SecretKeyGuardPlugin {
  name: string;
  /** Vite only: in `vite build`, `vite` (dev) and `vite preview`; not in Vitest's server (mode `test`). */
  apply: (config: unknown, env: GuardConfigEnv) => boolean;
  /** Vite only: after Vite's own plugins. */
  enforce: 'post';
  /** Vite only: checks the env variables and `define` values Vite inlines; in dev and preview, refuses to start. */
  configResolved(config: GuardViteConfig): void;
  buildStart(): void;
  /** Scans the bundle and `public/` before anything is written. */
  generateBundle: GuardBundleHook;
  /** Scans what later plugins added or changed after `generateBundle`, once the files are written. */
  writeBundle: GuardBundleHook;
}

/** A secret key in a value Vite inlines into browser code (an env variable or a `define` entry). */
export interface ConfigFinding {
  /** `VITE_STATESET_KEY` for env variables, the `define` key (e.g. `__STATESET_KEY__`) otherwise. */
  variable: string;
  source: 'env' | 'define';
  prefix: string;
}

/** Thrown by the plugin's config-time check (the bundle scan fails through Rollup's `this.error`). */
export class SecretKeyGuardError extends Error {
  override name = 'SecretKeyGuardError';
  readonly findings: readonly ConfigFinding[];
  constructor(message: string, findings: readonly ConfigFinding[]) {
    super(message);
    this.findings = findings;
  }
}

const PLUGIN_NAME = 'stateset:secret-key-guard';
const ALLOW_HINT = 'add it to `allow` in secretKeyGuard({ allow: [...] })';

/** The config-time report: names each variable and where Vite takes it from. */
export function formatConfigReport(findings: readonly ConfigFinding[], envPrefixes: readonly string[] = ['VITE_']): string {
  const lines = ['A secret key would be inlined into browser code:'];
  for (const finding of findings) {
    const where =
      finding.source === 'env'
        ? `from .env files or process.env; Vite inlines it as import.meta.env.${finding.variable}`
        : 'set in `define`; Vite replaces it in browser code';
    lines.push(`  ${finding.variable} holds a secret key (${finding.prefix}) — ${where}`);
  }
  lines.push(FIX_ADVICE);
  if (findings.some((finding) => finding.source === 'env')) {
    lines.push(
      `Keep secret keys in variables without the ${envPrefixes.join('/')} prefix and use them only on your server.`,
    );
  }
  lines.push(`If a value is a known test fixture and not a real key, ${ALLOW_HINT}.`);
  return lines.join('\n');
}

/**
 * Finds secret keys in the values Vite inlines into browser code: `config.env` and `define`
 * (top-level, and every client environment's, which may override a top-level entry). `config.env`
 * is exactly `loadEnv(mode, envDir, envPrefix)` (`.env` files plus prefixed `process.env`) with
 * BASE_URL/MODE/DEV/PROD added (Vite 5 to 8), so `loadEnv` is not called again: that would read the
 * files twice and make this Node-only entry depend on `vite` at runtime, which Rollup-only users do
 * not have. A variable is reported once per key prefix, however many places set it.
 */
export function checkViteConfig(
  config: Pick<GuardViteConfig, 'env' | 'define' | 'environments'>,
  allow: readonly AllowEntry[] = [],
): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const seen = new Set<string>();
  const check = (variable: string, source: ConfigFinding['source'], value: unknown): void => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (typeof text !== 'string') return;
    for (const { prefix } of scanText(text, variable, { allow })) {
      const id = JSON.stringify([variable, source, prefix]);
      if (seen.has(id)) continue;
      seen.add(id);
      findings.push({ variable, source, prefix });
    }
  };
  for (const [name, value] of Object.entries(config.env ?? {})) check(name, 'env', value);
  const defines = [config.define];
  for (const environment of Object.values(config.environments ?? {})) {
    if (environment.consumer === 'client') defines.push(environment.define);
  }
  for (const define of defines) {
    for (const [name, value] of Object.entries(define ?? {})) check(name, 'define', value);
  }
  return findings;
}

function validateOptions(options: SecretKeyGuardOptions): void {
  const mode = options.mode ?? 'error';
  if (mode !== 'error' && mode !== 'warn') {
    throw new TypeError(`secretKeyGuard: \`mode\` must be 'error' or 'warn', got ${JSON.stringify(mode)}`);
  }
  for (const entry of options.allow ?? []) {
    if (typeof entry !== 'string' && !(entry instanceof RegExp)) {
      throw new TypeError('secretKeyGuard: `allow` entries must be key strings or RegExps');
    }
  }
}

/** Vite server environments (SSR) stay on the server: secrets are allowed there. */
function isServerBuild(context: GuardPluginContext, config: GuardViteConfig | undefined): boolean {
  return context.environment?.config?.consumer === 'server' || Boolean(config?.build.ssr);
}

/** What an emitted file held when it was scanned, to tell later whether another plugin changed it. */
type Snapshot = readonly unknown[];

const snapshotOf = (item: GuardOutputChunk | GuardOutputAsset): Snapshot =>
  // (A map as text: Vite's chunk.map is a new object on every read, so comparing objects would always see a change.)
  item.type === 'chunk' ? [item.code, item.map?.toString()] : [item.source];

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  return a.length === b.length && a.every((value, i) => {
    const other = b[i];
    if (value instanceof Uint8Array && other instanceof Uint8Array) return Buffer.from(value).equals(other);
    return value === other;
  });
}

const WRITTEN_NOTE =
  'Another plugin added or changed these files after the guard had checked the bundle, and they are ' +
  'already written to the output folder: do not deploy it.';

/**
 * A Vite and Rollup plugin that fails the build when a secret (`sk_`) or restricted (`rk_`) key
 * ends up in an emitted file: JS chunks (whatever their name), their source maps, HTML, CSS, JSON,
 * … and file names. In Vite it also checks, before building, the env variables and `define` values
 * Vite inlines, and the files of `public/` that Vite copies to the output. The bundle is checked
 * before it is written, and what later plugins add or change is checked again once written.
 * Reports name the file, line, column and the key's prefix (`sk_live_…`), never the key.
 */
export function secretKeyGuard(options: SecretKeyGuardOptions = {}): SecretKeyGuardPlugin {
  validateOptions(options);
  const mode = options.mode ?? 'error';
  const allow = options.allow ?? [];
  const include = options.include ?? DEFAULT_INCLUDE;
  const exclude = options.exclude ?? [];
  const filter = createFileFilter(include, exclude);
  const notExcluded = createFileFilter('**', exclude);
  let viteConfig: GuardViteConfig | undefined;
  let publicDirScanned = false;
  /** What each emitted file held at `generateBundle`, by output folder and file name. */
  const scannedAt = new Map<string, Snapshot>();

  /** Adds to each finding in a chunk where its source map says it came from. */
  function withSources(findings: Finding[], item: GuardOutputChunk, outputOptions: GuardOutputOptions): Finding[] {
    if (!item.map || findings.length === 0) return findings;
    let map: SourceMapLike;
    try {
      map = JSON.parse(item.map.toString()) as SourceMapLike;
    } catch {
      return findings;
    }
    const lookup = createSourceLookup(map);
    // Sources are relative to the chunk's place in the output folder; shown relative to the project root.
    const root = viteConfig?.root ?? process.cwd();
    const outDir = outputOptions.dir ?? (outputOptions.file ? path.dirname(outputOptions.file) : root);
    return findings.map((finding) => {
      const original = lookup(finding.line, finding.column);
      if (!original) return finding;
      const absolute = path.resolve(outDir, path.dirname(item.fileName), original.source);
      const relative = path.relative(root, absolute);
      const file = redactSecrets((relative.startsWith('..') ? absolute : relative).split(path.sep).join('/'));
      return { ...finding, source: { file, line: original.line, column: original.column } };
    });
  }

  function scanChunk(item: GuardOutputChunk, outputOptions: GuardOutputOptions, bundle: GuardOutputBundle): Finding[] {
    const findings = withSources(scanText(item.code, item.fileName, { allow }), item, outputOptions);
    if (!item.map) return findings;
    // Vite (Rolldown) also emits the map as an asset, scanned on its own; Rollup only has `chunk.map`.
    const mapName = item.sourcemapFileName ?? `${item.fileName}.map`;
    if (mapName in bundle || !filter(mapName)) return findings;
    // Rolldown appends an inline map to the code already, where `scanText` decodes it.
    if (item.code.includes('sourceMappingURL=data:')) return findings;
    const label = outputOptions.sourcemap === 'inline' ? `${item.fileName} (inline source map)` : mapName;
    return [...findings, ...scanText(item.map.toString(), label, { allow })];
  }

  function scanAsset(item: GuardOutputAsset): Finding[] {
    if (!filter(item.fileName)) return [];
    const { source } = item;
    if (typeof source === 'string') return scanText(source, item.fileName, { allow });
    return scanBytes(source, item.fileName, { allow }) ?? [];
  }

  /** Scans the emitted files, or with `changedOnly` those added or changed since the last scan. */
  function scanBundle(outputOptions: GuardOutputOptions, bundle: GuardOutputBundle, changedOnly: boolean): Finding[] {
    const findings: Finding[] = [];
    const output = outputOptions.dir ?? outputOptions.file ?? '';
    for (const item of Object.values(bundle)) {
      // Chunks are always scanned (their names need not end in .js); `exclude` still applies.
      if (!notExcluded(item.fileName)) continue;
      const id = `${output}\0${item.fileName}`;
      const snapshot = snapshotOf(item);
      const before = scannedAt.get(id);
      if (changedOnly && before && sameSnapshot(before, snapshot)) continue;
      scannedAt.set(id, snapshot);
      findings.push(...scanFileName(item.fileName, { allow }));
      findings.push(...(item.type === 'chunk' ? scanChunk(item, outputOptions, bundle) : scanAsset(item)));
    }
    return findings;
  }

  /** Vite copies `public/` to the output without passing it through the bundle. */
  async function scanPublicDir(): Promise<Finding[]> {
    if (!viteConfig || publicDirScanned) return [];
    publicDirScanned = true;
    const { publicDir, root } = viteConfig;
    if (!publicDir || viteConfig.build.copyPublicDir === false || !existsSync(publicDir)) return [];
    const label = path.relative(root, publicDir).split(path.sep).join('/') || '.';
    const findings = await scanDirectory(publicDir, { include, exclude, allow });
    return findings.map((finding) => ({ ...finding, file: `${label}/${finding.file}` }));
  }

  function report(context: GuardPluginContext, findings: readonly Finding[], note?: string): void {
    if (findings.length === 0) return;
    const message = formatReport(findings, { allowHint: ALLOW_HINT }) + (note ? `\n${note}` : '');
    if (mode === 'warn') context.warn(message);
    else context.error(message);
  }

  return {
    name: PLUGIN_NAME,
    // Vite only: `vite build`, and `vite` (dev) and `vite preview`, which serve `import.meta.env` and `define`
    // values to the browser as a build does; not Vitest's own server (mode `test`), whose code stays in Node.
    // After Vite's own plugins (its HTML is emitted into the bundle by a `generateBundle` hook of the core plugins).
    apply: (_config, env) => env.command === 'build' || env.mode !== 'test',
    enforce: 'post',

    configResolved(config: GuardViteConfig) {
      viteConfig = config;
      if (config.build.ssr) return; // a server bundle is not shipped to the browser
      const findings = checkViteConfig(config, allow);
      if (findings.length === 0) return;
      const envPrefix = config.envPrefix ?? 'VITE_';
      const served = config.command === 'serve' ? `\n${mode === 'warn' ? 'Serving' : 'Not starting'}: \`vite\` and \`vite preview\` serve these values to the browser.` : '';
      const message = formatConfigReport(findings, Array.isArray(envPrefix) ? envPrefix : [envPrefix]) + served;
      if (mode === 'warn') config.logger.warn(`[${PLUGIN_NAME}] ${message}`);
      else throw new SecretKeyGuardError(`[${PLUGIN_NAME}] ${message}`, findings);
    },

    buildStart() {
      publicDirScanned = false;
      scannedAt.clear();
    },

    // Last among the `generateBundle` hooks that run before this plugin's: fails before anything is written.
    generateBundle: {
      order: 'post',
      async handler(outputOptions, bundle) {
        if (isServerBuild(this, viteConfig)) return;
        report(this, [...scanBundle(outputOptions, bundle, false), ...(await scanPublicDir())]);
      },
    },

    // Plugins listed after this one may still add or change files in their own `generateBundle`.
    // `writeBundle` runs after the files are written; `this.error` there still fails the build.
    writeBundle: {
      order: 'post',
      sequential: true,
      async handler(outputOptions, bundle) {
        if (isServerBuild(this, viteConfig)) return;
        report(this, scanBundle(outputOptions, bundle, true), WRITTEN_NOTE);
      },
    },
  };
}
