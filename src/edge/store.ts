/**
 * Where the edge keeps answers: an interface, an in-memory LRU (the default without a platform cache) and the
 * platform Cache API (`caches.default` on Cloudflare Workers). Keys never hold an API key (see `handler.ts`).
 */

/** A stored 2xx answer of the API: the body as received, and what the edge needs to serve it again. */
export interface StoredAnswer {
  /** The body, exactly as the API sent it (validated JSON). */
  body: string;
  /** Strong validator of `body`: `"<sha-256, base64url>"`. */
  etag: string;
  /** When it was fetched (ms since the epoch): its age is measured from here. */
  stored: number;
  /** The API's `X-Request-Id` of the request that fetched it. */
  requestId?: string | undefined;
}

/** The edge's storage. `put` keeps an answer at least `keepMs` (its TTL plus how long it may be served stale). */
export interface EdgeStore {
  get(key: string): Promise<StoredAnswer | undefined>;
  put(key: string, answer: StoredAnswer, keepMs: number): Promise<void>;
}

/** Options of `memoryStore`. */
export interface MemoryStoreOptions {
  /** How many answers are kept; the least recently used go first. @default 1000 */
  maxEntries?: number | undefined;
  /** The clock. @default Date.now */
  now?: (() => number) | undefined;
}

/** An in-memory LRU store, per process (per isolate on Workers). */
/* @__NO_SIDE_EFFECTS__ */
export function memoryStore({ maxEntries = 1_000, now = Date.now }: MemoryStoreOptions = {}): EdgeStore {
  const entries = new Map<string, { answer: StoredAnswer; until: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.until <= now()) return undefined;
      entries.set(key, entry); // most recently used last
      return entry.answer;
    },
    async put(key, answer, keepMs) {
      entries.delete(key);
      entries.set(key, { answer, until: now() + keepMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}

/** The part of the platform Cache API the edge uses (`caches.default` on Workers, `await caches.open(name)` elsewhere). */
export interface CacheLike {
  match(request: Request | string): Promise<Response | undefined>;
  put(request: Request | string, response: Response): Promise<void>;
}

/** A made-up origin for cache keys: the Cache API wants URLs, and none of ours may point anywhere real. */
const keyBase = 'https://stateset-edge.invalid/';

/**
 * The platform Cache API as a store. Workers' cache is per data centre and honours `Cache-Control: max-age`
 * for how long it keeps an entry; the edge's own headers carry the rest.
 */
/* @__NO_SIDE_EFFECTS__ */
export function cacheApiStore(cache: CacheLike): EdgeStore {
  const url = (key: string): string => keyBase + encodeURIComponent(key);
  return {
    async get(key) {
      const response = await cache.match(url(key));
      if (!response?.ok) return undefined;
      const stored = Number(response.headers.get('X-Edge-Stored'));
      const etag = response.headers.get('X-Edge-ETag');
      if (!Number.isFinite(stored) || !etag) return undefined;
      return { body: await response.text(), etag, stored, requestId: response.headers.get('X-Request-Id') ?? undefined };
    },
    async put(key, answer, keepMs) {
      const headers = new Headers({
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': `public, max-age=${Math.max(1, Math.ceil(keepMs / 1000))}`,
        'X-Edge-Stored': String(answer.stored),
        'X-Edge-ETag': answer.etag,
      });
      if (answer.requestId) headers.set('X-Request-Id', answer.requestId);
      await cache.put(url(key), new Response(answer.body, { headers }));
    },
  };
}

/** The platform's cache where there is one (`caches.default` on Workers), else an in-memory LRU. */
export function defaultStore(): EdgeStore {
  const platform = (globalThis as { caches?: { default?: CacheLike } }).caches?.default;
  return platform ? cacheApiStore(platform) : memoryStore();
}
