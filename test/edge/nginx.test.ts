// @vitest-environment node
/**
 * The nginx recipe (demo/edge/nginx.conf), run by Debian's nginx with a temporary prefix on a free port, in front of
 * the stand-in: its allow-list locations are the client's rows (paths and TTLs), it collapses and caches by key,
 * refuses secrets, other methods and other paths without sending anything, and serves stale answers when upstream fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowlist } from '../../src/allowlist.js';
import { root } from '../../scripts/bundles.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';

const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => existsSync(file)) ?? 'nginx';
const recipe = readFileSync(join(root, 'demo/edge/nginx.conf'), 'utf8');
const KEY = 'pk_test_nginx1';
let api: StandIn;
let nginx: ChildProcess | undefined;
let dir: string;
let base: string;

const freePort = (): Promise<number> => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

/** The recipe with the lines marked SET filled in for this machine (and 1 s for balance's TTL, to test staleness quickly). */
function configure(port: number, upstream: string): string {
  return recipe
    .replace('/var/cache/nginx/stateset', join(dir, 'cache'))
    .replace('listen 8788;', `listen 127.0.0.1:${port};`)
    .replace('server api.stateset.com:443;', `server ${upstream};`)
    .replaceAll('https://stateset_api', 'http://stateset_api')
    .replace('proxy_set_header Host api.stateset.com;', `proxy_set_header Host ${upstream};`)
    .replace('"https://shop.example" $http_origin;', '"https://shop.example" $http_origin;')
    .replace(/(location = \/v1\/account\/balance \{\s*proxy_cache_valid 200) 5s;/, '$1 1s;');
}

beforeAll(async () => {
  api = await startStandIn();
  dir = mkdtempSync(join(tmpdir(), 'stateset-nginx-'));
  for (const sub of ['cache', 'temp', 'logs']) mkdirSync(join(dir, sub));
  chmodSync(dir, 0o777);
  for (const sub of ['cache', 'temp', 'logs']) chmodSync(join(dir, sub), 0o777);
  const port = await freePort();
  writeFileSync(join(dir, 'stateset.conf'), configure(port, api.origin.replace('http://', '')));
  writeFileSync(join(dir, 'nginx.conf'), [
    `pid ${join(dir, 'nginx.pid')};`, `error_log ${join(dir, 'logs/error.log')} warn;`, 'worker_processes 1;',
    'events { worker_connections 256; }',
    `http { access_log off; client_body_temp_path ${dir}/temp/body; proxy_temp_path ${dir}/temp/proxy; fastcgi_temp_path ${dir}/temp/fcgi;`,
    `  uwsgi_temp_path ${dir}/temp/uwsgi; scgi_temp_path ${dir}/temp/scgi; include ${join(dir, 'stateset.conf')}; }`,
  ].join('\n'));
  const check = spawnSync(nginxBin, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}`);
  nginx = spawn(nginxBin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  base = `http://127.0.0.1:${port}/v1`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`${base}/nothing`);
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50)); // nginx starting: no event to wait for
    }
  }
}, 30_000);
afterAll(async () => {
  if (nginx) {
    nginx.kill('SIGQUIT');
    await new Promise((resolve) => nginx!.once('exit', resolve));
  }
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${KEY}`, ...headers } });
const upstream = () => api.requests.filter((request) => request.method !== 'OPTIONS');

describe('the nginx recipe', () => {
  it('has one location per allow-list row, with the row\'s TTL', () => {
    const locations = [...recipe.matchAll(/location (=|~) (?:"([^"]+)"|(\S+)) \{\s*proxy_cache_valid 200 (\d+)s;/g)]
      .map(([, kind, quoted, bare, seconds]) => [kind, quoted ?? bare, seconds] as const)
      .map(([kind, pattern, seconds]) => ({ test: (path: string) => (kind === '=' ? path === pattern : new RegExp(pattern!).test(path)), ttl: Number(seconds) * 1000 }));
    expect(locations).toHaveLength(allowlist.length);
    const samples: Record<string, string> = { id: 'prod_1', address: `stateset1${'q'.repeat(38)}` };
    for (const row of allowlist) {
      const path = `/v1${row.path.replace(/\{(\w+)\}/g, (_, name: string) => samples[name]!)}`;
      const matching = locations.filter((location) => location.test(path));
      expect(matching, row.path).toHaveLength(1);
      expect(matching[0]!.ttl, row.path).toBe(row.ttl);
    }
  });

  it('collapses a burst into one upstream request (proxy_cache_lock), keyed by Authorization', async () => {
    api.reset();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/products?limit=3')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(((await answers[0]!.json()) as { data: unknown[] }).data).toHaveLength(3);
    expect(upstream()).toHaveLength(1);
    expect((await get('/products?limit=3')).headers.get('x-cache-status')).toBe('HIT');
    await fetch(`${base}/products?limit=3`, { headers: { Authorization: 'Bearer pk_test_nginx2' } });
    expect(upstream()).toHaveLength(2);
  });

  it('forwards only Authorization, X-Account-Id and Accept', async () => {
    api.reset();
    await get('/products?limit=4', { Cookie: 'session=1', 'X-Forwarded-For': '10.0.0.1', 'X-Account-Id': 'acct_9', Referer: 'https://shop.example/' });
    const [sent] = upstream();
    expect(sent!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent!.headers['x-account-id']).toBe('acct_9');
    expect(sent!.headers.accept).toBe('application/json');
    for (const name of ['cookie', 'x-forwarded-for', 'referer']) expect(sent!.headers).not.toHaveProperty(name);
  });

  it('refuses secrets, other keys, methods and paths with the API\'s error envelope, sending nothing', async () => {
    api.reset();
    const cases: Array<[Promise<Response>, number, string]> = [
      [get('/products?starting_after=sk_live_abc123'), 403, 'secret_key_refused'],
      [get('/products?starting_after=sk%5Flive%5Fabc123'), 403, 'secret_key_refused'],
      [get('/products/rk%255Ftest%255Fabc'), 403, 'secret_key_refused'],
      [get('/account/balance', { Authorization: 'Bearer sk_test_abc123' }), 403, 'secret_key_refused'],
      [get('/account/balance', { Cookie: 'k=SK_LIVE_abc' }), 403, 'secret_key_refused'],
      [get('/payments', {}, 'POST'), 405, 'method_not_allowed'],
      [get('/account/balance', { Authorization: 'Basic abc' }), 401, 'invalid_api_key'],
      [get('/customers'), 404, 'resource_missing'],
      [get('/products/../customers'), 404, 'resource_missing'],
      [get('/products/prod_1%2f..%2f..%2fcustomers'), 404, 'resource_missing'],
      [get('/account/balance', { 'X-Pad': 'a'.repeat(20_000) }), 431, 'request_header_fields_too_large'],
    ];
    for (const [response, status, code] of cases) {
      const answer = await response;
      expect(answer.status).toBe(status);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(upstream()).toHaveLength(0);
    expect((await get('/products/prod_desk_live_2024')).status).toBe(404); // an id, not a key: forwarded (the stand-in has none)
    expect(upstream()).toHaveLength(1);
  });

  it('answers a preflight with Max-Age, and CORS for the listed origin', async () => {
    const preflight = await fetch(`${base}/products`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-max-age')).toBe('86400');
    const other = await get('/products?limit=3', { Origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the stored answer when upstream answers 503 after the TTL (proxy_cache_use_stale)', async () => {
    api.reset();
    expect((await get('/account/balance')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // nginx's clock, in whole seconds: balance's TTL here is 1 s
    api.fault({ status: 503 });
    const stale = await get('/account/balance');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache-status')).toMatch(/STALE|UPDATING/);
    expect(((await stale.json()) as { object: string }).object).toBe('balance');
    api.clearFaults();
  });
});
