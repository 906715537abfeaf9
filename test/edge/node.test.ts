// @vitest-environment node
/** The Node adapter and the `stateset-edge` CLI, over real sockets with the stand-in as upstream. */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeHandler, memoryStore } from '../../src/edge/index.js';
import { toNodeListener } from '../../src/edge/node/index.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';

const KEY = 'pk_test_edge1';
const cli = ['--import', 'tsx', 'src/edge/cli.ts'];
let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());

describe('toNodeListener', () => {
  it('mounts the handler in an existing server and passes the socket address as the visitor', async () => {
    const handler = createEdgeHandler({ upstream: api.url, store: memoryStore(), basePath: '/stateset/v1', visitorMisses: { perSecond: 0.1, burst: 1 } });
    const server = createServer(toNodeListener(handler)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    try {
      const get = (query: string) => fetch(`http://127.0.0.1:${port}/stateset/v1/products${query}`, { headers: { Authorization: `Bearer ${KEY}` } });
      const first = await get('?limit=1');
      expect(first.status).toBe(200);
      expect((await first.json()).object).toBe('list');
      expect(first.headers.get('content-length')).not.toBeNull();
      const second = await get('?limit=2'); // a second miss from 127.0.0.1
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('10');
    } finally {
      server.close();
    }
  });
});

describe('stateset-edge', () => {
  it('prints the URL it listens on and serves through it', async () => {
    const child = spawn(process.execPath, [...cli, '--upstream', api.url, '--port', '0', '--allowed-origin', 'http://localhost:5173'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      const url = /StateSet edge: (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(line.toString())?.[1];
      expect(url).toBeDefined();
      const response = await fetch(`${url}/account/balance`, { headers: { Authorization: `Bearer ${KEY}`, Origin: 'http://localhost:5173' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect((await response.json()).object).toBe('balance');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses an unknown plan and an insecure upstream with a message, exit code 1', () => {
    const plan = spawnSync(process.execPath, [...cli, '--plan', 'platinum'], { encoding: 'utf8' });
    expect(plan.status).toBe(1);
    expect(plan.stderr).toMatch(/--plan must be one of free, starter, growth/);
    const insecure = spawnSync(process.execPath, [...cli, '--upstream', 'http://api.example/v1', '--port', '0'], { encoding: 'utf8' });
    expect(insecure.status).toBe(1);
    expect(insecure.stderr).toMatch(/https/);
  });
});
