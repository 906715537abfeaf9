/**
 * Answers kept across page loads in the origin's `localStorage`, for `crossTab({ persist })`: bundled only with
 * `crossTab`. One item per answer, named by fingerprints of the key and account and of the method and URL (never a
 * key), plus one index (least recently used first) that bounds them. Every read is checked (format version, URL,
 * expiry, the call's schema) and every failure (no storage, a getter or `setItem` that throws, a full quota) is
 * swallowed: the page then keeps answers in memory only. Nothing is touched before the first call.
 */
import type { Entry, Schema } from './cache.js';
import { findSecret } from './key.js';

/** Options of `crossTab({ persist })`. */
export interface PersistOptions {
  /**
   * How long (ms) a stored answer is kept for calls that serve stale answers (`cache.swr`); for other calls, the
   * call's TTL.
   * @default 86400000 (a day)
   */
  maxAge?: number | undefined;
  /**
   * How many answers the origin's storage keeps for this channel `name` (every key and account together); the least
   * recently used go first.
   * @default 50
   */
  maxEntries?: number | undefined;
  /**
   * How many characters (item names and JSON) those answers may take together, so they never crowd out the site's own
   * storage (5 MB or so per origin); an answer bigger than this is not stored.
   * @default 500000
   */
  maxSize?: number | undefined;
}

/** The shape of a stored item; `v` moves whenever it changes, and an item of another version is not read. */
const VERSION = 1;

/** An answer's storage, for one key and account. */
export interface Store {
  /** The stored entry of `key` if it is of this version, unexpired and accepted by `schema`; else `undefined`. */
  read(key: string, schema: Schema | undefined): Entry | undefined;
  /** Stores `entry` until `until` (ms since the epoch), unless it holds a secret. */
  write(key: string, entry: Entry, until: number): void;
  /** Removes every stored answer of this key and account. */
  clear(): void;
}

/** The origin's storage, or `undefined` where there is none or it is blocked (its getter throws in such iframes). */
const storage = (): Storage | undefined => {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
};

/**
 * The store of one key and account: items `${prefix}${hash(key)}`, indexed in `${index}` as `[name, size]` pairs.
 * `hash` is crossTab's fingerprint.
 */
/* @__NO_SIDE_EFFECTS__ */
export function persistent(prefix: string, index: string, hash: (text: string) => string, options: PersistOptions): Store {
  const { maxEntries = 50, maxSize = 500_000 } = options;
  /** Set after a write failed even with the index emptied: this page stores nothing more. */
  let broken = false;
  const get = (name: string): string | null | undefined => {
    try {
      return storage()?.getItem(name);
    } catch {
      return undefined;
    }
  };
  const remove = (name: string): void => {
    try {
      storage()?.removeItem(name);
    } catch {
      // blocked: nothing to remove
    }
  };
  /** The index, least recently used first; anything unreadable counts as empty. */
  const list = (): Array<[string, number]> => {
    try {
      const parsed: unknown = JSON.parse(get(index) ?? '[]');
      return Array.isArray(parsed)
        ? parsed.filter((item): item is [string, number] => Array.isArray(item) && typeof item[0] === 'string' && typeof item[1] === 'number')
        : [];
    } catch {
      return [];
    }
  };
  /** Writes `name` (when `text` is given) and the index with `name` last, evicting the least recently used until both fit. */
  const save = (name: string, text?: string): void => {
    const store = storage();
    if (!store || broken) return;
    const all = list();
    const items = all.filter(([other]) => other !== name);
    const size = text === undefined ? (all.find(([other]) => other === name)?.[1] ?? name.length) : name.length + text.length;
    if (size > maxSize) return remove(name);
    items.push([name, size]);
    const total = (): number => items.reduce((sum, [, bytes]) => sum + bytes, 0);
    while (items.length > maxEntries || total() > maxSize) remove(items.shift()![0]);
    for (;;) {
      try {
        if (text !== undefined) store.setItem(name, text);
        store.setItem(index, JSON.stringify(items));
        return;
      } catch {
        // Over quota (or Safari's private mode of old, where every setItem throws): make room and try again.
        if (items.length < 2) {
          broken = true;
          return remove(name);
        }
        remove(items.shift()![0]);
      }
    }
  };
  return {
    read(key, schema) {
      const name = prefix + hash(key);
      const text = get(name);
      if (!text) return undefined;
      let item: { v?: unknown; k?: unknown; u?: unknown; e?: Entry } | undefined;
      try {
        item = Object(JSON.parse(text)) as typeof item;
      } catch {
        // not JSON: not ours
      }
      const entry = Object(item?.e) as Entry;
      // (A wrong shape, another version's item, another URL of the same fingerprint, an answer dated in the future (a
      // clock set back, or planted to stay fresh): ignored, and overwritten by the next answer.)
      if (item?.v !== VERSION || item.k !== key || !(entry.at <= Date.now()) || !schema?.safeParse(entry.value).success) return undefined;
      if (!(Number(item.u) > Date.now())) return void remove(name); // expired
      save(name); // used: last in the index
      return { ...entry };
    },
    write(key, entry, until) {
      const name = prefix + hash(key);
      const text = JSON.stringify({ v: VERSION, k: key, u: until, e: entry });
      // Values come validated from the API, yet one may carry a secret key (in a product's text, say): never stored.
      if (findSecret(text)) return remove(name);
      save(name, text);
    },
    clear() {
      const items = list();
      for (const [name] of items) if (name.startsWith(prefix)) remove(name);
      try {
        storage()?.setItem(index, JSON.stringify(items.filter(([name]) => !name.startsWith(prefix))));
      } catch {
        // blocked or full: the items are gone, the index forgets them when next written
      }
    },
  };
}
