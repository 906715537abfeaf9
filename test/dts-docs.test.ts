/**
 * What an editor shows on hover comes from the published `.d.ts`: every field of every public options or parameters
 * interface must carry its description there (not only a tag: two JSDoc blocks on a field leave just the last one).
 */
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** Emits the declarations as `npm run build` does (tsconfig.build.json), in memory. */
function emitDeclarations(): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(config.fileNames, config.options);
  const files = new Map<string, string>();
  program.emit(undefined, (name, text) => { if (name.endsWith('.d.ts')) files.set(resolve(name), text); }, undefined, true);
  return files;
}

/** A program over the emitted files only (dependencies' types from node_modules). */
function programOver(files: Map<string, string>, entry: string): ts.Program {
  const options: ts.CompilerOptions = { strict: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(resolve(name)) || fileExists.call(host, name);
  host.directoryExists = (name) => [...files.keys()].some((file) => file.startsWith(`${resolve(name)}/`)) || ts.sys.directoryExists(name);
  host.readFile = (name) => files.get(resolve(name)) ?? readFile.call(host, name);
  host.getSourceFile = (name, version, ...rest) => {
    const text = files.get(resolve(name));
    return text === undefined ? getSourceFile.call(host, name, version, ...rest) : ts.createSourceFile(name, text, version);
  };
  return ts.createProgram([entry], options, host);
}

describe('the emitted .d.ts documents every public option', () => {
  const files = emitDeclarations();
  const entry = join(root, 'dist/index.d.ts');
  const program = programOver(files, entry);
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
  const optionTypes = exports.filter((symbol) => /(Options|Params)$/.test(symbol.name));

  it('finds the option and parameter interfaces in the emitted index.d.ts', () => {
    expect(dirname(entry)).toBe(join(root, 'dist'));
    expect(optionTypes.map((symbol) => symbol.name)).toEqual(expect.arrayContaining(['ClientOptions', 'CacheOptions', 'CallOptions', 'RequestOptions', 'ListParams', 'ListProductsParams']));
  });

  it('each field shows a description on hover, not only tags', () => {
    const undocumented: string[] = [];
    const seen: string[] = [];
    for (const symbol of optionTypes) {
      const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol));
      for (const property of checker.getPropertiesOfType(type)) {
        seen.push(`${symbol.name}.${property.name}`);
        const text = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
        if (text.length < 10) undocumented.push(`${symbol.name}.${property.name}`);
      }
    }
    // The fields were read from the emitted files (an unresolved import would leave none).
    expect(seen).toEqual(expect.arrayContaining(['ClientOptions.apiBase', 'ClientOptions.retry', 'CacheOptions.ttl', 'CallOptions.fresh', 'RequestOptions.query', 'ListParams.limit']));
    expect(undocumented).toEqual([]);
  });
});
