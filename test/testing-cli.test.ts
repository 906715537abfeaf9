// @vitest-environment node
/** `stateset-stand-in`: flags (faults above all), what it prints, and the executable itself. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/index.js';
import { root } from '../scripts/bundles.js';
import { parseCliArgs, runCli, USAGE } from '../src/testing/run-cli.js';

const auth = { authorization: 'Bearer pk_test_cli1' };
const io = () => {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (text: string) => { out.stdout += text; } }, stderr: { write: (text: string) => { out.stderr += text; } } } };
};

describe('parseCliArgs', () => {
  it('parses repeated --fault flags in order, --latency, --plan, --port and --seed', () => {
    const options = parseCliArgs(['--port', '0', '--plan', 'free', '--fault', 'GET /account/balance 503 x2', '--fault', '/products 429 no-headers', '--latency', '50', '--seed', '9']);
    expect(options).toMatchObject({ port: 0, plan: 'free', latency: 50, seed: 9, exposeHeaders: true, help: false });
    expect(options.faults).toEqual([
      { method: 'GET', path: '/v1/account/balance', status: 503, times: 2 },
      { path: '/v1/products', status: 429, rateLimitHeaders: 'none' },
    ]);
  });

  it('defaults: port from $PORT, else 4010; no plan, no faults, no latency', () => {
    expect(parseCliArgs([], { PORT: '5000' })).toMatchObject({ port: 5000, plan: false, faults: [], latency: 0, host: '127.0.0.1' });
    expect(parseCliArgs([])).toMatchObject({ port: 4010 });
    expect(parseCliArgs([])).toMatchObject({ cacheHeaders: false });
    expect(parseCliArgs(['--cache-headers'])).toMatchObject({ cacheHeaders: true });
  });

  it('takes a latency range', () => {
    expect(parseCliArgs(['--latency', '20-200']).latency).toEqual({ min: 20, max: 200 });
  });

  it.each([
    [['--fault', 'GET /account/balance 503 sometimes'], /Invalid fault 'GET \/account\/balance 503 sometimes'/],
    [['--latency', 'fast'], /Invalid --latency 'fast'/],
    [['--latency', '200-20'], /Invalid --latency '200-20'/],
    [['--port', '70000'], /Invalid --port '70000'/],
    [['--port', '-1'], /--port' argument is ambiguous/],
    [['--plan', 'enterprise'], /Unknown --plan 'enterprise': use one of free, starter, growth/],
    [['--seed', '1.5'], /Invalid --seed '1.5'/],
  ])('refuses %j with a ConfigError', (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(ConfigError);
    expect(() => parseCliArgs(args)).toThrow(message);
  });
});

describe('runCli', () => {
  it('prints the URL first, and the stand-in there applies the faults', async () => {
    const { out, io: cliIO } = io();
    const standIn = await runCli(['--port', '0', '--fault', 'GET /account/balance 503 x1'], cliIO);
    if (typeof standIn === 'number') throw new Error(`exit ${standIn}: ${out.stderr}`);
    try {
      const url = /^StateSet stand-in API: (http:\/\/127\.0\.0\.1:\d+\/v1)\n/.exec(out.stdout)?.[1];
      expect(url).toBe(standIn.url);
      expect((await fetch(`${url}/account/balance`, { headers: auth })).status).toBe(503);
      expect((await fetch(`${url}/account/balance`, { headers: auth })).status).toBe(200);
      expect(out.stdout).toContain('faults: 1');
    } finally {
      await standIn.close();
    }
  });

  it('exits 2 on a bad flag, saying why, and starts nothing', async () => {
    const { out, io: cliIO } = io();
    expect(await runCli(['--fault', '/account/balance'], cliIO)).toBe(2);
    expect(out.stderr).toMatch(/Invalid fault '\/account\/balance': it says where but not what/);
    expect(out.stdout).toBe('');
    expect(await runCli(['--unknown'], cliIO)).toBe(2);
    expect(out.stderr).toMatch(/--unknown/);
  });

  it('--help prints the usage with the fault spec help', async () => {
    const { out, io: cliIO } = io();
    expect(await runCli(['--help'], cliIO)).toBe(0);
    expect(out.stdout).toBe(`${USAGE}\n`);
    expect(USAGE).toContain('--fault <spec>');
    expect(USAGE).toContain("'GET /account/balance 503 x2'");
  });
});

describe('the executable', () => {
  it('serves on the port it prints until SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/testing/cli.ts', '--port', '0', '--fault', 'GET /account/balance 503 x2', '--latency', '5'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const url = /^StateSet stand-in API: (http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(first)?.[1];
      expect(url).toBeDefined();
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/account/balance`, { headers: auth })).status);
      expect(statuses).toEqual([503, 503, 200]);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
