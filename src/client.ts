/**
 * `createClient`: checks the key, normalises the options once and builds the HTTP instance, cache and pacer.
 */
import ky, { HTTPError, type KyInstance } from 'ky';
import { createCache, type Cache } from './cache.js';
import { StateSetError } from './errors.js';
import { assertNoSecret, assertPublishableKey } from './key.js';
import { invalidOption, type ClientOptions, type FetchLike, normalizeOptions } from './options.js';
import { own } from './own.js';
import { createPacer, MAX_WAIT, retryAfterMs, type Pacer } from './pace.js';

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
  readonly cache: Cache;
  /** The key and account, the end of every cache key: entries of two keys or accounts never mix, even when shared. */
  readonly id: string;
  /** The `cache.ttl` option: when set, every endpoint's TTL. */
  readonly ttl: number | undefined;
  /** The `timeout` option, for the message of `TimeoutError`. */
  readonly timeout: number;
}

const states = /* @__PURE__ */ new WeakMap<Client, ClientState>();

/** The state of a client made by `createClient`. */
export function clientState(client: Client): ClientState {
  const state = states.get(client);
  return state ?? invalidOption('Expected a client made by createClient().');
}

/**
 * The last check before the network, on every attempt (retries too): no secret in the URL or any header,
 * whatever a hook or a custom `fetch` did before. Then the configured or global `fetch`, whose answer the pacer reads.
 */
function guardedFetch(fetch: FetchLike | undefined, pacer: Pacer | false) {
  return async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    let response: Response | undefined;
    try {
      const request = input instanceof Request ? input : undefined;
      assertNoSecret(request?.url ?? String(input), 'the request URL');
      // The request's own Headers as they are (no copy: this runs on every request), and the init's if any.
      for (const headers of [request?.headers, init?.headers && new Headers(init.headers)]) {
        for (const [name, value] of headers ?? []) assertNoSecret(value, `the ${name} header`);
      }
      return (response = await (fetch ?? globalThis.fetch)(input, init));
    } finally {
      // Every request that took a token ends here, answered or not: the server had it by now.
      if (pacer) pacer.see(response);
    }
  };
}

/**
 * Creates a client for a publishable key.
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
  const id = `${key} ${normalized.accountId ?? ''}`;
  const pacer = normalized.rateLimit && createPacer(normalized.rateLimit);
  // ky 1 runs `beforeRequest` before every attempt, as `(request, options, { retryCount })`; ky 2 runs it once, as
  // `({ request })`, and `beforeRetry` before each retry. Either way every attempt waits for a token, once.
  let ky2: unknown;
  const paced = (request: Request, retry?: unknown) => (pacer as Pacer).take(request.signal, !!retry).then((wait) =>
    wait ? new Response(null, { status: 429, headers: { 'Retry-After': `${wait / 1000}` } }) : undefined);
  const http = ky.create({
    timeout: normalized.timeout,
    retry: {
      // ky's default methods include GET, the only one we send; its afterStatusCodes, less 413, are ours.
      limit: normalized.retry,
      statusCodes: [429, 500, 502, 503, 504],
      jitter: true,
      backoffLimit: MAX_WAIT,
      // ky also reads rate-limit headers we do not (`RateLimit-Reset`, …): however long they say, it waits no longer.
      maxRetryAfter: MAX_WAIT,
      // Our own errors (a refused secret, a call aborted in the queue) and waits beyond MAX_WAIT are final.
      shouldRetry: ({ error }) =>
        error instanceof StateSetError || (error instanceof HTTPError && (retryAfterMs(error.response.headers) ?? 0) > MAX_WAIT) ? false : undefined,
    },
    hooks: pacer ? {
      // Every attempt, retries too, waits for a token; a pause too long to wait for becomes a 429 without a request.
      beforeRequest: [(first: Request | { request: Request }, _?: unknown, state?: { retryCount: number }) =>
        'url' in first ? paced(first, state!.retryCount) : paced((ky2 = first).request)],
      beforeRetry: [({ request }) => (ky2 ? paced(request, 1) : undefined)],
    } : {},
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${key}`,
      ...(normalized.accountId && { 'X-Account-Id': normalized.accountId }),
    },
    fetch: guardedFetch(normalized.fetch, pacer),
  });
  const client = Object.freeze({ livemode: key.startsWith('pk_live_'), apiBase: normalized.apiBase, accountId: normalized.accountId }) as Client;
  const cache = createCache(normalized.cache);
  states.set(client, { http, cache: normalized.share?.(cache, id) ?? cache, id, ttl: normalized.cache.ttl, timeout: normalized.timeout });
  return client;
}

/**
 * Empties the client's cache: the next calls go to the network (requests already in flight finish unstored).
 * @example clearCache(client);
 */
export function clearCache(client: Client): void {
  clientState(client).cache.clear();
}
