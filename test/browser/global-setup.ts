/**
 * Once per run: make sure `dist/cdn/` is current (runs `npm run build` when it is missing or older
 * than `src/`), then start the selected engines (engines/launch.ts: Debian's Chromium, Firefox ESR and
 * WebKitGTK, never a downloaded browser) that every test file connects to; each test opens its own
 * context. An engine that is selected but not installed fails the run here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEngines } from './engines/launch.js';
import { selectedEngines } from './engines/select.js';
import { cdnDir, root } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wsEndpoint: string;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when `dist/cdn/` is missing or older than `src/` (the browser suite and `npm run bench`'s tab rows). */
export function ensureBuild(): void {
  const built = ['stateset.js', 'widget.js', 'integrity.json'].map((name) => join(cdnDir, name));
  const oldest = Math.min(...built.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  if (oldest > newestMtime(join(root, 'src'))) return;
  console.log('[browser] dist/cdn is missing or older than src/: running npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
  const missing = built.filter((file) => !existsSync(file));
  if (missing.length) throw new Error(`npm run build did not write ${missing.join(', ')}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!process.env.STATESET_CDN_DIR) ensureBuild();
  const engines = selectedEngines();
  const running = await startEngines(engines);
  console.log(`[browser] engines: ${engines.join(', ')}`);
  project.provide('engines', running.endpoints);
  // The Chromium-only files (harness.ts) connect to the same Chromium.
  if (running.endpoints.chromium) project.provide('wsEndpoint', running.endpoints.chromium);
  return () => running.stop();
}
