/**
 * `npm run check:package` (after `npm run build`): the tarball `npm pack` makes, checked as a consumer
 * gets it: publint --strict, attw with the ESM-only profile, and the consumer type tests of
 * test/types/ compiled against the unpacked tarball with `moduleResolution: "bundler"`, `"node16"` and `"node"` (node10: `types` + `typesVersions`, no `exports`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './bundles.js';

const bin = (name: string): string => join(root, 'node_modules/.bin', name);
const failures: string[] = [];

function step(title: string, command: string, args: string[], { cwd = root, quiet = false } = {}): string {
  console.log(`\n▸ ${title}`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (!quiet) process.stdout.write(result.stdout ?? '');
  if (result.status !== 0) failures.push(title);
  return result.stdout ?? '';
}

if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'stateset-pack-'));
try {
  const packed = JSON.parse(step('npm pack', 'npm', ['pack', '--json', '--pack-destination', tmp], { quiet: true })) as [{ filename: string; files: unknown[]; size: number; unpackedSize: number }];
  const { filename, files, size, unpackedSize } = packed[0];
  const tarball = join(tmp, filename);
  console.log(`${filename}: ${files.length} files, ${(size / 1000).toFixed(0)} kB packed, ${(unpackedSize / 1000).toFixed(0)} kB unpacked`);
  step('publint --strict', bin('publint'), ['run', '--strict', tarball]);
  step('attw --profile esm-only', bin('attw'), [tarball, '--profile', 'esm-only']);

  // A consumer project: the unpacked tarball as node_modules/@stateset/browser, beside its dependencies
  // (and the optional peers and Node types that the declarations use: `/build` and `/testing` Node's and msw's, the SPA entries TanStack's and React's).
  const consumer = join(tmp, 'consumer');
  const installed = join(consumer, 'node_modules/@stateset/browser');
  mkdirSync(installed, { recursive: true });
  mkdirSync(join(consumer, 'node_modules/@types'));
  mkdirSync(join(consumer, 'node_modules/@tanstack'));
  step('unpack', 'tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const name of ['ky', 'zod', 'vite', 'rollup', 'msw', '@types/node', '@tanstack/query-core', '@types/react', 'csstype']) symlinkSync(join(root, 'node_modules', name), join(consumer, 'node_modules', name), 'dir');
  cpSync(join(root, 'test/types'), consumer, { recursive: true });
  for (const resolution of ['bundler', 'node16', 'node10']) {
    step(`consumer types, moduleResolution "${resolution}"`, process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`], { cwd: consumer });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`\n✗ ${failures.join(', ')}`);
  process.exitCode = 1;
} else {
  console.log('\n✓ package checks passed');
}
