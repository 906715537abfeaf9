/**
 * `crossTab({ persist })`: answers kept across page loads in localStorage (happy-dom's). A "page load" is a new realm
 * (nothing in memory carried over) with a new `crossTab()`; the network is a `fetch` that counts and can hold answers;
 * the clock is faked (Date only).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clearCache, createClient, crossTab, getBalance, getProduct, staleWhileRevalidate,
  type ClientOptions, type CrossTab, type PersistOptions,
} from '../src/index.js';
import { persistent } from '../src/persist.js';
import { REALM } from '../src/realm.js';
import { newRealm } from './setup.js';

const KEY = 'pk_test_persist1';
const balanceBody = (amount: string) => ({ object: 'balance', livemode: false, available: [{ amount, currency: 'ssusd' }], pending: [] });
const productBody = (id: string, name = `Product ${id}`) => ({ id, object: 'product', name, status: 'active', price: { amount: '5.00', currency: 'usd' } });

/** The network: answers by path, counts requests, and holds them while `hold` is set. */
let sent: string[] = [];
let amount = '1.00';
let names: Record<string, string> = {};
let hold: Promise<void> | undefined;
const network = async (input: Request | URL | string): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  sent.push(url.pathname);
  await hold;
  const id = url.pathname.split('/products/')[1];
  const body = id ? productBody(id, names[id]) : balanceBody(amount);
  return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
};

/** The origin's storage: a Map behind the Storage methods the library uses, whose `setItem`/`getItem` can be made to throw. */
class FakeStorage {
  items = new Map<string, string>();
  failSet: ((name: string) => boolean) | undefined;
  failGet = false;
  get length(): number { return this.items.size; }
  key(index: number): string | null { return [...this.items.keys()][index] ?? null; }
  getItem(name: string): string | null {
    if (this.failGet) throw new DOMException('Access is denied.', 'SecurityError');
    return this.items.get(name) ?? null;
  }
  setItem(name: string, value: string): void {
    if (this.failSet?.(name)) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.items.set(name, String(value));
  }
  removeItem(name: string): void { this.items.delete(name); }
  clear(): void { this.items.clear(); }
}
let localStorage: FakeStorage;
const storageNames = (): string[] => [...localStorage.items.keys()];

let shares: CrossTab[] = [];
let run = 0;
/** A new page load of the same visitor: a fresh realm, a new crossTab({ persist }), a client. */
const load = (options: Partial<ClientOptions> = {}, persist: boolean | PersistOptions = true): ReturnType<typeof createClient> => {
  newRealm();
  const share = crossTab({ name: `persist-${run}`, persist });
  shares.push(share);
  return createClient({ publishableKey: KEY, retry: 0, rateLimit: false, fetch: network, share, ...options });
};
const swr = { cache: { swr: staleWhileRevalidate() } };
/** Our items in storage: name → parsed JSON. */
const stored = (): Record<string, { v: number; k: string; u: number; e: { value: unknown; at: number } }> =>
  Object.fromEntries(storageNames().filter((name) => name.startsWith(`persist-${run}:`) && !name.endsWith(':lru'))
    .map((name) => [name, JSON.parse(localStorage.getItem(name)!)]));
const onlyItem = () => {
  const items = Object.entries(stored());
  expect(items).toHaveLength(1);
  return items[0]!;
};

beforeEach(() => {
  run++;
  sent = [];
  amount = '1.00';
  names = {};
  hold = undefined;
  localStorage = new FakeStorage();
  Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: () => localStorage });
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  for (const share of shares) share.close();
  shares = [];
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('crossTab({ persist: true }) across page loads', () => {
  it('within the TTL the next page load answers from storage: no request', async () => {
    const first = await getBalance(load());
    vi.advanceTimersByTime(4_000); // the balance's TTL is 5 s
    expect(await getBalance(load())).toEqual(first);
    expect(sent).toEqual(['/v1/account/balance']);
  });

  it('(control) without persist, the next page load asks again', async () => {
    await getBalance(load({}, false));
    await getBalance(load({}, false));
    expect(sent).toHaveLength(2);
    expect(stored()).toEqual({});
  });

  it('past the TTL with staleWhileRevalidate: the stored value at once, then one request whose answer is stored', async () => {
    await getBalance(load(swr));
    vi.advanceTimersByTime(6_000);
    amount = '2.00';
    let release = (): void => undefined;
    hold = new Promise((resolve) => (release = resolve));
    const client = load(swr);
    const shown = await getBalance(client); // while the refresh is held: from storage
    expect(shown.available[0]!.amount).toBe('1.00');
    expect(sent).toEqual(['/v1/account/balance', '/v1/account/balance']);
    release();
    await vi.waitFor(() => expect(onlyItem()[1].e.value).toEqual(balanceBody('2.00')));
    expect((await getBalance(load(swr))).available[0]!.amount).toBe('2.00'); // the next load: the refreshed answer
    expect(sent).toHaveLength(2);
  });

  it('past the TTL without staleWhileRevalidate: the entry has expired in storage, so the call waits for a request', async () => {
    await getBalance(load());
    vi.advanceTimersByTime(5_001);
    amount = '3.00';
    expect((await getBalance(load())).available[0]!.amount).toBe('3.00');
    expect(sent).toHaveLength(2);
  });

  it('expires: an entry kept for stale answers is dropped after maxAge', async () => {
    await getBalance(load(swr, { maxAge: 60_000 }));
    expect(onlyItem()[1].u - onlyItem()[1].e.at).toBe(60_000);
    vi.advanceTimersByTime(60_001);
    amount = '4.00';
    expect((await getBalance(load(swr, { maxAge: 60_000 }))).available[0]!.amount).toBe('4.00');
    expect(sent).toHaveLength(2);
  });

  it('names items by fingerprints: no key, account or URL in any storage name, and none of the key in any value', async () => {
    await getBalance(load({ accountId: 'acct_persist_1' }));
    await getProduct(load({ accountId: 'acct_persist_1' }), 'prod_1');
    const all = storageNames().map((name) => name + localStorage.getItem(name)).join('\n');
    expect(storageNames().length).toBe(3); // two answers and the index
    for (const name of storageNames()) expect(name).toMatch(/^persist-\d+:(lru|[0-9a-z]+\.[0-9a-z]+:[0-9a-z]+\.[0-9a-z]+)$/);
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('pk_test');
  });

  it('keeps two keys, and two accounts of one key, apart', async () => {
    await getBalance(load());
    await getBalance(load({ publishableKey: 'pk_test_persist2' }));
    await getBalance(load({ accountId: 'acct_a' }));
    expect(sent).toHaveLength(3);
    expect(Object.keys(stored())).toHaveLength(3);
    expect(new Set(Object.keys(stored()).map((name) => name.split(':')[1])).size).toBe(3);
  });

  it('never trusts another format version: an item with another `v` is ignored', async () => {
    await getBalance(load());
    const [name, item] = onlyItem();
    localStorage.setItem(name, JSON.stringify({ ...item, v: 2 }));
    await getBalance(load());
    expect(sent).toHaveLength(2);
  });

  it('re-validates against the call\'s schema: a planted wrong shape is ignored and the call asks the network', async () => {
    await getBalance(load());
    const [name, item] = onlyItem();
    localStorage.setItem(name, JSON.stringify({ ...item, e: { ...item.e, value: { object: 'balance', available: 'lots' } } }));
    const balance = await getBalance(load());
    expect(balance).toEqual(balanceBody('1.00'));
    expect(sent).toHaveLength(2);
    expect(onlyItem()[1].e.value).toEqual(balanceBody('1.00')); // overwritten by the valid answer
  });

  it('ignores an item of another URL under the same name, and items that are not JSON', async () => {
    await getBalance(load());
    const [name, item] = onlyItem();
    localStorage.setItem(name, JSON.stringify({ ...item, k: 'GET https://api.stateset.com/v1/products' }));
    await getBalance(load());
    localStorage.setItem(name, '{not json');
    await getBalance(load());
    expect(sent).toHaveLength(3);
  });

  it('ignores an answer dated in the future (planted to stay fresh, or the clock set back)', async () => {
    await getBalance(load());
    const [name, item] = onlyItem();
    localStorage.setItem(name, JSON.stringify({ ...item, e: { ...item.e, at: Date.now() + 3_600_000 }, u: Date.now() + 7_200_000 }));
    await getBalance(load());
    expect(sent).toHaveLength(2);
    await getBalance(load()); // (control) the answer stored in its place is read
    expect(sent).toHaveLength(2);
  });

  it('keeps any other field an entry carries (an etag, say) when it reads an entry back', async () => {
    await getBalance(load());
    const [name, item] = onlyItem();
    localStorage.setItem(name, JSON.stringify({ ...item, e: { ...item.e, etag: '"v1"' } }));
    await getBalance(load());
    const realm = (globalThis as unknown as Record<symbol, { caches: Map<string, { cache: { get(key: string): unknown } }> }>)[Symbol.for(REALM)]!;
    expect(realm.caches.get(`${KEY} `)!.cache.get(item.k)).toMatchObject({ etag: '"v1"', value: balanceBody('1.00') });
    expect(sent).toHaveLength(1);
  });

  it('a stored ETag survives the page load: past the TTL the refresh asks If-None-Match, and its 304 renews the stored answer', async () => {
    const asked: Array<string | null> = [];
    const etagged = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
      const request = input instanceof Request ? input : new Request(input, init);
      asked.push(request.headers.get('If-None-Match'));
      if (request.headers.get('If-None-Match') === '"b1"') return new Response(null, { status: 304, headers: { ETag: '"b1"' } });
      return new Response(JSON.stringify(balanceBody('1.00')), { headers: { 'Content-Type': 'application/json', ETag: '"b1"' } });
    };
    await getBalance(load({ ...swr, fetch: etagged }));
    expect(onlyItem()[1].e).toMatchObject({ etag: '"b1"' });
    vi.advanceTimersByTime(6_000);
    const renewedAt = Date.now();
    expect((await getBalance(load({ ...swr, fetch: etagged }))).available[0]!.amount).toBe('1.00');
    await vi.waitFor(() => expect(onlyItem()[1].e.at).toBeGreaterThanOrEqual(renewedAt));
    expect(asked).toEqual([null, '"b1"']);
    expect(onlyItem()[1].e).toMatchObject({ etag: '"b1"', value: balanceBody('1.00') });
  });

  it('clearCache also forgets what the key and account stored: the next page load asks again', async () => {
    const client = load();
    await getBalance(client);
    await getBalance(load({ publishableKey: 'pk_test_persist2' }));
    clearCache(client);
    expect(Object.keys(stored())).toHaveLength(1); // the other key's answer stays
    await getBalance(load());
    expect(sent).toHaveLength(3);
  });
});

describe('bounds', () => {
  it('keeps at most maxEntries answers, the least recently used going first (a read counts as a use)', async () => {
    const bound = { maxEntries: 3 };
    const client = load({}, bound);
    for (const id of ['prod_1', 'prod_2', 'prod_3']) await getProduct(client, id);
    await getProduct(load({}, bound), 'prod_1'); // a new page load reads prod_1: now the most recently used
    expect(sent).toHaveLength(3);
    const next = load({}, bound);
    for (const id of ['prod_4', 'prod_5']) await getProduct(next, id);
    expect(Object.values(stored()).map((item) => item.k.split('/').pop()).sort()).toEqual(['prod_1', 'prod_4', 'prod_5']);
    expect(JSON.parse(localStorage.getItem(`persist-${run}:lru`)!)).toHaveLength(3);
  });

  it('keeps what the answers take within maxSize, and does not store an answer bigger than it', async () => {
    names = { prod_big: 'x'.repeat(3_000) };
    const bound = { maxSize: 2_000 };
    const client = load({}, bound);
    await getProduct(client, 'prod_big');
    expect(stored()).toEqual({});
    for (const id of ['prod_1', 'prod_2', 'prod_3', 'prod_4', 'prod_5', 'prod_6', 'prod_7', 'prod_8', 'prod_9']) await getProduct(client, id);
    const size = storageNames().filter((name) => !name.endsWith(':lru')).reduce((sum, name) => sum + name.length + localStorage.getItem(name)!.length, 0);
    expect(size).toBeLessThanOrEqual(2_000);
    expect(Object.keys(stored()).length).toBeGreaterThan(3);
    expect(Object.keys(stored()).length).toBeLessThan(9);
  });

  it('a full quota: evicts older answers until the new one fits', async () => {
    const client = load();
    for (const id of ['prod_1', 'prod_2', 'prod_3']) await getProduct(client, id);
    let full = 2; // the next two writes of an answer fail
    localStorage.failSet = (name) => !name.endsWith(':lru') && full-- > 0;
    await getProduct(client, 'prod_4');
    expect(Object.values(stored()).map((item) => item.k.split('/').pop())).toEqual(['prod_3', 'prod_4']);
  });
});

describe('storage that fails falls back to memory, silently', () => {
  it('setItem always throwing QuotaExceededError (Safari\'s old private mode): calls answer, the page still shares in memory', async () => {
    localStorage.failSet = () => true;
    const client = load(swr);
    const balance = await getBalance(client);
    expect(await getBalance(client)).toEqual(balance);
    expect(await getProduct(client, 'prod_1')).toEqual(productBody('prod_1'));
    expect(sent).toHaveLength(2);
    expect(storageNames()).toEqual([]);
  });

  it('a localStorage getter that throws (an iframe with storage blocked): no error, answers from the network and memory', async () => {
    const getter = vi.fn((): FakeStorage => {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    });
    const original = Object.getOwnPropertyDescriptor(globalThis, 'localStorage')!;
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: getter });
    try {
      const client = load(swr);
      await getBalance(client);
      await getBalance(client);
      clearCache(client);
      await getBalance(load(swr));
      expect(sent).toHaveLength(2);
      expect(getter).toHaveBeenCalled();
    } finally {
      Object.defineProperty(globalThis, 'localStorage', original);
    }
  });

  it('getItem that throws: read as nothing stored', async () => {
    await getBalance(load());
    localStorage.failGet = true;
    await getBalance(load());
    expect(sent).toHaveLength(2);
  });
});

describe('nothing touched before the first call, no secret ever stored', () => {
  it('importing the library, crossTab({ persist: true }) and createClient read no storage', async () => {
    const getter = vi.fn(() => localStorage);
    const original = Object.getOwnPropertyDescriptor(globalThis, 'localStorage')!;
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: getter });
    try {
      vi.resetModules();
      const fresh = await import('../src/index.js');
      const share = fresh.crossTab({ name: `persist-${run}`, persist: true });
      shares.push(share);
      const client = fresh.createClient({ publishableKey: KEY, fetch: network, share });
      expect(getter).not.toHaveBeenCalled();
      await fresh.getBalance(client);
      expect(getter).toHaveBeenCalled();
    } finally {
      Object.defineProperty(globalThis, 'localStorage', original);
    }
  });

  it('an answer that carries a secret key anywhere is never stored (and replaces nothing stored)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.string({ maxLength: 12 }), fc.constantFrom('sk_live_', 'rk_test_', 'SK_TEST_', 'sk%5Flive%5F'), fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), fc.string({ maxLength: 12 }),
      async (before, kind, tail, after) => {
        localStorage.clear();
        names = { prod_1: `${before} ${kind}${tail} ${after}` };
        const client = load();
        await getProduct(client, 'prod_1');
        const text = storageNames().map((name) => name + localStorage.getItem(name)).join('\n');
        expect(text).not.toMatch(/[sr]k(_|%5F)(test|live)(_|%5F)/i);
        expect(Object.keys(stored())).toHaveLength(0);
      },
    ), { numRuns: 40 });
    names = {};
    await getProduct(load(), 'prod_1'); // (control) the same answer without a secret is stored
    expect(Object.keys(stored())).toHaveLength(1);
  });
});

describe('persistent(), the store itself', () => {
  const schema = { safeParse: (value: unknown) => ({ success: typeof value === 'object' && value !== null }) };
  it('writes and reads a whole entry back (every field), until `until`', () => {
    const store = persistent('t:a.b:', 't:lru', (text) => String(text.length), {});
    store.write('GET /x', { value: { a: 1 }, at: Date.now(), etag: '"abc"', maxAge: 60 } as never, Date.now() + 1_000);
    expect(store.read('GET /x', schema)).toEqual({ value: { a: 1 }, at: Date.now(), etag: '"abc"', maxAge: 60 });
    expect(store.read('GET /x', undefined)).toBeUndefined(); // no schema to check with: not trusted
    vi.advanceTimersByTime(1_000);
    expect(store.read('GET /x', schema)).toBeUndefined();
    expect(localStorage.getItem('t:a.b:6')).toBeNull(); // expired: removed
  });

  it('a corrupt index is read as empty, and rebuilt at the next write', () => {
    localStorage.setItem('t:lru', '{"oops":1}');
    const store = persistent('t:a.b:', 't:lru', (text) => String(text.length), {});
    store.write('GET /x', { value: {}, at: Date.now() }, Date.now() + 1_000);
    expect(JSON.parse(localStorage.getItem('t:lru')!)).toEqual([['t:a.b:6', expect.any(Number)]]);
  });
});

