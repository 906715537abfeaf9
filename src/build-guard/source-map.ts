/**
 * Where a place in an emitted chunk came from, read from the chunk's source map (version 3), so a
 * finding can name the file a developer edits (`src/main.ts:3:15`) besides the hashed chunk.
 */

/** The part of a source map this reads. */
export interface SourceMapLike {
  sources?: readonly (string | null)[];
  sourceRoot?: string | undefined;
  mappings?: string;
}

/** A place in an original source: `source` as the map names it, 1-based line and column. */
export interface OriginalPosition {
  source: string;
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The segments of one generated line: [generated column, source index, original line, original column], all 0-based. */
type Segment = [number, number, number, number];

/** Decodes `mappings` into segments per generated line (segments without a source are left out). */
function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  for (const line of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    for (const text of line.split(',')) {
      if (!text) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of text) {
        const digit = BASE64.indexOf(char);
        if (digit === -1) return lines; // not a source map we can read: no mapping rather than a wrong one
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0] ?? 0;
      if (values.length >= 4) {
        source += values[1]!;
        originalLine += values[2]!;
        originalColumn += values[3]!;
        segments.push([column, source, originalLine, originalColumn]);
      }
    }
    lines.push(segments.sort((a, b) => a[0] - b[0]));
  }
  return lines;
}

/**
 * Builds a lookup from a generated place (1-based line and column, in UTF-16 code units) to where it came
 * from: the segment at or before it on its line. `undefined` when the map says nothing about that place.
 */
export function createSourceLookup(map: SourceMapLike): (line: number, column: number) => OriginalPosition | undefined {
  let lines: Segment[][] | undefined;
  return (line, column) => {
    lines ??= decodeMappings(map.mappings ?? '');
    const segments = lines[line - 1] ?? [];
    let found: Segment | undefined;
    for (const segment of segments) {
      if (segment[0] > column - 1) break;
      found = segment;
    }
    const source = found && map.sources?.[found[1]];
    if (!found || typeof source !== 'string') return undefined;
    const root = map.sourceRoot ? `${map.sourceRoot.replace(/\/?$/, '/')}` : '';
    // Within a segment (a string literal copied as it was), the offset from its start carries over.
    return { source: root + source, line: found[2] + 1, column: found[3] + (column - 1 - found[0]) + 1 };
  };
}
