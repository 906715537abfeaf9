/**
 * Cross-tab sharing through BroadcastChannel (happy-dom). Clients in one realm on the same channel name stand for
 * tabs: BroadcastChannel delivers to every other channel object of that name, as it does between tabs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, clearCache, createClient, crossTab, getBalance, listProducts, type Client, type ClientOptions, type CrossTab } from '../src/index.js';
import { accountBalance } from '../src/testing/data.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';
import { deliver, started } from './broadcast.js';
import { newRealm } from './setup.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());

let shares: CrossTab[] = [];
afterEach(() => {
  for (const share of shares) share.close();
  shares = [];
  vi.restoreAllMocks();
});

let run = 0;
beforeEach(() => { run++; });
/** A "tab": its own realm (nothing shared in memory with the others), client and crossTab(), on this test's channel name. */
const tab = (options: Partial<ClientOptions> = {}, wait?: number): Client => {
  newRealm();
  const share = crossTab({ name: `test-${run}`, wait });
  shares.push(share);
  return createClient({ publishableKey: 'pk_test_tabs1', apiBase: api.url, retry: 0, share, ...options });
};
const gets = () => api.requests.filter((sent) => sent.method === 'GET');
describe('crossTab()', () => {
  it('is available where the tests run', () => {
    expect(typeof BroadcastChannel).toBe('function');
  });

  it('an answer one tab stored is served in the others without a request', async () => {
    const [a, b, c] = [tab(), tab(), tab()];
    const balance = await getBalance(a);
    await deliver();
    expect(await getBalance(b)).toEqual(balance);
    expect(await getBalance(c)).toEqual(balance);
    expect(gets()).toHaveLength(1);
  });

  it('what the server said of an answer travels with it: another tab keeps it no longer than max-age, and revalidates with its ETag', async () => {
    api.setOptions({ cacheHeaders: true });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const [a, b] = [tab({ cache: { ttl: 60_000 } }), tab({ cache: { ttl: 60_000 } })]; // the server says 5 s
      await getBalance(a);
      await deliver();
      vi.setSystemTime(Date.now() + 5_100);
      await getBalance(b); // past the server's max-age: b asks, with a's ETag
      expect(gets().map((sent) => [sent.status, sent.headers['if-none-match']?.startsWith('"')])).toEqual([[200, undefined], [304, true]]);
    } finally {
      vi.useRealTimers();
      api.setOptions({ cacheHeaders: false });
    }
  });

  it('five tabs asking for what one is already fetching cost one request', async () => {
    const tabs = [tab(), tab(), tab(), tab(), tab()];
    api.fault({ path: '/v1/account/balance', delay: 400 });
    const first = getBalance(tabs[0]!);
    await started();
    const rest = tabs.slice(1).map((client) => getBalance(client));
    const balances = await Promise.all([first, ...rest]);
    expect(gets()).toHaveLength(1);
    for (const balance of balances) expect(balance).toEqual(balances[0]);
  });

  it('clearCache forgets what other tabs sent: the next call goes to the network', async () => {
    const [a, b] = [tab(), tab()];
    await getBalance(a);
    await deliver();
    clearCache(b);
    await getBalance(b);
    expect(gets()).toHaveLength(2);
  });

  it('every flight waiting for another tab gets its answer, also after a clearCache mid-wait', async () => {
    const [a, b] = [tab({}, 60_000), tab({}, 60_000)]; // an orphaned waiter would outlast the test
    api.fault({ path: '/v1/account/balance', delay: 400 });
    const first = getBalance(a);
    await started();
    const waiting = getBalance(b);
    clearCache(b); // forgets b's flight: its next call is a second flight for the same key
    const again = getBalance(b);
    const [fromA, one, two] = await Promise.all([first, waiting, again]);
    expect(one).toEqual(fromA);
    expect(two).toEqual(fromA);
    expect(gets()).toHaveLength(1);
  });

  it("an older answer another tab sent while this tab's own request was in flight does not replace this tab's newer one", async () => {
    const name = `race-${run}`;
    const body = (amount: string) => JSON.stringify({ object: 'balance', livemode: false, available: [{ amount, currency: 'ssusd' }], pending: [] });
    /** A tab whose request is answered when the test says so. */
    const heldTab = (amount: string) => {
      const share = crossTab({ name });
      shares.push(share);
      let answer = (): void => undefined;
      let ready = (): void => undefined;
      const sent = new Promise<void>((resolve) => { ready = resolve; });
      const fetch = (): Promise<Response> => new Promise((resolve) => {
        answer = () => resolve(new Response(body(amount), { headers: { 'Content-Type': 'application/json' } }));
        ready();
      });
      newRealm();
      return { client: createClient({ publishableKey: 'pk_test_tabs1', rateLimit: false, share, fetch }), sent, answer: () => answer() };
    };
    const [a, b] = [heldTab('1.00'), heldTab('2.00')];
    const calls = [getBalance(a.client), getBalance(b.client)];
    await Promise.all([a.sent, b.sent]); // both sent
    a.answer();
    await calls[0];
    await deliver(); // a's (older) answer reaches b while b's request is in flight
    b.answer();
    await calls[1];
    await deliver();
    expect((await getBalance(b.client)).available[0]!.amount).toBe('2.00');
  });

  it('when the tab fetching fails, a waiting tab sends its own request', async () => {
    const [a, b] = [tab(), tab()];
    api.fault({ path: '/v1/account/balance', delay: 300, status: 500, times: 1 });
    const failing = getBalance(a).catch((error: unknown) => error);
    await started();
    const waiting = getBalance(b);
    expect(await failing).toMatchObject({ status: 500 });
    expect(await waiting).toMatchObject({ object: 'balance' });
    expect(gets().map((sent) => sent.status)).toEqual([500, 200]);
  });

  it('a tab waiting for another tab\'s request can still be aborted', async () => {
    const [a, b] = [tab(), tab()];
    api.fault({ path: '/v1/account/balance', delay: 400 });
    const first = getBalance(a);
    await started();
    const controller = new AbortController();
    const waiting = getBalance(b, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(await first).toMatchObject({ object: 'balance' });
    expect(gets()).toHaveLength(1);
  });

  describe('two tabs asking in the same instant', () => {
    /** A minimal Web Locks manager shared by the "tabs" of this realm (exclusive locks, `ifAvailable`), counting claims. */
    const stubLocks = () => {
      const held = new Set<string>();
      const claimed: string[] = [];
      const locks = {
        async request(name: string, options: { ifAvailable?: boolean }, callback: (lock: { name: string } | null) => unknown) {
          if (held.has(name)) return callback(null);
          held.add(name);
          claimed.push(name);
          try {
            return await callback({ name });
          } finally {
            held.delete(name);
          }
        },
      };
      vi.stubGlobal('navigator', { locks });
      return claimed;
    };
    afterEach(() => { vi.unstubAllGlobals(); });

    it('with Web Locks, send one request: the first claims the URL, the others wait for its answer', async () => {
      const claimed = stubLocks();
      api.fault({ path: '/v1/account/balance', delay: 200 });
      const tabs = [tab(), tab(), tab()];
      const balances = await Promise.all(tabs.map((client) => getBalance(client))); // same tick: no "started" message yet
      expect(gets()).toHaveLength(1);
      for (const balance of balances) expect(balance).toEqual(balances[0]);
      const urls = claimed.filter((name) => !/ token \d+$/.test(name)); // (the others are the pacer's tokens)
      expect(urls).toHaveLength(1);
      expect(urls[0]).not.toMatch(/pk_test|tabs1/); // the lock name carries the channel's fingerprint, not the key
      expect(urls[0]).toContain('/account/balance');
    });

    it('when the tab holding the claim fails, a waiting tab sends its own request', async () => {
      stubLocks();
      api.fault({ path: '/v1/account/balance', delay: 200, status: 500, times: 1 });
      const [a, b] = [tab(), tab()];
      const [failed, waited] = await Promise.allSettled([getBalance(a), getBalance(b)]);
      expect(failed).toMatchObject({ status: 'rejected', reason: { status: 500 } });
      expect(waited).toMatchObject({ status: 'fulfilled', value: { object: 'balance' } });
      expect(gets().map((sent) => sent.status)).toEqual([500, 200]);
    });

    it('(control) without Web Locks, both send', async () => {
      vi.stubGlobal('navigator', {});
      api.fault({ path: '/v1/account/balance', delay: 200 });
      await Promise.all([tab(), tab()].map((client) => getBalance(client)));
      expect(gets()).toHaveLength(2);
    });
  });

  it('without BroadcastChannel (an old browser) the client works, unshared', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    try {
      const [a, b] = [tab(), tab()];
      await getBalance(a);
      await getBalance(b);
      expect(gets()).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('never mixes keys or accounts, even on the same channel name', async () => {
    const cases = [
      { publishableKey: 'pk_test_tabs1' },
      { publishableKey: 'pk_live_tabs1' },
      { publishableKey: 'pk_test_tabs1', accountId: 'acct_one' },
      { publishableKey: 'pk_test_tabs1', accountId: 'acct_two' },
    ];
    const pairs = cases.map((options) => [tab(options), tab(options)] as const);
    for (const [first] of pairs) await getBalance(first);
    await deliver();
    for (const [index, [, second]] of pairs.entries()) {
      const { publishableKey, accountId } = cases[index] as { publishableKey: string; accountId?: string };
      expect(await getBalance(second)).toEqual(accountBalance(publishableKey, accountId));
    }
    expect(gets()).toHaveLength(4); // each second tab was served by its own key's first tab only
  });

  it('broadcasts no key: channel names and messages carry a fingerprint, method, URL and value only', async () => {
    const names: string[] = [];
    const messages: unknown[] = [];
    const Original = globalThis.BroadcastChannel;
    vi.spyOn(globalThis, 'BroadcastChannel').mockImplementation(function (this: unknown, name: string) {
      names.push(name);
      const channel = new Original(name);
      const post = channel.postMessage.bind(channel);
      channel.postMessage = (message: unknown) => { messages.push(message); post(message); };
      return channel;
    } as unknown as typeof BroadcastChannel);
    const a = tab({ accountId: 'acct_secretive' });
    const b = tab({ accountId: 'acct_secretive' });
    await listProducts(a, { limit: 3 });
    await deliver();
    await listProducts(b, { limit: 3 });
    expect(gets()).toHaveLength(1);
    expect(messages.length).toBeGreaterThan(0);
    const wire = JSON.stringify({ names, messages });
    expect(wire).not.toMatch(/pk_test|tabs1|acct_secretive/);
    expect(wire).toContain('/products?limit=3');
  });

  describe('what another tab sends is checked, as a response would be', () => {
    /** Spies on the channels: their names, what they post, and a way to post as a tab of another version would. */
    const spyOnChannels = () => {
      const names: string[] = [];
      const posted: Array<{ key?: string }> = [];
      const Original = globalThis.BroadcastChannel;
      vi.spyOn(globalThis, 'BroadcastChannel').mockImplementation(function (this: unknown, name: string) {
        names.push(name);
        const channel = new Original(name);
        const post = channel.postMessage.bind(channel);
        channel.postMessage = (message: { key?: string }) => { posted.push(message); post(message); };
        return channel;
      } as unknown as typeof BroadcastChannel);
      const forge = (message: unknown) => {
        const channel = new Original(names[0]!);
        channel.postMessage(message);
        channel.close();
      };
      return { posted, forge };
    };

    it("an answer that fails the call's schema is not served; a valid one is kept no longer than the TTL", async () => {
      const { posted, forge } = spyOnChannels();
      await getBalance(tab()); // learns the message key of the balance
      const key = posted.find((message) => 'value' in message)!.key;
      const a = tab();
      const forever = 8.64e15;
      forge({ key, value: { object: 'not-a-balance', available: 'x' }, at: forever });
      await deliver();
      expect(await getBalance(a)).toMatchObject({ object: 'balance' });
      expect(gets()).toHaveLength(2); // the forged answer was refused: a's own request
      const valid = { object: 'balance', livemode: false, available: [{ amount: 7, currency: 'ssusd' }], pending: [] };
      forge({ key, value: valid, at: forever }); // answered "in the future": taken as answered now
      await deliver();
      expect(await getBalance(a, { fresh: false })).toEqual(valid); // a valid answer from a tab is used...
      const now = Date.now();
      vi.spyOn(Date, 'now').mockReturnValue(now + 6_000);
      expect(await getBalance(a)).not.toEqual(valid); // ...for the balance's 5 s TTL, not until the year 275760
      expect(gets()).toHaveLength(3);
    });

    it('ignores messages that are not its own (null, text, a key that is not a string): they push out no answer of a tab', async () => {
      const { forge } = spyOnChannels();
      const [a, b] = [tab(), tab()];
      const balance = await getBalance(a);
      await deliver(); // b holds a's answer now
      // More than the 100 answers from other tabs a tab keeps: were they taken in, a's would be pushed out.
      for (const message of [null, 'hello', 42, { key: 5, value: 1, at: 1 }, { started: true }]) forge(message);
      for (let index = 0; index < 101; index++) forge({ key: index, value: balance, at: Date.now() });
      await deliver();
      expect(await getBalance(b)).toEqual(balance);
      expect(gets()).toHaveLength(1);
    });
  });

  it('stays off unless asked for: a client without crossTab() opens no channel', async () => {
    const spy = vi.spyOn(globalThis, 'BroadcastChannel');
    await getBalance(createClient({ publishableKey: 'pk_test_tabs1', apiBase: api.url }));
    expect(spy).not.toHaveBeenCalled();
  });
});
