/**
 * Bytes to text for the scanner: which files are binary (by extension or content), which encoding a
 * text file has (UTF-8, or UTF-16 with or without a byte order mark), decoded piece by piece.
 */
import { redactSecrets } from '../key.js';
import { TextScanner, type Finding, type ScanTextOptions } from './scan.js';

/** Files are read and scanned this many bytes at a time. */
export const CHUNK_SIZE = 8 * 1024 * 1024;

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

/**
 * Scans bytes that arrive in pieces. The first piece decides the encoding (see `encodingOf`; a leading
 * BOM is dropped so columns match what editors show), and whether the file is binary: a NUL byte in
 * its first 8000 bytes, unless the name has a text extension or the text is UTF-16.
 */
export class ByteScanner {
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
 * Scans an emitted asset's bytes (decoded as `ByteScanner` does); `undefined` for a binary asset
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

