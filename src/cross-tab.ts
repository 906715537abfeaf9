/**
 * Opt-in sharing between the tabs of one origin through `BroadcastChannel`: each stored entry is sent to the other
 * tabs' caches, and a tab that needs what another tab is already fetching waits for that answer instead of asking
 * again. Bundled only when `crossTab` is imported; the channel opens at `createClient`, never at import.
 */
import type { Cache, CacheCall, Entry, Load, Schema, Share } from './cache.js';
import type { Pacer, Plan } from './pace.js';
import { persistent, type PersistOptions } from './persist.js';

/** Options of `crossTab()`. */
export interface CrossTabOptions {
  /**
   * Channel name prefix. Tabs share only within the same name, publishable key and account.
   * @default 'stateset'
   */
  name?: string | undefined;
  /**
   * How long (ms) to wait for another tab's request in flight before sending our own.
   * @default 10000
   */
  wait?: number | undefined;
  /**
   * Keep answers across page loads too, in the origin's `localStorage` (`true`, or its bounds): the next page load
   * answers from it first, within the call's TTL without a request, past it with `cache.swr` the stored value at once
   * and one request in the background. Stored per key and account (by fingerprint), checked against the call's schema
   * when read, never holding a secret; where storage is blocked or full, answers stay in memory, with no error.
   * @default false
   */
  persist?: boolean | PersistOptions | undefined;
}

/** A `share` option for `createClient`; `close()` closes the channels it opened. */
export interface CrossTab extends Share {
  close(): void;
}

/**
 * A short, stable, non-cryptographic fingerprint (two 32-bit FNV-1a variants), so the channel name carries no key,
 * yet differs for every key and account.
 */
function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x5bd1e995;
  for (let index = 0; index < text.length; index++) {
    a = Math.imul(a ^ text.charCodeAt(index), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(index), 0x5bd1e995);
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
}

interface Message {
  /** Cache key: method and URL (the channel stands for the key and account). */
  key: string;
  /** A request for `key` started. */
  started?: true;
  /** The value and when it was answered; both absent when the request failed. */
  value?: unknown;
  at?: number;
  /** What the server said of it (the ETag, its `max-age`), when it did: see `Entry`. */
  etag?: string | undefined;
  ttl?: number | undefined;
}

/**
 * Shares cached responses and requests in flight with the other tabs of this origin, so five open tabs of a
 * storefront cost one request, not five. Tabs meet on a channel named by a fingerprint of the key and account;
 * messages carry the method and URL and the parsed value, never the key. A value from another tab is used only if the
 * call's schema accepts it, and for no longer than the call's TTL. Where Web Locks exist, a tab claims a URL before
 * sending it, so two tabs asking in the same instant send one request, and the tabs share the key's rate limit
 * (its `burst` tokens are Web Locks, see `tabsPacer`); without them each tab paces alone.
 * @example const client = createClient({ publishableKey: 'pk_live_…', share: crossTab() });
 */
/* @__NO_SIDE_EFFECTS__ */
export function crossTab({ name = 'stateset', wait = 10_000, persist = false }: CrossTabOptions = {}): CrossTab {
  const { maxAge = 86_400_000 } = Object(persist) as PersistOptions;
  const channels: BroadcastChannel[] = [];
  /** The tabs' cache made for each of the realm's caches: clients of one key and account share one channel. */
  const made = new WeakMap<Cache, Cache>();
  const share: Share = (cache, id) => {
    if (typeof BroadcastChannel !== 'function') return cache; // an old browser: no sharing, nothing breaks
    const known = made.get(cache);
    if (known) return known;
    const channelName = `${name}:${fingerprint(id)}`;
    const store = persist ? persistent(`${channelName}:`, `${name}:lru`, fingerprint, Object(persist) as PersistOptions) : undefined;
    /** The keys this page has looked up in `store` (once each: from then on, this page's cache and the tabs' answers are newer). */
    const looked = new Set<string>();
    const channel = new BroadcastChannel(channelName);
    const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    (channel as { unref?: () => void }).unref?.(); // Node (SSR): do not keep the process alive.
    channels.push(channel);
    const post = (message: Message): void => channel.postMessage(message);
    const startedAt = new Map<string, number>();
    /** Per key, the flights of this tab waiting for another tab's answer (several, after a `clearCache` mid-wait). */
    const waiting = new Map<string, Set<(entry?: Entry) => void>>();
    // Other tabs' answers, unchecked: each is checked against the row's schema when this tab asks for its key.
    const received = new Map<string, Entry>();
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      const { key, started, value, at, etag, ttl } = Object(data) as Message;
      if (typeof key !== 'string') return; // not one of ours
      if (started) return void startedAt.set(key, Date.now());
      startedAt.delete(key);
      const entry = typeof at === 'number' ? { value, at, etag: typeof etag == 'string' ? etag : undefined, ttl: typeof ttl == 'number' ? ttl : undefined } : undefined;
      if (entry) {
        received.delete(key);
        received.set(key, entry);
        if (received.size > 100) received.delete(received.keys().next().value!);
      }
      for (const done of waiting.get(key) ?? []) done(entry);
    };
    /** A peer's entry if the schema accepts its value, answered no later than now (each call's TTL then decides). */
    const checked = (entry: Entry | undefined, schema?: Schema): Entry | undefined =>
      entry && schema?.safeParse(entry.value).success ? { ...entry, at: Math.min(entry.at, Date.now()) } : undefined;
    /** A peer's answer for `key` if one is on its way (up to `wait`), else `undefined` at once. */
    const peer = async (key: string, signal?: AbortSignal): Promise<Entry | undefined> => {
      const left = (startedAt.get(key) ?? -Infinity) + wait - Date.now();
      if (left <= 0) return void startedAt.delete(key); // (a tab that closed mid-request never says it ended)
      return new Promise((resolve, reject) => {
        const flights = waiting.get(key) ?? new Set();
        waiting.set(key, flights);
        const done = (entry?: Entry): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', stop);
          flights.delete(done);
          if (!flights.size && waiting.get(key) === flights) waiting.delete(key);
          resolve(entry);
        };
        const stop = (): void => (reject(signal!.reason), done());
        const timer = setTimeout(done, left);
        signal?.addEventListener('abort', stop);
        flights.add(done);
      });
    };
    const shared = (<T>(key: string, load: Load<T>, call: CacheCall) => {
      const { schema, ttl, stale } = call;
      if (store && !looked.has(key)) {
        if (looked.size > 1000) looked.clear();
        looked.add(key);
        const kept = store.read(key, schema);
        if (kept) cache.put(key, kept);
      }
      const early = checked(received.get(key), schema);
      received.delete(key);
      if (early) cache.put(key, early);
      /** Set when this call's load sent the request: its answer is then stored (whole, as the cache keeps it). */
      let sent = false;
      const keep = <V>(value: V): V => {
        if (sent) {
          sent = false;
          // What the cache kept (none for a `no-store` answer); a cache of an older copy has no `get`: the value as sent.
          const entry = cache.get ? cache.get(key) : { value, at: Date.now() };
          if (entry) store!.write(key, entry, entry.at + (stale ? maxAge : ttl));
        }
        return value;
      };
      // With a store, what the cache answers (and, past the TTL with `stale`, what its background request answers) is
      // stored once the cache has it.
      const asked = store && stale ? { ...call, stale: (entry: Entry, run: (signal?: AbortSignal) => Promise<unknown>, again: CacheCall) => stale(entry, (signal) => run(signal).then(keep), again) } : call;
      const answer = cache(key, async (flight, note) => {
        let entry = checked(await peer(key, flight), schema);
        if (entry) return entry.value as T; // the answer to the request in flight, like joining it here
        // Claim the URL across tabs before sending (a Web Lock, held until our answer is out): a tab that asks in
        // the same instant finds it claimed and waits for our answer instead of sending too. Without Web Locks
        // (an old browser), two tabs asking within the same few milliseconds may both send.
        let release = (): void => undefined;
        const held = new Promise<void>((resolve) => (release = resolve));
        const claimed = !locks || await new Promise<boolean>((resolve) => {
          void locks.request(`${channelName} ${key}`, { ifAvailable: true }, (lock) => {
            resolve(!!lock);
            return lock && held;
          });
        });
        if (!claimed) {
          if (!startedAt.has(key)) startedAt.set(key, Date.now()); // another tab has it in flight
          entry = checked((await peer(key, flight)) ?? received.get(key), schema);
          if (entry) return entry.value as T;
        }
        post({ key, started: true });
        try {
          const value = await load(flight, note);
          sent = true;
          received.delete(key); // an answer another tab sent meanwhile is older than ours
          post({ key, value, at: Date.now(), etag: note?.etag, ttl: note?.ttl });
          return value;
        } catch (error) {
          post({ key });
          throw error;
        } finally {
          release();
        }
      }, asked);
      return store ? answer.then(keep) : answer;
    }) as Cache;
    // Clearing forgets what other tabs sent too (and what this page stored): the next calls go to the network (or
    // wait for a tab already asking).
    made.set(cache, Object.assign(shared, { put: cache.put, clear: () => (received.clear(), store?.clear(), cache.clear()) }));
    return shared;
  };
  /** Per key, when each token is lent until as this tab knows it, and how to tell the others (one channel per key). */
  const lent = new Map<string, Lent>();
  const lending = (prefix: string): Lent => { // (called only where Web Locks exist, hence BroadcastChannel too)
    const channel = new BroadcastChannel(prefix);
    (channel as { unref?: () => void }).unref?.();
    channels.push(channel);
    const until = new Map<number, number>();
    // (Whatever another script posts here can only shorten or lengthen a wait within one refill.)
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      const { 0: index, 1: time } = Object(data) as number[];
      until.set(index!, time!);
    };
    return [until, (index, time) => {
      until.set(index, time);
      try {
        channel.postMessage([index, time]);
      } catch { /* closed by close(): a request that ends later tells no one */ }
    }];
  };
  share.pace = (pacer, id, plan) => {
    const prefix = `${name}:${fingerprint(id)} token `;
    return tabsPacer(pacer, prefix, plan, () => lent.get(prefix) ?? lent.set(prefix, lending(prefix)).get(prefix)!);
  };
  return Object.assign(share, { close: () => channels.forEach((channel) => channel.close()) });
}

/**
 * When each token lock is lent until, as this tab knows it (a request's token is lent until `burst / perSecond`
 * seconds after its answer; `Infinity` while the request is in flight), and a function that sets it and tells the
 * other tabs.
 */
type Lent = [until: Map<number, number>, post: (index: number, until: number) => void];

/**
 * The key's budget shared by the tabs of one origin, kept by the browser's lock manager: the bucket's `burst` tokens
 * are `burst` Web Locks (`prefix` + 0 … burst − 1). A request sends only while it holds one, and keeps it until
 * `burst / perSecond` seconds after its answer (the refill of the bucket, counted from the safe side like this realm's
 * pacer), so all tabs together send at most `burst` requests in any such span: the plan's burst, then its rate.
 * No leader and no storage: a tab that closes loses only its own calls (the browser drops its lock requests and
 * frees its tokens), every other tab's queued calls keep their places in the lock manager's queues. The browser
 * frees a closed tab's tokens at once, so the tabs also post when each token is lent until (`lent`), and a tab that
 * gets a token before then waits for it: for the refill from now when its holder vanished mid-request. Each tab's
 * own pacer still runs first (server-set pauses, rate-limit headers). Without Web Locks: the tab's own pacer alone.
 */
function tabsPacer(pacer: Pacer, prefix: string, { perSecond, burst }: Plan, lending: () => Lent): Pacer {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return pacer;
  const [lent, post] = lending();
  const tokens = Math.max(1, Math.floor(burst));
  const refill = (tokens * 1000) / perSecond;
  /** The tokens this tab's requests in flight hold (their indexes and releases), oldest first. */
  const held: Array<[number, () => void]> = [];
  let next = 0;
  /** Holds token `index` until the returned release is called; `undefined` when `signal` is absent and the token is taken. */
  const hold = (index: number, signal?: AbortSignal) => new Promise<[number, () => void] | undefined>((resolve, reject) => {
    locks.request(prefix + index, signal ? { signal } : { ifAvailable: true }, (lock) =>
      lock ? new Promise<void>((release) => resolve([index, release])) : resolve(undefined)).catch(reject);
  });
  /** A free token if there is one, else a place in the queue of the next one in turn; then the rest of its loan. */
  const token = async (signal: AbortSignal): Promise<[number, () => void]> => {
    let got: [number, () => void] | undefined;
    for (let tried = 0; !got && tried < tokens; tried++) got = await hold((next + tried) % tokens);
    got ??= (await hold(next++ % tokens, signal))!;
    const wait = Math.min(refill, (lent.get(got[0]) ?? 0) - Date.now()); // Infinity: its holder went mid-request
    if (wait > 0) {
      await new Promise<void>((resolve, reject) => {
        const stop = (): void => (clearTimeout(timer), got[1](), reject(signal.reason));
        const timer = setTimeout(() => resolve(signal.removeEventListener('abort', stop)), wait);
        signal.aborted ? stop() : signal.addEventListener('abort', stop);
      });
    }
    post(got[0], Infinity);
    return got;
  };
  return {
    async take(signal, first) {
      const wait = await pacer.take(signal, first);
      if (wait) return wait;
      try {
        held.push(await token(signal));
      } catch (error) {
        pacer.see(); // the realm's token goes back: nothing was sent
        throw error;
      }
      return 0;
    },
    see(response) {
      pacer.see(response);
      const [index, release] = held.shift()!;
      setTimeout(release, refill);
      post(index, Date.now() + refill);
    },
    tighten: pacer.tighten,
  };
}
