/**
 * For the tests: builds the package into a temporary folder laid out as a consumer project,
 * `<dir>/node_modules/@stateset/browser/{package.json,dist}` beside the real ky and zod, so bundlers
 * and Node resolve `@stateset/browser` by its name, through its `exports` and `sideEffects`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage, type BuildOptions } from './build.js';
import { root } from './bundles.js';

export interface Staged {
  /** The consumer project's folder. */
  dir: string;
  /** The installed package's folder. */
  pkg: string;
  /** SRI hashes of the CDN files. */
  integrity: Record<string, string>;
}

export async function stagePackage(options: Omit<BuildOptions, 'outDir'> = {}): Promise<Staged> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'stateset-pkg-')));
  const pkg = join(dir, 'node_modules/@stateset/browser');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  for (const dependency of ['ky', 'zod']) symlinkSync(join(root, 'node_modules', dependency), join(dir, 'node_modules', dependency), 'dir');
  const integrity = await buildPackage({ ...options, outDir: join(pkg, 'dist') });
  return { dir, pkg, integrity };
}
