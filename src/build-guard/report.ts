/** The human-readable report of findings, shared by the plugin and the CLI. */
import { redactSecrets } from '../key.js';
import type { Finding } from './scan.js';

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

/**
 * `file:line:column  prefix`, or `file  prefix (in the file name)`; with a source map, the original place
 * first: `src/main.ts:3:15  prefix  (assets/index-abc.js:1:9127)`. Keys in file names are redacted.
 */
function formatFinding(finding: Finding): string {
  const file = redactSecrets(finding.file);
  if (finding.inFileName) return `${file}  ${finding.prefix} (in the file name)`;
  const { source } = finding;
  if (source) return `${redactSecrets(source.file)}:${source.line}:${source.column}  ${finding.prefix}  (${file}:${finding.line}:${finding.column})`;
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
