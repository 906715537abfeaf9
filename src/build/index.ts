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
import type { NormalizedOutputOptions, OutputBundle, PluginContext, Plugin as RollupPlugin } from 'rollup';
import type { Plugin as VitePlugin, ResolvedConfig } from 'vite';
import { createFileFilter } from './glob.js';
import {
  DEFAULT_INCLUDE,
  FIX_ADVICE,
  decodeText,
  formatReport,
  isBinaryFileName,
  looksBinary,
  scanDirectory,
  scanText,
  type AllowEntry,
  type Finding,
} from './scan.js';

export {
  DEFAULT_INCLUDE,
  formatReport,
  scanDirectory,
  scanText,
  type AllowEntry,
  type Finding,
  type FormatReportOptions,
  type ScanDirectoryOptions,
  type ScanTextOptions,
} from './scan.js';

export interface SecretKeyGuardOptions {
  /**
   * Globs over emitted file names (`assets/index-abc.js`) to scan. A glob without `/` matches
   * the base name anywhere (`*.map`). Default: JS, MJS, CJS, HTML, source maps, CSS, JSON, TXT, SVG.
   */
  include?: string | string[];
  /** Globs over emitted file names to skip. Default: none. */
  exclude?: string | string[];
  /** Known test-fixture keys to ignore: exact key strings, or RegExps tested against the whole key. */
  allow?: AllowEntry[];
  /** `'error'` (default) fails the build on a finding; `'warn'` reports it and lets the build finish. */
  mode?: 'error' | 'warn';
}

/** A plugin object that works in both Rollup and Vite (the Vite-only fields are ignored by Rollup). */
export type SecretKeyGuardPlugin = RollupPlugin & Pick<VitePlugin, 'apply' | 'enforce' | 'configResolved'>;

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
 * (top-level and client environments). `config.env` is exactly `loadEnv(mode, envDir, envPrefix)`
 * (`.env` files plus prefixed `process.env`) with BASE_URL/MODE/DEV/PROD added (Vite 5 to 8), so
 * `loadEnv` is not called again: that would read the files twice and make this Node-only entry
 * depend on `vite` at runtime, which Rollup-only users do not have.
 */
export function checkViteConfig(
  config: Pick<ResolvedConfig, 'env' | 'define'> & { environments?: ResolvedConfig['environments'] | undefined },
  allow: readonly AllowEntry[] = [],
): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const check = (variable: string, source: ConfigFinding['source'], value: unknown): void => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (typeof text !== 'string') return;
    const prefixes = new Set(scanText(text, variable, { allow }).map((finding) => finding.prefix));
    for (const prefix of prefixes) findings.push({ variable, source, prefix });
  };
  for (const [name, value] of Object.entries(config.env ?? {})) check(name, 'env', value);
  const defines = new Map<string, unknown>(Object.entries(config.define ?? {}));
  for (const environment of Object.values(config.environments ?? {})) {
    if (environment.consumer !== 'client') continue;
    for (const [name, value] of Object.entries(environment.define ?? {})) {
      if (!defines.has(name)) defines.set(name, value);
    }
  }
  for (const [name, value] of defines) check(name, 'define', value);
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

/** The part of Vite's plugin context this plugin reads (absent in Rollup). */
type MaybeViteContext = PluginContext & { environment?: { config?: { consumer?: string } } };

/**
 * A Vite and Rollup plugin that fails the build when a secret (`sk_`) or restricted (`rk_`) key
 * ends up in an emitted file: JS chunks, their source maps, HTML, CSS, JSON, … In Vite it also
 * checks, before building, the env variables and `define` values Vite inlines, and the files
 * of `public/` that Vite copies to the output. Reports name the file, line, column and the key's
 * prefix (`sk_live_…`), never the key.
 */
export function secretKeyGuard(options: SecretKeyGuardOptions = {}): SecretKeyGuardPlugin {
  validateOptions(options);
  const mode = options.mode ?? 'error';
  const allow = options.allow ?? [];
  const include = options.include ?? DEFAULT_INCLUDE;
  const exclude = options.exclude ?? [];
  const filter = createFileFilter(include, exclude);
  let viteConfig: ResolvedConfig | undefined;
  let publicDirScanned = false;

  function scanBundle(outputOptions: NormalizedOutputOptions, bundle: OutputBundle): Finding[] {
    const findings: Finding[] = [];
    for (const item of Object.values(bundle)) {
      if (item.type === 'chunk') {
        if (filter(item.fileName)) findings.push(...scanText(item.code, item.fileName, { allow }));
        if (!item.map) continue;
        // Vite (Rolldown) also emits the map as an asset, scanned below; Rollup only has `chunk.map`.
        const mapName = item.sourcemapFileName ?? `${item.fileName}.map`;
        if (mapName in bundle || !filter(mapName)) continue;
        // Rolldown appends an inline map to the code already, where `scanText` decodes it.
        if (item.code.includes('sourceMappingURL=data:')) continue;
        const label = outputOptions.sourcemap === 'inline' ? `${item.fileName} (inline source map)` : mapName;
        findings.push(...scanText(item.map.toString(), label, { allow }));
      } else {
        if (!filter(item.fileName) || isBinaryFileName(item.fileName)) continue;
        const source = item.source;
        if (typeof source !== 'string' && looksBinary(source)) continue;
        const text = typeof source === 'string' ? source : decodeText(source);
        findings.push(...scanText(text, item.fileName, { allow }));
      }
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

  const plugin = {
    name: PLUGIN_NAME,
    // Vite only: not during `vite dev` or Vitest, and after Vite's own plugins (its HTML is
    // emitted into the bundle by a `generateBundle` hook of the core plugins).
    apply: 'build',
    enforce: 'post',

    configResolved(config: ResolvedConfig) {
      viteConfig = config;
      if (config.build.ssr) return; // a server bundle is not shipped to the browser
      const findings = checkViteConfig(config, allow);
      if (findings.length === 0) return;
      const envPrefix = config.envPrefix ?? 'VITE_';
      const message = formatConfigReport(findings, Array.isArray(envPrefix) ? envPrefix : [envPrefix]);
      if (mode === 'warn') config.logger.warn(`[${PLUGIN_NAME}] ${message}`);
      else throw new SecretKeyGuardError(`[${PLUGIN_NAME}] ${message}`, findings);
    },

    buildStart() {
      publicDirScanned = false;
    },

    generateBundle: {
      order: 'post',
      async handler(this: MaybeViteContext, outputOptions: NormalizedOutputOptions, bundle: OutputBundle) {
        // Vite server environments (SSR) stay on the server: secrets are allowed there.
        if (this.environment?.config?.consumer === 'server' || viteConfig?.build.ssr) return;
        const findings = [...scanBundle(outputOptions, bundle), ...(await scanPublicDir())];
        if (findings.length === 0) return;
        const message = formatReport(findings, { allowHint: ALLOW_HINT });
        if (mode === 'warn') this.warn(message);
        else this.error(message);
      },
    },
  };
  return plugin as SecretKeyGuardPlugin;
}
