/**
 * The build-time scanner shared by the Vite/Rollup plugin and the `stateset-guard` CLI.
 * Node-only. Reports where a secret (`sk_`) or restricted (`rk_`) key sits in emitted text,
 * and never more of the key than its prefix (`sk_live_…`).
 *
 * Text is scanned in windows (files are read 8 MiB at a time), so no file is too large to scan.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_KEY_SOURCE, maskKey, redactSecrets } from '../key.js';
import { createFileFilter } from './glob.js';

/**
 * One secret key found in a file. `line` and `column` are 1-based; `column` counts UTF-16 code units.
 * A key in the file's name (or a folder's) is reported with `inFileName: true` and line and column 0.
 */
export interface Finding {
  /** The file's name, with any key in it cut to its prefix. */
  file: string;
  line: number;
  column: number;
  /** The safe prefix of the key, e.g. `sk_live_…`. Never the key itself. */
  prefix: string;
  /** Present when the key is in the file's path rather than its content. */
  inFileName?: true;
}

/** A key known to be a harmless test fixture: the exact key, or a pattern tested against the whole key. */
export type AllowEntry = string | RegExp;

export interface ScanTextOptions {
  /** Keys to ignore (exact strings, or RegExps tested against the whole key). */
  allow?: readonly AllowEntry[] | undefined;
}

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

/** Files are read and scanned this many bytes at a time. */
export const CHUNK_SIZE = 8 * 1024 * 1024;

/**
 * Characters each window of text shares with the next. Far longer than any key, so a key that
 * starts in a window ends in it too (and `allow` sees the whole key).
 */
const OVERLAP = 1024;

/** Characters kept before a window for the boundary check (`startsAtBoundary` looks back 6). */
const LOOKBEHIND = 16;

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

/** A place in a text: 1-based line and column. */
interface Location {
  line: number;
  column: number;
}

/** Counts lines over text that arrives in pieces; line breaks are `\n`, `\r\n` and `\r`. */
class LineCounter {
  private line = 1;
  private lineStart = 0;
  /** Offset (in the whole text) up to which lines are counted. */
  private counted = 0;
  private afterCarriageReturn = false;

  /** Counts the line breaks of `text` (which starts at offset `base` of the whole text) before offset `to`. */
  advance(text: string, base: number, to: number): void {
    for (let i = this.counted - base; i < to - base; i++) {
      const code = text.charCodeAt(i);
      if (code === 10) {
        if (!this.afterCarriageReturn) this.line++;
        this.lineStart = base + i + 1;
        this.afterCarriageReturn = false;
      } else if (code === 13) {
        this.line++;
        this.lineStart = base + i + 1;
        this.afterCarriageReturn = true;
      } else {
        this.afterCarriageReturn = false;
      }
    }
    this.counted = Math.max(this.counted, to);
  }

  /** The location of offset `at` (in the whole text), which must still be in `text`. */
  locate(text: string, base: number, at: number): Location {
    this.advance(text, base, at);
    return { line: this.line, column: at - this.lineStart + 1 };
  }
}

const INLINE_SOURCE_MAP_START = /sourceMappingURL=data:application\/json[^,\s]*;base64,/g;

const isBase64 = (code: number): boolean => isAlphanumeric(code) || code === 43 || code === 47 || code === 61; // + / =

/**
 * Finds keys in text that arrives in pieces (`push`, then `end`). Each piece is scanned except
 * its last {@link OVERLAP} characters, which are scanned with the next one; only a short tail is
 * kept, so memory stays flat however long the text. A base64 inline source map is decoded as it
 * streams by and scanned too; its keys are reported at the `sourceMappingURL` comment.
 */
class TextScanner {
  private buffer = '';
  /** Offset of `buffer[0]` in the whole text. */
  private base = 0;
  /** Index in `buffer` before which everything is scanned. */
  private position = 0;
  private readonly lines = new LineCounter();
  private readonly keyPattern = new RegExp(KEY_TOKEN_SOURCE, 'gi');
  private inlineMap: Base64Scanner | undefined;

  constructor(
    private readonly allow: readonly AllowEntry[],
    private readonly report: (location: Location, prefix: string) => void,
  ) {}

  push(text: string): void {
    this.buffer += text;
    this.scan(false);
    this.trim();
  }

  end(): void {
    this.scan(true);
    this.inlineMap?.end();
    this.inlineMap = undefined;
  }

  private scan(final: boolean): void {
    for (;;) {
      if (this.inlineMap) {
        this.position = this.inlineMap.consume(this.buffer, this.position);
        if (this.position === this.buffer.length && !final) return; // the map may go on in the next piece
        this.inlineMap.end();
        this.inlineMap = undefined;
      }
      const limit = final ? this.buffer.length : this.buffer.length - OVERLAP;
      if (limit <= this.position) return;
      const map = this.findInlineMap(limit);
      this.scanKeys(map ? map.index : limit);
      if (!map) return;
      const location = this.lines.locate(this.buffer, this.base, this.base + map.index);
      this.inlineMap = new Base64Scanner(new TextScanner(this.allow, (_, prefix) => this.report(location, prefix)));
      this.position = map.index + map[0].length;
    }
  }

  /** The next `sourceMappingURL=data:…;base64,` that starts before `limit`. */
  private findInlineMap(limit: number): RegExpExecArray | null {
    const start = this.buffer.indexOf('sourceMappingURL=data:', this.position);
    if (start === -1 || start >= limit) return null;
    INLINE_SOURCE_MAP_START.lastIndex = start;
    const match = INLINE_SOURCE_MAP_START.exec(this.buffer);
    return match && match.index < limit ? match : null;
  }

  /** Reports the keys that start before `stop`, and moves past them. */
  private scanKeys(stop: number): void {
    const pattern = this.keyPattern;
    pattern.lastIndex = this.position;
    let next = stop;
    for (let match = pattern.exec(this.buffer); match && match.index < stop; match = pattern.exec(this.buffer)) {
      if (startsAtBoundary(this.buffer, match.index) && !isAllowed(match[0], this.allow)) {
        this.report(this.lines.locate(this.buffer, this.base, this.base + match.index), maskKey(match[0]));
      }
      next = Math.max(next, match.index + match[0].length);
    }
    this.position = next;
  }

  /** Drops the scanned text but a few characters of context. */
  private trim(): void {
    const keep = Math.max(0, this.position - LOOKBEHIND);
    if (keep === 0) return;
    this.lines.advance(this.buffer, this.base, this.base + keep);
    this.buffer = this.buffer.slice(keep);
    this.base += keep;
    this.position -= keep;
  }
}

/** Decodes a base64 run (an inline source map) as it streams by and passes the text to a scanner. */
class Base64Scanner {
  private carry = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly target: TextScanner) {}

  /** Takes the base64 characters of `text` from `start` on; returns where they end. */
  consume(text: string, start: number): number {
    let end = start;
    while (end < text.length && isBase64(text.charCodeAt(end))) end++;
    const chars = this.carry + text.slice(start, end);
    const whole = chars.length - (chars.length % 4);
    this.carry = chars.slice(whole);
    if (whole > 0) this.target.push(this.decoder.decode(Buffer.from(chars.slice(0, whole), 'base64'), { stream: true }));
    return end;
  }

  end(): void {
    this.target.push(this.decoder.decode(Buffer.from(this.carry, 'base64')));
    this.target.end();
  }
}

/**
 * Finds every secret or restricted key in `text`, also inside base64 inline source maps
 * (`//# sourceMappingURL=data:application/json;base64,…`, reported at the comment).
 */
export function scanText(text: string, fileName: string, options: ScanTextOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const file = redactSecrets(fileName);
  const scanner = new TextScanner(options.allow ?? [], (location, prefix) => findings.push({ file, ...location, prefix }));
  scanner.push(text);
  scanner.end();
  return findings;
}

/**
 * Keys in a file's path (a file or folder named after a key ships that key in its URL).
 * Reported with `inFileName: true`, line and column 0, and the path redacted.
 */
export function scanFileName(fileName: string, options: ScanTextOptions = {}): Finding[] {
  return scanText(fileName, fileName, options).map(({ file, prefix }) => ({ file, line: 0, column: 0, prefix, inFileName: true }));
}

const BINARY_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'ico', 'bmp', 'tif', 'tiff', 'heic', 'psd',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'mp3', 'mp4', 'm4a', 'webm', 'ogg', 'oga', 'ogv', 'wav', 'flac', 'aac', 'mov', 'avi',
  'zip', 'gz', 'tgz', 'br', 'zst', 'bz2', 'xz', '7z', 'rar', 'tar',
  'wasm', 'pdf', 'exe', 'dll', 'so', 'dylib', 'node', 'bin', 'dat',
]);

/** Extensions of text files: scanned even when they hold a NUL byte. */
const TEXT_EXTENSIONS = new Set([
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'html', 'htm', 'xhtml', 'map', 'css',
  'json', 'jsonld', 'txt', 'svg', 'webmanifest', 'xml', 'md', 'csv', 'yaml', 'yml',
]);

const extensionOf = (fileName: string): string => {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot === -1 ? '' : base.slice(dot + 1).toLowerCase();
};

/** `true` for file names whose extension marks a binary file (images, fonts, media, archives, wasm). */
export function isBinaryFileName(fileName: string): boolean {
  return BINARY_EXTENSIONS.has(extensionOf(fileName));
}

/** `true` for file names whose extension marks a text file (JS, HTML, source maps, JSON, XML, …). */
export function isTextFileName(fileName: string): boolean {
  return TEXT_EXTENSIONS.has(extensionOf(fileName));
}

/** `true` when the first 8000 bytes hold a NUL byte, as in images and other binary files. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8000);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/**
 * The encoding of text that starts with `head`: UTF-16 with a byte order mark, or without one when
 * every other byte of the start is NUL (ASCII text in UTF-16); UTF-8 otherwise.
 */
function encodingOf(head: Uint8Array): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const pairs = Math.min(head.length, 1024) >> 1;
  if (pairs < 2) return 'utf-8';
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenNuls++;
    if (head[i + 1] === 0) oddNuls++;
  }
  if (oddNuls >= pairs * 0.9 && evenNuls <= pairs * 0.1) return 'utf-16le';
  if (evenNuls >= pairs * 0.9 && oddNuls <= pairs * 0.1) return 'utf-16be';
  return 'utf-8';
}

/** Decodes UTF-8, or UTF-16 (see `encodingOf`); a leading BOM is dropped so columns match what editors show. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder(encodingOf(bytes)).decode(bytes);
}

/**
 * Scans bytes that arrive in pieces. The first piece decides the encoding, and whether the file
 * is binary: a NUL byte in its first 8000 bytes, unless the name has a text extension or the
 * text is UTF-16. Returns `undefined` for a binary file.
 */
class ByteScanner {
  private decoder: TextDecoder | undefined;
  private readonly findings: Finding[] = [];
  private readonly text: TextScanner;

  constructor(
    private readonly fileName: string,
    options: ScanTextOptions,
  ) {
    const file = redactSecrets(fileName);
    this.text = new TextScanner(options.allow ?? [], (location, prefix) => this.findings.push({ file, ...location, prefix }));
  }

  /** Scans the next piece; `false` when the first piece shows a binary file (then stop). */
  push(bytes: Uint8Array): boolean {
    if (!this.decoder) {
      const encoding = encodingOf(bytes);
      if (encoding === 'utf-8' && !isTextFileName(this.fileName) && looksBinary(bytes)) return false;
      this.decoder = new TextDecoder(encoding);
    }
    this.text.push(this.decoder.decode(bytes, { stream: true }));
    return true;
  }

  end(): Finding[] {
    if (this.decoder) this.text.push(this.decoder.decode());
    this.text.end();
    return this.findings;
  }
}

/**
 * Scans an emitted asset's bytes (decoded as in `decodeText`); `undefined` for a binary asset
 * (by extension, or a NUL byte in the first 8000 bytes of a file without a text extension).
 */
export function scanBytes(bytes: Uint8Array, fileName: string, options: ScanTextOptions = {}): Finding[] | undefined {
  if (isBinaryFileName(fileName)) return undefined;
  const scanner = new ByteScanner(fileName, options);
  for (let start = 0; start < bytes.length || start === 0; start += CHUNK_SIZE) {
    if (!scanner.push(bytes.subarray(start, start + CHUNK_SIZE))) return undefined;
  }
  return scanner.end();
}

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

/** `file:line:column  prefix`, or `file  prefix (in the file name)`; keys in the file name are redacted. */
function formatFinding(finding: Finding): string {
  const file = redactSecrets(finding.file);
  if (finding.inFileName) return `${file}  ${finding.prefix} (in the file name)`;
  return `${file}:${finding.line}:${finding.column}  ${finding.prefix}`;
}

/** A human-readable report: one `file:line:column  prefix` line per finding, then how to fix it. */
export function formatReport(findings: readonly Finding[], options: FormatReportOptions = {}): string {
  if (findings.length === 0) return 'No secret keys found.';
  const limit = options.limit ?? 100;
  const count = findings.length === 1 ? 'a secret key' : `${findings.length} secret keys`;
  const lines = [`Found ${count} (sk_/rk_) in files that would be shipped to the browser:`];
  for (const finding of findings.slice(0, limit)) lines.push(`  ${formatFinding(finding)}`);
  if (findings.length > limit) lines.push(`  … and ${findings.length - limit} more`);
  lines.push(FIX_ADVICE);
  lines.push(
    `If a finding is a known test fixture and not a real key, ${options.allowHint ?? 'add it to the `allow` option'}.`,
  );
  return lines.join('\n');
}
