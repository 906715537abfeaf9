// @vitest-environment node
/**
 * Every ```ts block of the README compiles, as a reader would paste it: each block is a module of its own
 * that imports what it uses from `@stateset/browser` (resolved to src/), under the strict settings the
 * README promises. Only the names a snippet leaves to the reader's own page are declared for it (PAGE).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { packageEntries, root } from '../scripts/bundles.js';

/** Every published subpath (`@stateset/browser/…`) resolved to the source it is built from, as a reader's bundler would find its types. */
function sourcePaths(): Record<string, string[]> {
  const entries = packageEntries();
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
    if (typeof target === 'string') continue;
    const js = target.default ?? target.node ?? '';
    const name = js.replace(/^\.\/dist\/(.*)\.js$/, '$1');
    const source = entries[name] ?? (target.types ?? '').replace(/^\.\/dist\//, './');
    paths[`@stateset/browser${subpath.slice(1)}`] = [source.startsWith('.') ? source : `./${source}`];
  }
  return paths;
}

/** The reader's own things that snippets use without defining: the client of the Quick start, their widgets, views, an id, their framework. */
const PAGE = `
declare const client: import('@stateset/browser').Client;
declare const widgets: readonly unknown[];
declare function showNotFound(): void;
declare const id: string;
// Frameworks a snippet declares the widget for, which this repository does not install: the names it uses.
declare module 'vue' { export type DefineComponent<Props> = { new (): { $props: Props } }; export interface GlobalComponents {} }
declare module 'svelte/elements' { export interface SvelteHTMLElements {} }
`;

/** The ```ts blocks of a Markdown text, with the line each starts on. */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const pattern = /^```ts\n([\s\S]*?)^```$/gm;
  for (let match = pattern.exec(markdown); match; match = pattern.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, code: match[1]! });
  }
  return blocks;
}

/** Type errors of each snippet, as `README.md:<line>: <message>`. */
function compile(markdown: string): string[] {
  const blocks = tsBlocks(markdown);
  const files = new Map<string, string>(blocks.map(({ line, code }) => [join(root, `readme-snippet-${line}.ts`), code]));
  files.set(join(root, 'readme-page.d.ts'), PAGE);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    skipLibCheck: true,
    paths: sourcePaths(),
    baseUrl: root,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const line = Number(/readme-snippet-(\d+)\.ts$/.exec(diagnostic.file!.fileName)?.[1] ?? 0);
      const at = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
      return `README.md:${line + at + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
}

describe('README', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('has ts snippets to check (the Quick start, the Errors section and the build guard among them)', () => {
    const blocks = tsBlocks(readme).map(({ code }) => code);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks.some((code) => code.includes('isStateSetError(error)'))).toBe(true);
  });

  it('compiles every ts snippet on its own, with its own imports (and reports one that lacks an import, at its line)', () => {
    // A snippet of our own after the README's, known to be wrong: proof that errors are found and placed.
    const lines = readme.split('\n').length;
    const wrong = '\n```ts\nawait getBalance(client);\nexport {};\n```\n';
    expect(compile(readme + wrong)).toEqual([`README.md:${lines + 2}: Cannot find name 'getBalance'.`]);
  }, 60_000);
});
