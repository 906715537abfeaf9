/**
 * `stateset-guard`: scans built files for secret (`sk_`) and restricted (`rk_`) keys.
 * The logic lives here so tests can run it in-process; `cli.ts` is the executable.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { redactSecrets } from '../key.js';
import { formatReport } from './report.js';
import { scanFileName, type AllowEntry, type Finding } from './scan.js';
import { scanDirectory, scanFile, type FileScanResult } from './scan-files.js';

export const USAGE = `Usage: stateset-guard [options] <dir-or-file>...

Scans built files (JS, MJS, CJS, HTML, source maps, CSS, JSON, TXT, SVG, webmanifest, XML by
default; any size) and all file names for StateSet secret (sk_) and restricted (rk_) keys.
Exits 1 on a finding, 0 when clean, 2 on a usage error or when a folder has no file to scan.

Options:
  --json            print {"ok": boolean, "findings": [{"file", "line", "column", "prefix"}]}
                    (a key in a file name: "inFileName": true, line and column 0)
  --warn            report findings but exit 0
  --include <glob>  scan only matching files (repeatable; relative to each folder; any case)
  --exclude <glob>  skip matching files and their names (repeatable)
  --allow <key>     ignore this known test-fixture key (repeatable; /regex/flags also accepted)
  -h, --help        show this help`;

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

interface ParsedArgs {
  json: boolean;
  warn: boolean;
  help: boolean;
  include: string[];
  exclude: string[];
  allow: AllowEntry[];
  paths: string[];
}

class UsageError extends Error {}

function parseAllow(value: string): AllowEntry {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(value);
  if (!regex) return value;
  try {
    return new RegExp(regex[1]!, regex[2]);
  } catch {
    throw new UsageError(`--allow: invalid regular expression ${value}`);
  }
}

function parseArgs(args: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { json: false, warn: false, help: false, include: [], exclude: [], allow: [], paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.paths.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const takeValue = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      return value;
    };
    switch (name) {
      case '--json':
        parsed.json = true;
        break;
      case '--warn':
        parsed.warn = true;
        break;
      case '-h':
      case '--help':
        parsed.help = true;
        break;
      case '--include':
        parsed.include.push(takeValue());
        break;
      case '--exclude':
        parsed.exclude.push(takeValue());
        break;
      case '--allow':
        parsed.allow.push(parseAllow(takeValue()));
        break;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  return parsed;
}

/** A path as printed: forward slashes, and any key in it cut to its prefix. */
const toDisplay = (...parts: string[]): string => redactSecrets(path.join(...parts).split(path.sep).join('/'));

/** Files of one target by what was done with them. */
type Counts = Record<FileScanResult, number>;

/** Why a target yielded no file to scan: a wrong folder or globs would otherwise pass as clean. */
function nothingScanned(target: string, kind: 'file' | 'dir', counts: Counts, parsed: ParsedArgs): string {
  const name = toDisplay(target);
  if (kind === 'file') return `${name} was not scanned: it is a binary file (by its extension or content)`;
  if (counts.binary > 0) {
    return `nothing scanned in ${name}: the ${counts.binary} matching file${counts.binary === 1 ? ' is' : 's are'} binary`;
  }
  const include = parsed.include.length
    ? `--include ${parsed.include.map(redactSecrets).join(', ')}`
    : 'the default --include (JS, MJS, CJS, HTML, source maps, CSS, JSON, TXT, SVG, webmanifest, XML)';
  const exclude = parsed.exclude.length ? ` and not --exclude ${parsed.exclude.map(redactSecrets).join(', ')}` : '';
  return `nothing scanned in ${name}: no file in it matches ${include}${exclude}; check the folder (is it the build output?) and the globs`;
}

/** Runs the CLI and resolves to its exit code. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // Arguments are echoed with keys cut to their prefix: a key may be passed by mistake.
    io.stderr.write(`stateset-guard: ${redactSecrets(error.message)}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.paths.length === 0) {
    io.stderr.write(`stateset-guard: no folder or file to scan\n\n${USAGE}\n`);
    return 2;
  }

  const kinds = new Map<string, 'file' | 'dir'>();
  for (const target of parsed.paths) {
    const info = await stat(target).catch(() => undefined);
    if (!info || !(info.isFile() || info.isDirectory())) {
      io.stderr.write(`stateset-guard: no such file or folder: ${redactSecrets(target)}\n`);
      return 2;
    }
    kinds.set(target, info.isDirectory() ? 'dir' : 'file');
  }

  const findings: Finding[] = [];
  const problems: string[] = [];
  let scanned = 0;
  try {
    for (const [target, kind] of kinds) {
      const counts: Counts = { scanned: 0, binary: 0 };
      const options = {
        allow: parsed.allow,
        include: parsed.include.length ? parsed.include : undefined,
        exclude: parsed.exclude,
        onFile: (_file: string, result: FileScanResult) => void counts[result]++,
      };
      if (kind === 'file') {
        // A file named on the command line is scanned whatever include/exclude say.
        const inName = scanFileName(path.basename(target), options);
        findings.push(...inName.map((finding) => ({ ...finding, file: toDisplay(target) })));
        findings.push(...(await scanFile(target, toDisplay(target), options)));
      } else {
        const found = await scanDirectory(target, options);
        findings.push(...found.map((finding) => ({ ...finding, file: toDisplay(target, finding.file) })));
      }
      scanned += counts.scanned;
      if (counts.scanned === 0) problems.push(nothingScanned(target, kind, counts, parsed));
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = redactSecrets((error as Error).message);
    io.stderr.write(`stateset-guard: could not read files${code ? ` (${code})` : ''}: ${message}\n`);
    return 2;
  }

  if (parsed.json) {
    const ok = findings.length === 0 && problems.length === 0;
    io.stdout.write(`${JSON.stringify({ ok, findings }, null, 2)}\n`);
  } else if (findings.length > 0) {
    const report = formatReport(findings, { allowHint: 'pass it with --allow <key>' });
    io.stdout.write(`${parsed.warn ? 'Warning: ' : ''}${report}\n`);
  } else if (problems.length === 0) {
    io.stdout.write(`stateset-guard: no secret keys found (${scanned} file${scanned === 1 ? '' : 's'} scanned).\n`);
  }
  for (const problem of problems) io.stderr.write(`stateset-guard: ${problem}\n`);
  if (findings.length > 0 && !parsed.warn) return 1;
  return problems.length > 0 ? 2 : 0;
}
