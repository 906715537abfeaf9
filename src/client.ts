/**
 * `createClient`: checks the key, normalises the options once, and builds the client's HTTP instance on the pacer and
 * cache the key shares in this realm (`realm.ts`).
 */
import type { KyInstance } from 'ky';
import type { Cache, Stale } from './cache.js';
import { invalidOption } from './errors.js';
import { assertPublishableKey } from './key.js';
import { normalizeOptions, type ClientOptions } from './options.js';
import { own } from './own.js';
import { clientStates, forgetKey, sharedCache, sharedPacer } from './realm.js';
import { createWire } from './wire.js';

/** Types only (nothing at run time): marks objects made by `createClient`, so a look-alike does not compile. */
declare const made: unique symbol;

/** A configured client, made by `createClient`. Pass it to every call: `getBalance(client)`. */
export interface Client {
  readonly [made]: true;
  /** `false` for `pk_test_` keys, `true` for `pk_live_` keys. */
  readonly livemode: boolean;
  /** The API base URL, without a trailing slash. */
  readonly apiBase: string;
  /** The connected account the client acts for, if any. */
  readonly accountId: string | undefined;
}

/** What a client holds besides its public fields. Kept out of the object so logging a client shows no key. */
export interface ClientState {
  readonly http: KyInstance;
  /** The cache of the key and account, shared by their clients in this realm (and beyond it through `share`). */
  readonly cache: Cache;
  /** The key and account (`${key} ${accountId ?? ''}`): what the cache is for, and the queries' fingerprint. */
  readonly id: string;
  /** The `cache.ttl` option: when set, every endpoint's TTL (`0` for `cache: false`: no entry is fresh for it). */
  readonly ttl: number | undefined;
  /** The `cache.swr` option. */
  readonly stale: Stale | undefined;
  /** The `timeout` option, for the message of `TimeoutError`. */
  readonly timeout: number;
}

/** The state of a client made by `createClient` (by this copy of the library or another on the page). */
export function clientState(client: Client): ClientState {
  const state = clientStates().get(client) as ClientState | undefined;
  return state ?? invalidOption('Expected a client made by createClient().');
}

/**
 * Creates a client for a publishable key. Clients of one key share its pacer (per `apiBase`; of two plans the
 * stricter wins), and clients of one key and account share one cache and its requests in flight (each with its own
 * TTLs), in this realm and across the library's bundles on the page.
 * @throws SecretKeyError for an `sk_`/`rk_` key, InvalidKeyError for any other non-publishable key,
 * ConfigError for an insecure `apiBase` or a bad option. Nothing is sent.
 * @example const client = createClient({ publishableKey: 'pk_test_…' });
 */
/* @__NO_SIDE_EFFECTS__ */
export function createClient(options: ClientOptions): Client {
  if (typeof options !== 'object' || options === null) invalidOption('createClient expects an options object.');
  // Own properties only, each read once: an option set on Object.prototype (a polluted page) is not an option.
  options = own(options);
  const key = assertPublishableKey(options.publishableKey);
  const normalized = normalizeOptions(options);
  const { apiBase, accountId, rateLimit, cache: settings, share, timeout } = normalized;
  const id = `${key} ${accountId ?? ''}`;
  const pacer = rateLimit && sharedPacer(key, apiBase, rateLimit);
  // With `crossTab()`, the pacer of this realm goes on to the tabs' shared one.
  const http = createWire(key, normalized, pacer ? share?.pace?.(pacer, `${key} ${apiBase}`, rateLimit) ?? pacer : undefined);
  const client = Object.freeze({ livemode: key.startsWith('pk_live_'), apiBase, accountId }) as Client;
  const cache = sharedCache(id, settings.max);
  clientStates().set(client, { http, cache: share?.(cache, id) ?? cache, id, ttl: settings.max ? settings.ttl : 0, stale: settings.swr, timeout });
  return client;
}

/**
 * Empties the cache the client shares with the other clients of its key and account: the next calls go to the
 * network (requests already in flight finish unstored).
 * @example clearCache(client);
 */
export function clearCache(client: Client): void {
  clientState(client).cache.clear();
}

/**
 * Drops what this realm keeps for the client's key: its pacers and caches (every `apiBase` and account) are emptied
 * and forgotten, so clients made afterwards start afresh. For a long-lived page that is done with a key; clients
 * themselves need no dropping (nothing holds them: a client no longer referenced is garbage-collected).
 * @example dropKey(client);
 */
export function dropKey(client: Client): void {
  forgetKey(clientState(client).id.split(' ')[0]!);
}
