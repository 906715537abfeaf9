/**
 * The pacer `crossTab()` shares between tabs: the key's `burst` tokens are Web Locks, so tabs together stay within
 * the plan. Each "tab" is its own realm (its own pacer and cache) on one channel name, with one stub lock manager
 * shared by all of them, as the browser's is by the tabs of an origin.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, createClient, crossTab, listProducts, type Client, type ClientOptions, type CrossTab } from '../src/index.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';
import { newRealm } from './setup.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());

/** A small plan, enforced by the stand-in and told to every client: 20/s, burst 4 (a token comes back 200 ms after its answer). */
const plan = { perSecond: 20, burst: 4 };
beforeEach(() => {
  api.reset();
  api.setOptions({ plan });
});

let shares: CrossTab[] = [];
let run = 0;
beforeEach(() => { run++; });
afterEach(() => {
  for (const share of shares) share.close();
  shares = [];
  vi.unstubAllGlobals();
});

const tab = (options: Partial<ClientOptions> = {}): Client => {
  newRealm();
  const share = crossTab({ name: `pacer-${run}` });
  shares.push(share);
  return createClient({ publishableKey: 'pk_test_tabsPacer1', apiBase: api.url, retry: 0, rateLimit: plan, share, ...options });
};
const gets = () => api.requests.filter((sent) => sent.method === 'GET');

/**
 * A Web Locks manager for exclusive locks: `ifAvailable` (the callback gets `null` when held), a FIFO queue per name
 * otherwise, and `signal` (a queued request leaves and rejects with the signal's reason). Records every grant and release.
 * `view()` is the manager as one tab sees it, for a tab that closes: `vanish()` frees the locks it holds and drops its
 * queued requests, as the browser does for a closed tab.
 */
function stubLocks() {
  const queues = new Map<string, Array<() => void>>();
  const log: Array<{ name: string; granted: number; released?: number; vanished?: true }> = [];
  /** The grants of the pacer's tokens (not crossTab's claims of a URL). */
  const tokens = () => log.filter(({ name }) => / token \d+$/.test(name));
  const view = () => {
    /** The frees of the locks this tab holds, and its requests waiting in a queue. */
    const held = new Map<() => void, (typeof log)[number]>();
    const queued = new Set<() => void>();
    const locks = {
      request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: { name: string } | null) => unknown) {
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        if (options.ifAvailable && queue.length) return Promise.resolve(callback(null));
        return new Promise((resolve, reject) => {
          const grant = async (): Promise<void> => {
            queued.delete(grant);
            const record = { name, granted: Date.now() } as (typeof log)[number];
            log.push(record);
            let free = (): void => undefined;
            const freed = new Promise<void>((resolve) => (free = resolve));
            held.set(free, record);
            try {
              resolve(await Promise.race([callback({ name }), freed]));
            } catch (error) {
              reject(error);
            } finally {
              held.delete(free);
              record.released = Date.now();
              queue.shift();
              queue[0]?.();
            }
          };
          const { signal } = options;
          if (signal?.aborted) return reject(signal.reason);
          queue.push(grant);
          queued.add(grant);
          signal?.addEventListener('abort', () => {
            const at = queue.indexOf(grant);
            if (at > 0) {
              queue.splice(at, 1);
              queued.delete(grant);
              reject(signal.reason);
            }
          });
          if (queue.length === 1) void grant();
        });
      },
    };
    /** The tab closes: the browser drops its queued requests and frees the locks it holds at once. */
    const vanish = (): void => {
      for (const queue of queues.values()) {
        for (let at = queue.length - 1; at > 0; at--) if (queued.has(queue[at]!)) queue.splice(at, 1);
      }
      for (const [free, record] of [...held]) {
        record.vanished = true;
        free();
      }
    };
    return { locks, vanish };
  };
  vi.stubGlobal('navigator', { locks: view().locks });
  return Object.assign(tokens, { view });
}

/** Every tab asks for `calls` distinct list pages at once; the rejected calls per tab. */
const askAll = (tabs: Client[], calls: number) => Promise.all(tabs.map(async (client, index) => {
  const results = await Promise.allSettled(Array.from({ length: calls }, (_, call) => listProducts(client, { limit: 1 + index * calls + call })));
  return results.filter((result) => result.status === 'rejected').length;
}));

describe('crossTab(): one budget for the tabs of an origin', () => {
  it('3 tabs × 8 distinct calls, a plan of burst 4: every call succeeds, not one 429', async () => {
    const tokens = stubLocks();
    expect(await askAll([tab(), tab(), tab()], 8)).toEqual([0, 0, 0]);
    expect(gets()).toHaveLength(24);
    expect(gets().filter((sent) => sent.status === 429)).toHaveLength(0);
    // The budget is 4 locks, whatever the number of tabs, and their names carry the key's fingerprint, not the key.
    const names = new Set(tokens().map(({ name }) => name));
    expect(names.size).toBe(4);
    for (const name of names) expect(name).toMatch(/^pacer-\d+:[0-9a-z]+\.[0-9a-z]+ token [0-3]$/);
    // A token goes back burst / perSecond (200 ms) after its answer, never sooner.
    await vi.waitFor(() => expect(tokens().every(({ released }) => released)).toBe(true));
    for (const { granted, released } of tokens()) expect(released! - granted).toBeGreaterThanOrEqual(195);
  });

  it('(control) without Web Locks each tab paces alone (the fallback): together they spend 3× the burst and get 429s', async () => {
    vi.stubGlobal('navigator', {});
    const failed = await askAll([tab(), tab(), tab()], 8);
    expect(gets().filter((sent) => sent.status === 429).length).toBeGreaterThan(0);
    expect(failed.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
  });

  it('a call aborted while it waits for a token leaves the lock queue: rejected with AbortError, nothing sent, and its realm token comes back', async () => {
    stubLocks();
    const [a, b] = [tab(), tab()];
    api.fault({ path: '/v1/products', delay: 300, times: 4 });
    // Tab a holds all 4 tokens with slow requests; b's call queues for one of them.
    const holding = Array.from({ length: 4 }, (_, call) => listProducts(a, { limit: 1 + call }));
    await vi.waitFor(() => expect(gets()).toHaveLength(4));
    const controller = new AbortController();
    const queued = listProducts(b, { limit: 50 }, { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    await Promise.all(holding);
    expect(gets()).toHaveLength(4);
    // b's own bucket (burst 4) was not spent by the aborted call: 4 more calls from b go as soon as a's tokens are back.
    await Promise.all([60, 61, 62, 63].map((limit) => listProducts(b, { limit })));
    expect(gets()).toHaveLength(8);
    expect(gets().filter((sent) => sent.status === 429)).toHaveLength(0);
  });

  it('clients of one key in one tab take the same tokens (made by one crossTab() or by two)', async () => {
    const tokens = stubLocks();
    newRealm();
    const one = crossTab({ name: `pacer-${run}` });
    const two = crossTab({ name: `pacer-${run}` });
    shares.push(one, two);
    const clients = [one, two].map((share) => createClient({ publishableKey: 'pk_test_tabsPacer1', apiBase: api.url, retry: 0, rateLimit: plan, share }));
    expect(await askAll(clients, 6)).toEqual([0, 0]);
    expect(new Set(tokens().map(({ name }) => name)).size).toBe(4);
  });

  it('another key has its own tokens', async () => {
    const tokens = stubLocks();
    tab();
    const other = tab({ publishableKey: 'pk_test_otherKey1' });
    await listProducts(other);
    const [first] = tokens();
    await listProducts(tab());
    expect(tokens().at(-1)!.name.split(' ')[0]).not.toBe(first!.name.split(' ')[0]);
  });
});

describe('crossTab(): a tab that closes does not hand its tokens back early', () => {
  /** A tab seeing the lock manager through `locks`, whose fetch records when each request leaves and is answered. */
  const tabWith = (locks: object) => {
    vi.stubGlobal('navigator', { locks });
    const sent: number[] = [];
    const answered: number[] = [];
    const client = tab({
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        sent.push(Date.now());
        const response = await fetch(input, init);
        answered.push(Date.now());
        return response;
      },
    });
    return { client, share: shares.at(-1)!, sent, answered };
  };
  const calls = (client: Client, first: number) => Promise.allSettled([0, 1, 2, 3].map((call) => listProducts(client, { limit: first + call })));
  const rejected = (results: PromiseSettledResult<unknown>[]) => results.filter(({ status }) => status === 'rejected').length;

  it('closed after its answers: the next tab waits for each token until 200 ms after its answer, not one 429', async () => {
    const tokens = stubLocks();
    const gone = tokens.view();
    const b = tabWith(tokens.view().locks); // open before a closes: it hears a's loans
    const a = tabWith(gone.locks);
    expect(rejected(await calls(a.client, 1))).toBe(0);
    gone.vanish();
    a.share.close();
    expect(rejected(await calls(b.client, 10))).toBe(0);
    expect(gets().filter(({ status }) => status === 429)).toHaveLength(0);
    // The browser freed a's tokens (closed, not handed back after their 200 ms), b got them, and still sent after them.
    expect(tokens().slice(0, 4).map(({ vanished }) => vanished)).toEqual([true, true, true, true]);
    expect(tokens().slice(4)).toHaveLength(4);
    const due = [...a.answered].sort((x, y) => x - y).map((at) => at + 200);
    b.sent.sort((x, y) => x - y).forEach((at, index) => expect(at).toBeGreaterThanOrEqual(due[index]! - 1));
  });

  it('closed mid-request: the next holder of its tokens waits a full 200 ms from when it got them', async () => {
    const tokens = stubLocks();
    const gone = tokens.view();
    const b = tabWith(tokens.view().locks);
    const a = tabWith(gone.locks);
    api.fault({ path: '/v1/products', delay: 500, times: 4 });
    const closing = calls(a.client, 1); // (its requests still reach the stand-in: only its locks go)
    await vi.waitFor(() => expect(gets()).toHaveLength(4));
    gone.vanish();
    a.share.close();
    expect(rejected(await calls(b.client, 10))).toBe(0);
    expect(tokens().slice(0, 4).map(({ vanished }) => vanished)).toEqual([true, true, true, true]);
    const granted = Math.min(...tokens().slice(4).map(({ granted }) => granted));
    expect(b.sent).toHaveLength(4);
    for (const at of b.sent) expect(at - granted).toBeGreaterThanOrEqual(199);
    await closing;
  });

  it('a call aborted while it waits out a closed tab\'s loan: AbortError, nothing sent, and the token goes on to the next tab', async () => {
    const tokens = stubLocks();
    const gone = tokens.view();
    const [b, c] = [tabWith(tokens.view().locks), tabWith(tokens.view().locks)];
    const a = tabWith(gone.locks);
    await calls(a.client, 1);
    gone.vanish();
    a.share.close();
    const controller = new AbortController();
    const waiting = listProducts(b.client, { limit: 10 }, { signal: controller.signal });
    await vi.waitFor(() => expect(tokens()).toHaveLength(5)); // b holds one of a's tokens, waiting out its loan
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(tokens()[4]!.released).toBeDefined();
    expect(b.sent).toHaveLength(0);
    expect(rejected(await calls(c.client, 20))).toBe(0);
    expect(gets()).toHaveLength(8);
  });
});
