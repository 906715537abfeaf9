/**
 * The text scanner under the Vite/Rollup plugin and the `stateset-guard` CLI: where a secret (`sk_`)
 * or restricted (`rk_`) key sits in text, never more of the key than its prefix (`sk_live_…`).
 * Bytes and encodings are `scan-bytes.ts`'s, files and folders `scan-files.ts`'s, reports `report.ts`'s.
 *
 * Text is scanned in windows (files are read 8 MiB at a time), so no text is too long to scan.
 */
import { SECRET_KEY_SOURCE, maskKey, redactSecrets } from '../key.js';

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
  /**
   * Where the key came from, when the file is a chunk with a source map: the original file (relative to
   * the project root, keys redacted), 1-based line and column.
   */
  source?: { file: string; line: number; column: number };
}

/** A key known to be a harmless test fixture: the exact key, or a pattern tested against the whole key. */
export type AllowEntry = string | RegExp;

export interface ScanTextOptions {
  /** Keys to ignore (exact strings, or RegExps tested against the whole key). */
  allow?: readonly AllowEntry[] | undefined;
}

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
export interface Location {
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
export class TextScanner {
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

