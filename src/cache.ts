/**
 * The response cache of a key and account: parsed values by key (LRU-bounded), and the requests in flight, so
 * identical calls share one request. Each call says how old an entry it accepts (`ttl`): the clients sharing a
 * cache keep their own TTLs. Pure: knows nothing of calls, ky or the network.
 */

import type { Pacer, Plan } from './pace.js';

/**
 * A stored value and when it was answered (ms since the epoch), with what the server said of it: its `ETag`, and
 * `ttl`, how long (ms) it may be kept (`Cache-Control: max-age`; `0`: `no-cache`; below 0: `no-store`, not kept).
 */
export interface Entry {
  value: unknown;
  at: number;
  etag?: string | undefined;
  ttl?: number | undefined;
}

/**
 * Loads a value from the network. `signal` (only when the first caller passed one: a caller without one never
 * leaves) aborts when every caller waiting for it has given up. `entry` is a copy of the stored entry (empty when
 * there is none), which the load may revalidate (its `etag`) and updates with what the answer says (`etag`, `ttl`);
 * the cache stores it with the value. A `Share` that wraps a load passes it on.
 */
export type Load<T> = (signal?: AbortSignal, entry?: Partial<Entry>) => Promise<T>;

/** What checks a value that did not come from this realm's own request (the row's zod schema). */
export interface Schema {
  safeParse(value: unknown): { success: boolean };
}

/** What a call asks of the cache. */
export interface CacheCall {
  /** How old (ms) an entry this call accepts: the client's `cache.ttl`, else the endpoint's. */
  ttl: number;
  /** Skip the entry (still join a request in flight, and store the result). */
  fresh?: boolean | undefined;
  /** This caller's signal: its abort rejects this caller only. */
  signal?: AbortSignal | undefined;
  /** For `Share`s, which check with it what other tabs send; the cache itself stores only values `load` validated. */
  schema?: Schema | undefined;
  /** What to do with an entry past `ttl`: the client's `cache.swr`. */
  stale?: Stale | undefined;
}

/**
 * What to do with an entry past its TTL, made by `staleWhileRevalidate()`: given the entry, `run`, which loads
 * (shared and stored as usual) and accepts the caller's signal, and the call.
 */
export type Stale = (entry: Entry, run: (signal?: AbortSignal) => Promise<unknown>, call: CacheCall) => Promise<unknown>;

/**
 * A cache: `cache(key, load, { ttl, fresh, signal, schema, stale })` answers from an entry younger than `ttl`, the
 * request in flight for `key`, or a new `load`, whose value it keeps (errors never).
 */
export interface Cache {
  <T>(key: string, load: Load<T>, call: CacheCall): Promise<T>;
  /** Stores an entry (made here, or by another tab). */
  put(key: string, entry: Entry): void;
  /** The entry of `key`, whatever its age (absent from the caches of older copies of the library). */
  get?(key: string): Entry | undefined;
  /** Forgets every entry and request in flight (those still finish for their callers, unstored). */
  clear(): void;
}

/** A client's cache settings after normalisation. `max: 0` stores nothing (requests in flight are still shared). */
export interface CacheSettings {
  ttl?: number | undefined;
  max: number;
  swr?: Stale | undefined;
}

/**
 * Extends a client's cache beyond the realm, made by `crossTab()`. `id` is the key and account the cache is for.
 * `pace`, when present, extends the key's pacer the same way (`id`: the key and API base; `plan`: the client's).
 */
export interface Share {
  (cache: Cache, id: string): Cache;
  pace?: ((pacer: Pacer, id: string, plan: Plan) => Pacer) | undefined;
}

/** A request in flight: its promise, the controller that aborts it, and how many callers wait for it. */
interface Flight {
  promise: Promise<unknown>;
  controller: AbortController | undefined;
  callers: number;
}

/**
 * A cache holding at most `bound.max` entries (read at each store: the clients sharing it may raise it; the least
 * recently used go first). `max: 0` keeps no answers but still shares requests in flight.
 */
/* @__NO_SIDE_EFFECTS__ */
export function createCache(bound: { max: number }): Cache {
  const entries = new Map<string, Entry>();
  let flights = new Map<string, Flight>();
  const drop = (key: string, flight: Flight | undefined): boolean => flights.get(key) === flight && flights.delete(key);
  const put = (key: string, entry: Entry): void => {
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > bound.max) entries.delete(entries.keys().next().value!);
  };

  /** Joins the request in flight for `key`, or starts it. A caller's abort rejects that caller only; the request is aborted when all have. */
  const join = (key: string, load: Load<unknown>, signal?: AbortSignal, entry?: Entry): Promise<unknown> => {
    let flight = flights.get(key);
    if (!flight) {
      const controller = signal && new AbortController();
      const note: Partial<Entry> = { ...entry };
      const promise = load(controller?.signal, note).then((value) => {
        // (`no-store`: not kept, and an older entry goes too.)
        if (drop(key, flight)) note.ttl! < 0 ? entries.delete(key) : put(key, { ...note, value, at: Date.now() });
        return value;
      }, (error: unknown) => {
        drop(key, flight);
        throw error;
      });
      flights.set(key, (flight = { promise, controller, callers: 0 }));
    }
    const shared = flight;
    shared.callers++;
    return signal
      ? new Promise((resolve, reject) => {
          const stop = (): void => {
            reject(signal.reason);
            if (!--shared.callers) {
              drop(key, shared);
              shared.controller!.abort();
            }
          };
          signal.addEventListener('abort', stop);
          void shared.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
        })
      : shared.promise;
  };

  const cache = (async (key: string, load: Load<unknown>, call: CacheCall) => {
    const { ttl, fresh, signal, stale } = call;
    const entry = entries.get(key);
    // Fresh for the call's TTL, or the server's max-age when that is shorter.
    if (entry && !fresh && entry.at + (entry.ttl! < ttl ? entry.ttl! : ttl) > Date.now()) {
      put(key, entry);
      return entry.value;
    }
    const run = (caller?: AbortSignal): Promise<unknown> => join(key, load, caller, entry);
    return entry && stale && !fresh ? stale(entry, run, call) : run(signal);
  }) as Cache;
  cache.put = put;
  cache.get = (key) => entries.get(key);
  cache.clear = () => {
    entries.clear();
    flights = new Map();
  };
  return cache;
}
