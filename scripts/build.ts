/**
 * `npm run build`: the npm package (Vite library mode + tsc declarations), the self-contained CDN
 * files with their SRI hashes, then our own secret-key guard over everything that was written.
 * `buildPackage({ outDir })` is also used by the tests, into a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { cdnEntries, cdnOptions, root } from './bundles.js';

export interface BuildOptions {
  /** Default `dist/` of the repository. */
  outDir?: string;
  /** Emit `.d.ts` files with tsc (the slow step). Default true. */
  types?: boolean;
  /** Build `cdn/`. Default true. */
  cdn?: boolean;
  /** Print progress. Default false. */
  log?: boolean;
}

/** `sha384-…` of a file's bytes, as `<script integrity>` wants it. */
export const sri = (bytes: Uint8Array): string => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/** Runs a step; without `log` its output is kept, and only shown in the error when it fails. */
function run(command: string, args: string[], log = false): void {
  const result = spawnSync(command, args, { cwd: root, stdio: log ? 'inherit' : 'pipe', encoding: 'utf8' });
  const output = log ? '' : `\n${result.stdout}${result.stderr}`.trimEnd();
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})${output}`);
}

/** Builds the package into `outDir`; returns the SRI hash of each CDN file (by file name). */
export async function buildPackage(options: BuildOptions = {}): Promise<Record<string, string>> {
  const outDir = resolve(root, options.outDir ?? 'dist');
  const log = options.log ? console.log : () => {};
  rmSync(outDir, { recursive: true, force: true });

  await vite({ root, configFile: join(root, 'vite.config.ts'), logLevel: options.log ? 'info' : 'warn', build: { outDir, emptyOutDir: true } });
  const cli = join(outDir, 'build-guard/cli.js');
  for (const bin of [cli, join(outDir, 'testing/cli.js'), join(outDir, 'edge/cli.js')]) if (existsSync(bin)) chmodSync(bin, 0o755);
  // Hand-written types-only entries (`@stateset/browser/jsx-react`): no source in src/, which imports no React.
  cpSync(join(root, 'jsx'), join(outDir, 'jsx'), { recursive: true });
  if (options.types !== false) {
    log('Declarations (tsc)…');
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], options.log);
  }

  const integrity: Record<string, string> = {};
  if (options.cdn !== false) {
    for (const [name, entry] of Object.entries(cdnEntries())) {
      const file = join(outDir, 'cdn', `${name}.js`);
      await esbuild(cdnOptions(entry, file));
      integrity[`${name}.js`] = sri(readFileSync(file));
      log(`cdn/${name}.js  ${integrity[`${name}.js`]}`);
    }
    writeFileSync(join(outDir, 'cdn/integrity.json'), `${JSON.stringify(integrity, null, 2)}\n`);
  }

  if (existsSync(cli)) guard(outDir, cli, options.log);
  else log('src/build-guard/ is not there yet: secret-key scan skipped.');
  return integrity;
}

/** Our own `stateset-guard` over our own output (JS, maps, declarations, JSON): throws on a secret key. */
export function guard(dir: string, cli: string, log = false): void {
  run(process.execPath, [cli, '--include', '**/*.{js,map,ts,json}', dir], log);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(root, 'scripts/build.ts')) {
  await buildPackage({ log: true });
}
