/**
 * What the clients of one JS realm (a page, a worker) share, whatever bundle made them: one pacer per API base and
 * key (the API limits the key, not the client), one cache with its requests in flight per key and account.
 * It lives on `globalThis` under a `Symbol.for` name, so two copies of the library on one page (`stateset.js` next
 * to `widget.js`, two builds of the package) find the same one. The name carries the version of this contract
 * (the shape below and the `Pacer` and `Cache` interfaces): copies that agree on it share, copies that do not keep
 * apart. Made at the first `createClient`, never at import.
 */
import { createCache, type Cache } from './cache.js';
import { createPacer, type Pacer, type Plan } from './pace.js';

/** The registry: version 1 of the contract. */
interface Realm {
  /** By `${key} ${apiBase}`. */
  pacers: Map<string, Pacer>;
  /** By `${key} ${accountId ?? ''}`; `bound.max` is the largest `cache.maxEntries` of its clients. */
  caches: Map<string, { cache: Cache; bound: { max: number } }>;
  /** Each client's state (`ClientState`), so a client made by one copy works with the calls and widgets of another. */
  states: WeakMap<object, unknown>;
}

/** The registry's name; the version moves when `Realm`, `Pacer`, `Cache` or `ClientState` change shape. */
export const REALM = '@stateset/browser realm v1';

const realm = (): Realm => ((globalThis as unknown as Record<symbol, Realm>)[Symbol.for(REALM)] ??= { pacers: new Map(), caches: new Map(), states: new WeakMap() });

/** The clients' states. */
export const clientStates = (): WeakMap<object, unknown> => realm().states;

/** The key's pacer at `apiBase`, made for `plan` or tightened to it (the stricter plan wins). */
export function sharedPacer(key: string, apiBase: string, plan: Plan): Pacer {
  const { pacers } = realm();
  const id = `${key} ${apiBase}`;
  const pacer = pacers.get(id);
  if (pacer) pacer.tighten(plan);
  return pacer ?? pacers.set(id, createPacer(plan)).get(id)!;
}

/** The cache of a key and account (`id`), holding at least `max` entries. */
export function sharedCache(id: string, max: number): Cache {
  const { caches } = realm();
  let shared = caches.get(id);
  if (!shared) {
    const bound = { max };
    caches.set(id, (shared = { cache: createCache(bound), bound }));
  }
  shared.bound.max = Math.max(shared.bound.max, max);
  return shared.cache;
}

/** Forgets the key's pacers and caches (every API base and account), emptying the caches. */
export function forgetKey(key: string): void {
  const { pacers, caches } = realm();
  for (const [id, { cache }] of caches) if (id.startsWith(`${key} `) && caches.delete(id)) cache.clear();
  for (const id of pacers.keys()) if (id.startsWith(`${key} `)) pacers.delete(id);
}
