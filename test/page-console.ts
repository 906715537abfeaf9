/**
 * Setup file of the unit tests. happy-dom writes to its page console what a browser shows in devtools:
 * `GET <url> 503 (Service Unavailable)` for every answer that is not 2xx, and the stack of every network
 * error (ECONNREFUSED, socket hang up). The tests provoke those on purpose, and printed they bury a real
 * failure. So what each test's page console receives is kept instead, printed only when that test fails,
 * and `pageConsole()` returns it for a test to assert on. (happy-dom writes to Node's own console, which
 * Vitest's captured `console` is not: code under test logging through `console` is not affected.)
 */
import nodeConsole from 'node:console';
import { format } from 'node:util';
import { afterEach, beforeEach } from 'vitest';

let lines: string[] = [];

/** What the page console received during the current test, one line per call (errors as `name: message`). */
export const pageConsole = (): readonly string[] => lines;

const line = (args: unknown[]): string =>
  args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : format('%s', arg))).join(' ');

// Replaced by hand, not with vi.spyOn: tests that call vi.restoreAllMocks() must not undo it midway.
const methods = ['error', 'warn', 'log', 'info'] as const;
const originals = Object.fromEntries(methods.map((method) => [method, nodeConsole[method]]));

beforeEach(({ onTestFailed }) => {
  lines = [];
  for (const method of methods) nodeConsole[method] = (...args: unknown[]) => void lines.push(line(args));
  onTestFailed(() => {
    if (lines.length) process.stderr.write(`page console of the failed test:\n${lines.map((text) => `  ${text}`).join('\n')}\n`);
  });
});

afterEach(() => {
  Object.assign(nodeConsole, originals);
});
