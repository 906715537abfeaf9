/**
 * Files and folders for the scanner: one file read {@link CHUNK_SIZE} bytes at a time, a folder walked
 * (symlinked folders followed once), include/exclude globs applied, file and folder names scanned too.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createFileFilter } from './glob.js';
import { scanFileName, type Finding, type ScanTextOptions } from './scan.js';
import { ByteScanner, CHUNK_SIZE, isBinaryFileName } from './scan-bytes.js';

/** What was done with a file: its text scanned, or skipped as binary (by extension or content). */
export type FileScanResult = 'scanned' | 'binary';

export interface ScanDirectoryOptions extends ScanTextOptions {
  /** Globs over paths relative to the scanned folder, case-insensitive. Default: {@link DEFAULT_INCLUDE}. */
  include?: string | readonly string[] | undefined;
  /** Globs over paths relative to the scanned folder, case-insensitive. Default: none. */
  exclude?: string | readonly string[] | undefined;
  /** Called for each file that passed include/exclude, with what was done with it. */
  onFile?: ((file: string, result: FileScanResult) => void) | undefined;
}

/** The kinds of files scanned by default: JS, MJS, CJS, HTML, source maps, CSS, JSON, TXT, SVG, web manifests and XML. */
export const DEFAULT_INCLUDE: readonly string[] = ['**/*.{js,mjs,cjs,html,htm,map,css,json,txt,svg,webmanifest,xml}'];

/**
 * Scans one file on disk, {@link CHUNK_SIZE} bytes at a time (no file is too large);
 * `displayName` becomes `Finding.file` (redacted). Binary files (by extension or content) are
 * skipped and reported through `onFile`.
 */
export async function scanFile(
  filePath: string,
  displayName: string,
  options: ScanDirectoryOptions = {},
): Promise<Finding[]> {
  if (isBinaryFileName(filePath)) {
    options.onFile?.(displayName, 'binary');
    return [];
  }
  const scanner = new ByteScanner(displayName, options);
  const handle = await open(filePath, 'r');
  try {
    const chunk = new Uint8Array(Math.min(CHUNK_SIZE, Math.max((await handle.stat()).size, 64 * 1024)));
    let bytesRead: number;
    do {
      ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      if (!scanner.push(chunk.subarray(0, bytesRead))) {
        options.onFile?.(displayName, 'binary');
        return [];
      }
    } while (bytesRead > 0);
  } finally {
    await handle.close();
  }
  options.onFile?.(displayName, 'scanned');
  return scanner.end();
}

/**
 * Every file below `dir`, as sorted forward-slash paths relative to it. Symlinked folders are
 * followed (Vite copies their contents), each real folder once, so a link loop ends.
 */
async function listFiles(dir: string, prefix = '', visited = new Set<string>()): Promise<string[]> {
  const real = await realpath(path.join(dir, prefix));
  if (visited.has(real)) return [];
  visited.add(real);
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path.join(dir, relative)).catch(() => undefined);
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDirectory) files.push(...(await listFiles(dir, relative, visited)));
    else if (isFile) files.push(relative);
  }
  return files;
}

/**
 * Scans every file below `dir` that matches `include` and not `exclude` (case-insensitive globs
 * over paths relative to `dir`), and the paths of all files not excluded, for keys in a file or
 * folder name. `Finding.file` is that relative path, with forward slashes and keys redacted.
 */
export async function scanDirectory(dir: string, options: ScanDirectoryOptions = {}): Promise<Finding[]> {
  const exclude = options.exclude ?? [];
  const filter = createFileFilter(options.include ?? DEFAULT_INCLUDE, exclude);
  const notExcluded = createFileFilter('**', exclude);
  const findings: Finding[] = [];
  for (const file of await listFiles(dir)) {
    if (notExcluded(file)) findings.push(...scanFileName(file, options));
    if (filter(file)) findings.push(...(await scanFile(path.join(dir, file), file, options)));
  }
  return findings;
}

