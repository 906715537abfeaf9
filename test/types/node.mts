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

// A merchant's tests: the stand-in as a server, and as MSW handlers.
import { parseFault, startStandIn, type Fault, type StandIn, type StandInOptions } from '@stateset/browser/testing';
import { createHandlers, handlers, standIn as mockApi, type StandInHandlers } from '@stateset/browser/testing/msw';
import type { HttpHandler } from 'msw';

const standInOptions: StandInOptions = { port: 0, plan: 'free', latency: { min: 10, max: 50 }, faults: ['GET /account/balance 503 x2', { path: /products/, status: 500 }], seed: 7 };
export const started: Promise<StandIn> = startStandIn(standInOptions);
export const fault: Fault = parseFault('/products 429 no-headers x20');
export const mswHandlers: HttpHandler[] = handlers;
export const custom: StandInHandlers = createHandlers({ apiBase: 'https://shop.example/api', faults: [fault] });
mockApi.fault('/account/balance close');
// @ts-expect-error a plan is free, starter, growth or limits
startStandIn({ plan: 'enterprise' });
// @ts-expect-error rateLimitHeaders is 'retry-after', 'all' or 'none'
mockApi.fault({ status: 429, rateLimitHeaders: 'some' });
