// A server or build script's view: `.` for SSR and `./build` for the secret-key guard.
import { createClient, getBalance, type Balance } from '@stateset/browser';
import { formatReport, scanText, secretKeyGuard, type Finding, type SecretKeyGuardOptions } from '@stateset/browser/build';

export const ssr = async (): Promise<Balance> => getBalance(createClient({ publishableKey: 'pk_test_123', fetch: globalThis.fetch }));

const guardOptions: SecretKeyGuardOptions = { mode: 'warn', allow: ['pk_test_fixture', /^sk_test_fixture\w*$/] };
export const plugin = secretKeyGuard(guardOptions);
export const pluginName: string = plugin.name;
const findings: Finding[] = scanText('const a = 1;', 'assets/index.js');
export const report: string = formatReport(findings);
// @ts-expect-error mode is 'error' or 'warn'
secretKeyGuard({ mode: 'loud' });
// @ts-expect-error a finding carries no key, only its prefix
export const key: string = findings[0]!.key;
