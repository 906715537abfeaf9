/**
 * A tiny glob matcher for emitted file names (`assets/index-abc.js`). Node-only build tooling.
 *
 * Node's `path.matchesGlob` exists in Node 20.17+ but prints an ExperimentalWarning on first use
 * (checked on 20.20), so this small matcher is used instead. Supported syntax:
 * - `*` any run of characters except `/`; `?` one character except `/`
 * - `**` any number of path segments (`**\/*.js`, `assets/**`)
 * - `{a,b}` alternatives, which may nest and hold other wildcards (`*.{js,map}`)
 * - a pattern without `/` is matched against the base name, anywhere in the tree
 *   (`*.map` matches `assets/index.js.map`), as in `.gitignore`
 * Every other character is literal; `\` is treated as `/` so Windows-style patterns work.
 * Matching ignores case (`*.js` matches `APP.JS`): servers on case-insensitive file systems serve
 * either spelling, and the scanner had better scan too much than too little.
 */

/** Compiles `glob` to an anchored, case-insensitive regular expression over forward-slash file names. */
export function globToRegExp(glob: string): RegExp {
  const pattern = normalizeFileName(glob);
  const body = translate(pattern);
  return new RegExp(pattern.includes('/') ? `^${body}$` : `^(?:.*/)?${body}$`, 'i');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function translate(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        const next = pattern[i + 2];
        if (atSegmentStart && next === '/') {
          out += '(?:.*/)?'; // `**/`: zero or more whole segments
          i += 3;
          continue;
        }
        if (atSegmentStart && next === undefined) {
          out += '.*'; // trailing `**`: everything below
          i += 2;
          continue;
        }
        out += '[^/]*'; // `a**b` is just `a*b`
        i += 2;
        continue;
      }
      out += '[^/]*';
      i += 1;
      continue;
    }
    if (char === '?') {
      out += '[^/]';
      i += 1;
      continue;
    }
    if (char === '{') {
      const close = findClosingBrace(pattern, i);
      if (close !== -1) {
        const alternatives = splitTopLevel(pattern.slice(i + 1, close));
        out += `(?:${alternatives.map(translate).join('|')})`;
        i = close + 1;
        continue;
      }
    }
    out += escapeRegExp(char);
    i += 1;
  }
  return out;
}

function findClosingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i];
    if (char === '{') depth++;
    else if (char === '}') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

/** `true` when `fileName` matches `glob` (see the module comment for the syntax). */
export function matchesGlob(fileName: string, glob: string): boolean {
  return globToRegExp(glob).test(normalizeFileName(fileName));
}

/** Forward slashes, no leading `./`. */
export function normalizeFileName(fileName: string): string {
  let name = fileName.replace(/\\/g, '/');
  while (name.startsWith('./')) name = name.slice(2);
  return name;
}

/** Builds `(fileName) => boolean`: matches any of `include` and none of `exclude`. */
export function createFileFilter(
  include: string | readonly string[],
  exclude: string | readonly string[] = [],
): (fileName: string) => boolean {
  const toRegExps = (globs: string | readonly string[]): RegExp[] =>
    (typeof globs === 'string' ? [globs] : globs).map(globToRegExp);
  const includes = toRegExps(include);
  const excludes = toRegExps(exclude);
  return (fileName) => {
    const name = normalizeFileName(fileName);
    return includes.some((re) => re.test(name)) && !excludes.some((re) => re.test(name));
  };
}
