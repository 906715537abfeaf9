/**
 * The response cache of a client: parsed values by key for their TTL (LRU-bounded), and the requests in flight,
 * so identical calls share one request. Pure: knows nothing of calls, ky or the network.
 */

/** A stored value and the time it stops being fresh (ms since the epoch). */
export interface Entry {
  value: unknown;
  expires: number;
}

/**
 * Loads a value from the network. `signal` (only when the first caller passed one: a caller without one never
 * leaves) aborts when every caller waiting for it has given up.
 */
export type Load<T> = (signal?: AbortSignal) => Promise<T>;

/**
 * What to do with an entry past its TTL, made by `staleWhileRevalidate()`: given the entry and `run`, which
 * loads (shared and stored as usual) and accepts the caller's signal.
 */
export type Stale = (entry: Entry, run: (signal?: AbortSignal) => Promise<unknown>, signal?: AbortSignal) => Promise<unknown>;

/** Cache settings after normalisation. `max: 0` stores nothing (requests in flight are still shared). */
export interface CacheSettings {
  ttl?: number | undefined;
  max: number;
  swr?: Stale | undefined;
}

/** What checks a value that did not come from this tab's own request (the row's zod schema). */
export interface Schema {
  safeParse(value: unknown): { success: boolean };
}

/**
 * A client's cache: `cache(key, ttl, load, fresh?, signal?, schema?)` answers from a fresh entry, the request in
 * flight for `key`, or a new `load`, whose value it keeps for `ttl` ms (errors never). `schema` is for `Share`s,
 * which check with it what other tabs send; the cache itself stores only values `load` validated.
 */
export interface Cache {
  <T>(key: string, ttl: number, load: Load<T>, fresh?: boolean, signal?: AbortSignal, schema?: Schema): Promise<T>;
  /** Stores an entry (made here, or by another tab). */
  put(key: string, entry: Entry): void;
  /** Forgets every entry and request in flight (those still finish for their callers, unstored). */
  clear(): void;
}

/** Extends a client's cache beyond the client, made by `crossTab()`. `id` is the key and account, the end of every cache key of the client. */
export type Share = (cache: Cache, id: string) => Cache;

/** A request in flight: its promise, the controller that aborts it, and how many callers wait for it. */
interface Flight {
  promise: Promise<unknown>;
  controller: AbortController | undefined;
  callers: number;
}

/** The cache of one client (see `Cache`); `max: 0` keeps no answers but still shares requests in flight. */
/* @__NO_SIDE_EFFECTS__ */
export function createCache({ max, swr }: CacheSettings): Cache {
  const entries = new Map<string, Entry>();
  let flights = new Map<string, Flight>();
  const drop = (key: string, flight: Flight | undefined): boolean => flights.get(key) === flight && flights.delete(key);
  const put = (key: string, entry: Entry): void => {
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > max) entries.delete(entries.keys().next().value!);
  };

  /** Joins the request in flight for `key`, or starts it. A caller's abort rejects that caller only; the request is aborted when all have. */
  const join = (key: string, ttl: number, load: Load<unknown>, signal?: AbortSignal): Promise<unknown> => {
    let flight = flights.get(key);
    if (!flight) {
      const controller = signal && new AbortController();
      const promise = load(controller?.signal).then((value) => {
        if (drop(key, flight)) put(key, { value, expires: Date.now() + ttl });
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
            if (!--shared.callers) drop(key, shared), shared.controller!.abort();
          };
          signal.addEventListener('abort', stop);
          void shared.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
        })
      : shared.promise;
  };

  const cache = (async (key: string, ttl: number, load: Load<unknown>, fresh?: boolean, signal?: AbortSignal) => {
    const entry = entries.get(key);
    if (entry && !fresh && entry.expires > Date.now()) {
      put(key, entry);
      return entry.value;
    }
    const run = (caller?: AbortSignal): Promise<unknown> => join(key, ttl, load, caller);
    return entry && swr && !fresh ? swr(entry, run, signal) : run(signal);
  }) as Cache;
  cache.put = put;
  cache.clear = () => {
    entries.clear();
    flights = new Map();
  };
  return cache;
}

/** Options of `staleWhileRevalidate()`. */
export interface StaleOptions {
  /**
   * For how long past its TTL (ms) an entry is still served at once while a background request refreshes it.
   * `0`: always wait for the network (useful with `ifError`).
   * @default Infinity
   */
  window?: number | undefined;
  /**
   * Serve the stale entry, however old, when the request fails with a network error, a timeout, a 429 or a 5xx.
   * @default false
   */
  ifError?: boolean | undefined;
}

const transient = (error: unknown): boolean => {
  const { code, status } = Object(error) as { code?: string; status?: number };
  return code === 'network_error' || code === 'timeout' || (status ?? 0) >= 500 || status === 429;
};

/**
 * Stale-while-revalidate for the cache option: `cache: { swr: staleWhileRevalidate() }`. An expired entry is
 * served at once and refreshed in the background (shared, paced; a failure keeps the old entry). Calls with
 * `{ fresh: true }` always wait for the network. Only bundled when imported.
 * @example createClient({ publishableKey, cache: { swr: staleWhileRevalidate({ ifError: true }) } })
 */
/* @__NO_SIDE_EFFECTS__ */
export function staleWhileRevalidate({ window = Infinity, ifError = false }: StaleOptions = {}): Stale {
  return (entry, run, signal) => {
    if (Date.now() - entry.expires < window) {
      run().catch(() => undefined);
      return Promise.resolve(entry.value);
    }
    return run(signal).catch((error: unknown) => {
      if (ifError && !signal?.aborted && transient(error)) return entry.value;
      throw error;
    });
  };
}
