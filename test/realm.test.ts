// @vitest-environment node
/**
 * One key, one budget in one realm: every client of a key shares its pacer (per API base; the stricter plan wins),
 * clients of a key and account share one cache and its requests in flight, also when two separately bundled copies
 * of the library made them. On a fake clock shared by client and stand-in (real-time figures: `npm run bench`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as library from '../src/index.js';
import { clearCache, createClient, dropKey, getBalance, listProducts, type ClientOptions } from '../src/index.js';
import { REALM } from '../src/realm.js';
import { newRealm } from './setup.js';
import { advanceUntil, countingFetch, track, useFakeClock } from './fake-clock.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn({ now: () => Date.now() }); });
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  api.setOptions({ plan: 'free', exposeHeaders: true });
});
afterEach(() => { vi.useRealTimers(); });

const gets = () => api.requests.filter((sent) => sent.method === 'GET');
const registry = () => (globalThis as unknown as Record<symbol, { pacers: Map<string, unknown>; caches: Map<string, unknown> } | undefined>)[Symbol.for(REALM)];

/** `clients` clients of one key, each making `perClient` distinct list calls at once; counts on the stand-in. */
async function manyClients(make: (options: ClientOptions, index: number) => library.Client, clients: number, perClient: number, options: Partial<ClientOptions> = {}, libraries = [library]) {
  useFakeClock();
  const fetcher = countingFetch();
  const made = Array.from({ length: clients }, (_, index) => make({ publishableKey: 'pk_test_onekey1', apiBase: api.url, fetch: fetcher, ...options }, index));
  const calls = made.flatMap((client, c) => Array.from({ length: perClient }, (_, index) =>
    track(libraries[c % libraries.length]!.listProducts(client, { limit: 1 + index, created: { gte: 1_000 + c } }))));
  const elapsed = await advanceUntil(() => calls.every((call) => call.settled), fetcher, 10);
  return {
    failed: calls.filter((call) => call.error !== undefined).length,
    firstError: calls.find((call) => call.error)?.error,
    statuses: gets().map((sent) => sent.status),
    elapsed,
  };
}

describe('one realm', () => {
  it('makes nothing at import; the registry appears at the first createClient, on globalThis under a versioned Symbol.for name', () => {
    expect(REALM).toMatch(/ v\d+$/);
    expect(registry()).toBeUndefined();
    createClient({ publishableKey: 'pk_test_onekey1', apiBase: api.url });
    expect([...registry()!.pacers.keys()]).toEqual([`pk_test_onekey1 ${api.url}`]);
    expect([...registry()!.caches.keys()]).toEqual(['pk_test_onekey1 ']);
  });

  it('4 clients of one key × 50 distinct list calls at once: no 429, no failure, at the plan rate for 200 calls', async () => {
    const { failed, statuses, elapsed, firstError } = await manyClients(createClient, 4, 50);
    expect(firstError).toBeUndefined();
    expect(failed).toBe(0);
    expect(statuses).toHaveLength(200);
    expect(statuses.filter((status) => status === 429)).toHaveLength(0);
    expect(elapsed).toBeLessThanOrEqual(18_000 + 100); // the burst of 20, then 180 at 10/s: the floor (plus a clock step)
  });

  it('the same clients with one pacer each (what the registry replaces) meet 429s: the stand-in does enforce the plan', async () => {
    const { statuses } = await manyClients((options) => {
      newRealm(); // a registry of its own per client
      return createClient(options);
    }, 4, 50, { retry: 0 });
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  });

  it('clients of one key and account share answers and requests in flight; another account or key does not', async () => {
    const options = { publishableKey: 'pk_test_onekey1', apiBase: api.url };
    const [a, b] = [createClient(options), createClient({ ...options, retry: 0, timeout: 5000 })];
    const [first, second] = await Promise.all([getBalance(a), getBalance(b)]);
    expect(second).toBe(first);
    await getBalance(createClient(options));
    expect(gets()).toHaveLength(1);
    await getBalance(createClient({ ...options, accountId: 'acct_other' }));
    await getBalance(createClient({ ...options, publishableKey: 'pk_test_onekey2' }));
    expect(gets()).toHaveLength(3);
    clearCache(a); // the cache a shares with b
    await getBalance(b);
    expect(gets()).toHaveLength(4);
  });

  it('of two plans for one key the stricter wins, whichever client was made first', async () => {
    useFakeClock();
    const fetcher = countingFetch();
    const lenient = createClient({ publishableKey: 'pk_test_onekey1', apiBase: api.url, fetch: fetcher, rateLimit: 'growth' });
    createClient({ publishableKey: 'pk_test_onekey1', apiBase: api.url, fetch: fetcher, rateLimit: { perSecond: 1, burst: 2 } });
    const start = Date.now();
    const calls = Array.from({ length: 4 }, (_, index) => track(listProducts(lenient, { limit: 1 + index })));
    await advanceUntil(() => calls.every((call) => call.settled), fetcher, 10);
    expect(fetcher.state.sent.map((time) => time - start)).toEqual([0, 0, 1000, 2000]);
  });

  it('a client with rateLimit: false does not wait, and other apiBases of the key get their own pacer', () => {
    createClient({ publishableKey: 'pk_test_onekey1', apiBase: api.url, rateLimit: false });
    expect(registry()!.pacers.size).toBe(0);
    createClient({ publishableKey: 'pk_test_onekey1', apiBase: api.url });
    createClient({ publishableKey: 'pk_test_onekey1', apiBase: 'https://edge.example/v1' });
    expect(registry()!.pacers.size).toBe(2);
  });

  it('dropKey forgets the key\'s pacers and caches (every account), and nothing else', async () => {
    const options = { publishableKey: 'pk_test_onekey1', apiBase: api.url };
    const client = createClient(options);
    await getBalance(client);
    await getBalance(createClient({ ...options, accountId: 'acct_1' }));
    createClient({ ...options, publishableKey: 'pk_test_onekey12' }); // a key that starts like it
    dropKey(client);
    expect([...registry()!.caches.keys()]).toEqual(['pk_test_onekey12 ']);
    expect([...registry()!.pacers.keys()]).toEqual([`pk_test_onekey12 ${api.url}`]);
    await getBalance(client); // emptied: asks again
    await getBalance(createClient(options));
    expect(gets()).toHaveLength(4);
  });
});

describe('two separately bundled copies of the library in one realm', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  /** A self-contained bundle of the library (ky and zod inside, like the CDN file); `version` rewrites the registry's. */
  const bundle = async (name: string, version?: string): Promise<typeof library> => {
    const dir = mkdtempSync(join(tmpdir(), 'stateset-realm-'));
    const { outputFiles } = await build({ entryPoints: [join(root, 'src/index.ts')], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
    let code = outputFiles[0]!.text;
    expect(code).toContain(REALM);
    if (version) code = code.replaceAll(REALM, REALM.replace(/v\d+$/, version));
    writeFileSync(join(dir, `${name}.mjs`), code);
    return import(/* @vite-ignore */ pathToFileURL(join(dir, `${name}.mjs`)).href) as Promise<typeof library>;
  };

  it('share one pacer and one cache per key (as stateset.js and widget.js on one page do)', async () => {
    const [first, second] = await Promise.all([bundle('first'), bundle('second')]);
    expect(first.createClient).not.toBe(second.createClient);
    const options = { publishableKey: 'pk_test_onekey1', apiBase: api.url };
    const [a, b] = await Promise.all([first.getBalance(first.createClient(options)), second.getBalance(second.createClient(options))]);
    expect(b).toBe(a);
    expect(gets()).toHaveLength(1);
    // A client of one copy works with the calls of the other (el.client = client across stateset.js and widget.js).
    expect(await second.getBalance(first.createClient(options))).toBe(a);

    const { failed, statuses, firstError } = await manyClients((made, index) => [first, second][index % 2]!.createClient(made), 4, 50, { retry: 0 }, [first, second]);
    expect(firstError).toBeUndefined();
    expect(failed).toBe(0);
    expect(statuses.filter((status) => status === 429)).toHaveLength(0);
  });

  it('keep apart when their registry versions differ', async () => {
    const [first, other] = await Promise.all([bundle('v1'), bundle('v99', 'v99')]);
    const options = { publishableKey: 'pk_test_onekey1', apiBase: api.url };
    await first.getBalance(first.createClient(options));
    await other.getBalance(other.createClient(options));
    expect(gets()).toHaveLength(2);
  });
});
