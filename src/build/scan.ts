/**
 * The build-time scanner shared by the Vite/Rollup plugin and the `stateset-guard` CLI.
 * Node-only. Reports where a secret (`sk_`) or restricted (`rk_`) key sits in emitted text,
 * and never more of the key than its prefix (`sk_live_…`).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_KEY_SOURCE, maskKey } from '../key.js';
import { createFileFilter } from './glob.js';

/** One secret key found in a file. `line` and `column` are 1-based; `column` counts UTF-16 code units. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  /** The safe prefix of the key, e.g. `sk_live_…`. Never the key itself. */
  prefix: string;
}

/** A key known to be a harmless test fixture: the exact key, or a pattern tested against the whole key. */
export type AllowEntry = string | RegExp;

export interface ScanTextOptions {
  /** Keys to ignore (exact strings, or RegExps tested against the whole key). */
  allow?: readonly AllowEntry[] | undefined;
}

export type FileScanResult = 'scanned' | 'binary' | 'too-large';

export interface ScanDirectoryOptions extends ScanTextOptions {
  /** Globs over paths relative to the scanned folder. Default: {@link DEFAULT_INCLUDE}. */
  include?: string | readonly string[] | undefined;
  /** Globs over paths relative to the scanned folder. Default: none. */
  exclude?: string | readonly string[] | undefined;
  /** Files larger than this many bytes are skipped (reported through `onFile`). Default 32 MiB. */
  maxFileSize?: number | undefined;
  /** Called for each file that passed include/exclude, with what was done with it. */
  onFile?: ((file: string, result: FileScanResult) => void) | undefined;
}

/** The kinds of files scanned by default: JS, MJS, CJS, HTML, source maps, CSS, JSON, TXT and SVG. */
export const DEFAULT_INCLUDE: readonly string[] = ['**/*.{js,mjs,cjs,html,htm,map,css,json,txt,svg}'];

export const DEFAULT_MAX_FILE_SIZE = 32 * 1024 * 1024;

/**
 * The whole key token, built from the runtime pattern in `key.ts` (one source of truth for the prefix).
 */
const KEY_TOKEN_SOURCE = `${SECRET_KEY_SOURCE}[a-z0-9]*`;

const isAlphanumeric = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/** An escape sequence (`\n`, `\x20`, `\u0020`, `%20`) that ends right before the key. */
const ESCAPE_BEFORE = /(?:\\[nrtbfv0]|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|%[0-9a-f]{2})$/i;

/**
 * Unlike the runtime check in `key.ts` (which refuses `xsk_live_…` on purpose, as it only ever
 * sees a value meant to be a key), the build scanner reads whole bundles, full of identifiers
 * such as `mask_test_value` or `task_live_count` that contain `sk_test_`/`sk_live_`. So here a
 * key only counts when it starts at a boundary: the start of the text, a character that is not
 * an ASCII letter or digit (quotes, spaces, `=`, `:`, `_`, `/`, …), or an escape sequence such
 * as `\n` or `%20` (a key at the start of a line inside a JSON-escaped `sourcesContent` string
 * reads `…\nsk_live_…`). `_` counts as a boundary, so `MY_sk_live_…` is still reported.
 */
function startsAtBoundary(text: string, index: number): boolean {
  if (index === 0 || !isAlphanumeric(text.charCodeAt(index - 1))) return true;
  return ESCAPE_BEFORE.test(text.slice(Math.max(0, index - 6), index));
}

function isAllowed(key: string, allow: readonly AllowEntry[]): boolean {
  return allow.some((entry) => {
    if (typeof entry === 'string') return entry === key;
    entry.lastIndex = 0;
    return entry.test(key);
  });
}

/** Maps an offset to a 1-based line and column; line breaks are `\n`, `\r\n` and `\r`. */
function createLocator(text: string): (index: number) => { line: number; column: number } {
  let lineStarts: number[] | undefined;
  return (index) => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) lineStarts.push(i + 1);
      }
    }
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: index - lineStarts[low]! + 1 };
  };
}

const INLINE_SOURCE_MAP = /sourceMappingURL=data:application\/json[^,\s]*;base64,([A-Za-z0-9+/]+={0,2})/g;

/**
 * Finds every secret or restricted key in `text`, also inside base64 inline source maps
 * (`//# sourceMappingURL=data:application/json;base64,…`, reported at the comment).
 */
export function scanText(text: string, fileName: string, options: ScanTextOptions = {}): Finding[] {
  const allow = options.allow ?? [];
  const locate = createLocator(text);
  const found: Array<{ index: number; prefix: string }> = [];
  for (const match of text.matchAll(new RegExp(KEY_TOKEN_SOURCE, 'gi'))) {
    if (startsAtBoundary(text, match.index) && !isAllowed(match[0], allow)) {
      found.push({ index: match.index, prefix: maskKey(match[0]) });
    }
  }
  if (text.includes('sourceMappingURL=data:')) {
    for (const match of text.matchAll(INLINE_SOURCE_MAP)) {
      const map = Buffer.from(match[1]!, 'base64').toString('utf8');
      for (const inner of scanText(map, fileName, options)) found.push({ index: match.index, prefix: inner.prefix });
    }
    found.sort((a, b) => a.index - b.index);
  }
  return found.map(({ index, prefix }) => ({ file: fileName, ...locate(index), prefix }));
}

const BINARY_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'ico', 'bmp', 'tif', 'tiff', 'heic', 'psd',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'mp3', 'mp4', 'm4a', 'webm', 'ogg', 'oga', 'ogv', 'wav', 'flac', 'aac', 'mov', 'avi',
  'zip', 'gz', 'tgz', 'br', 'zst', 'bz2', 'xz', '7z', 'rar', 'tar',
  'wasm', 'pdf', 'exe', 'dll', 'so', 'dylib', 'node', 'bin', 'dat',
]);

/** `true` for file names whose extension marks a binary file (images, fonts, media, archives, wasm). */
export function isBinaryFileName(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.');
  return dot !== -1 && BINARY_EXTENSIONS.has(fileName.slice(dot + 1).toLowerCase());
}

/** `true` when the first 8000 bytes hold a NUL byte, as in images and other binary files. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8000);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decodes UTF-8 (a leading BOM is dropped so columns match what editors show). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Scans one file on disk; `displayName` becomes `Finding.file`. Binary files (by extension or
 * content) and files over `maxFileSize` are skipped and reported through `onFile`.
 */
export async function scanFile(
  filePath: string,
  displayName: string,
  options: ScanDirectoryOptions = {},
): Promise<Finding[]> {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (isBinaryFileName(filePath)) {
    options.onFile?.(displayName, 'binary');
    return [];
  }
  if ((await stat(filePath)).size > maxFileSize) {
    options.onFile?.(displayName, 'too-large');
    return [];
  }
  const bytes = await readFile(filePath);
  if (looksBinary(bytes)) {
    options.onFile?.(displayName, 'binary');
    return [];
  }
  options.onFile?.(displayName, 'scanned');
  return scanText(decodeText(bytes), displayName, options);
}

/** Every file below `dir`, as sorted forward-slash paths relative to it. Symlinked folders are not followed. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) files.push(relative);
    else if (entry.isSymbolicLink()) {
      const target = await stat(path.join(dir, relative)).catch(() => undefined);
      if (target?.isFile()) files.push(relative);
    }
  }
  return files;
}

/**
 * Scans every file below `dir` that matches `include` and not `exclude` (globs over paths relative
 * to `dir`). `Finding.file` is that relative path, with forward slashes.
 */
export async function scanDirectory(dir: string, options: ScanDirectoryOptions = {}): Promise<Finding[]> {
  const filter = createFileFilter(options.include ?? DEFAULT_INCLUDE, options.exclude ?? []);
  const findings: Finding[] = [];
  for (const file of await listFiles(dir)) {
    if (filter(file)) findings.push(...(await scanFile(path.join(dir, file), file, options)));
  }
  return findings;
}

/** What to do about an exposed key. Shared by the plugin and the CLI. */
export const FIX_ADVICE =
  'Fix: use the publishable key (pk_…) in browser code; rotate the exposed secret key in the StateSet dashboard, ' +
  'since it may already have been published.';

export interface FormatReportOptions {
  /** How to mark a finding as a known test fixture, e.g. "pass it with --allow". */
  allowHint?: string | undefined;
  /** At most this many findings are listed (the count is always complete). Default 100. */
  limit?: number | undefined;
}

/** A human-readable report: one `file:line:column  prefix` line per finding, then how to fix it. */
export function formatReport(findings: readonly Finding[], options: FormatReportOptions = {}): string {
  if (findings.length === 0) return 'No secret keys found.';
  const limit = options.limit ?? 100;
  const count = findings.length === 1 ? 'a secret key' : `${findings.length} secret keys`;
  const lines = [`Found ${count} (sk_/rk_) in files that would be shipped to the browser:`];
  for (const finding of findings.slice(0, limit)) {
    lines.push(`  ${finding.file}:${finding.line}:${finding.column}  ${finding.prefix}`);
  }
  if (findings.length > limit) lines.push(`  … and ${findings.length - limit} more`);
  lines.push(FIX_ADVICE);
  lines.push(
    `If a finding is a known test fixture and not a real key, ${options.allowHint ?? 'add it to the `allow` option'}.`,
  );
  return lines.join('\n');
}
