/**
 * Client options: one interface, one defaults object, normalised in one place.
 */
import type { CacheSettings, Share, Stale } from './cache.js';
import { ConfigError, invalidOption } from './errors.js';
import { assertNoSecret } from './key.js';
import { closest, own } from './own.js';
import { plans, type Plan } from './pace.js';

/** A `fetch`-compatible function (the global one, `undici`'s, a test double). */
export type FetchLike = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * Your publishable key. Secret (`sk_…`) and restricted (`rk_…`) keys are refused with `SecretKeyError`.
   * @example 'pk_test_51H…'
   */
  publishableKey: string;
  /**
   * Base URL of the API. Must be `https:`; plain `http:` only for `localhost`, `127.0.0.1` and `[::1]`. In a page, a path
   * (`'/stateset/v1'`: the edge on your own origin, so no CORS preflight) is resolved against the page; SSR passes an absolute URL.
   * @default 'https://api.stateset.com/v1'
   */
  apiBase?: string | undefined;
  /**
   * Act for a connected account; sent as the `X-Account-Id` header.
   * @default undefined
   * @example 'acct_1a2b3c'
   */
  accountId?: string | undefined;
  /**
   * Milliseconds to wait for each attempt's response headers, and again for its body, before `TimeoutError`.
   * @default 10000
   */
  timeout?: number | undefined;
  /**
   * How many times a GET is retried on 429, 500, 502, 503 or 504, or when no answer came (a dropped connection, DNS):
   * each retry counts once, whichever the failure (with `Retry-After` or jittered exponential backoff). `0` turns retries off.
   * @default 2
   */
  retry?: number | undefined;
  /**
   * The `fetch` to use: for SSR, tests or instrumentation. Every request is checked for secrets before it is called.
   * @default globalThis.fetch (looked up at call time)
   */
  fetch?: FetchLike | undefined;
  /**
   * The response cache. Each endpoint keeps its own TTL (balance 5 s, stablecoin 15 s, products 60 s) unless `ttl`
   * (ms) overrides them all; `maxEntries` bounds it (least recently used go first); `swr: staleWhileRevalidate()`
   * serves expired entries while refreshing them. `false` stores nothing (identical calls in flight still share one request).
   * @default { maxEntries: 100 }
   * @example cache: { ttl: 30_000, maxEntries: 500, swr: staleWhileRevalidate() }
   */
  cache?: false | CacheOptions | undefined;
  /**
   * Client-side pacing: calls queue (first come, first served) so this client stays within your plan:
   * `'free'` (10/s, burst 20), `'starter'` (100/s, 200), `'growth'` (1,000/s, 2,000), your own, or `false`.
   * @default 'free'
   * @example rateLimit: { perSecond: 50, burst: 100 }
   */
  rateLimit?: keyof typeof plans | Plan | false | undefined;
  /**
   * Share cached responses and requests in flight with the other tabs of this origin.
   * @default undefined (off)
   * @example share: crossTab()
   */
  share?: Share | undefined;
}

/** The `cache` option of `createClient`. */
export interface CacheOptions {
  /** Milliseconds an answer stays fresh, for every endpoint. @default each endpoint's own (balance 5 s, stablecoin 15 s, products 60 s) */
  ttl?: number | undefined;
  /** How many answers are kept; the least recently used go first. `0` keeps none. @default 100 */
  maxEntries?: number | undefined;
  /** Serve expired answers while refreshing them: `staleWhileRevalidate()`. @default undefined (off) */
  swr?: Stale | undefined;
}

/** Options after normalisation: every field set, every value checked. */
export interface NormalizedOptions {
  apiBase: string;
  accountId: string | undefined;
  timeout: number;
  retry: number;
  fetch: FetchLike | undefined;
  cache: CacheSettings;
  rateLimit: Plan | false;
  share: Share | undefined;
}

/** The defaults, in one place (each also the `@default` of its `ClientOptions` field). */
export const defaults = {
  apiBase: 'https://api.stateset.com/v1',
  timeout: 10_000,
  retry: 2,
  cache: { maxEntries: 100 },
  rateLimit: 'free',
} as const;

/** Checks `apiBase` and returns it without a trailing slash. */
export function normalizeApiBase(value: unknown): string {
  if (typeof value !== 'string') return invalidOption('apiBase must be a string.');
  assertNoSecret(value, 'apiBase');
  let url: URL | undefined;
  // A same-origin path (`/stateset/v1`, an edge mounted on the page's own origin: no CORS preflight) is resolved
  // against the page; without a page (SSR) it stays unparsed and is refused below: pass an absolute URL there.
  const page = /^\/(?![/\\])/.test(value) ? (globalThis as { location?: { href?: string } }).location?.href : undefined;
  try {
    url = new URL(value, page);
  } catch {
    // Not an absolute URL: refused below.
  }
  // The URL parser drops tabs and newlines: a key split by one is whole again in `href`.
  if (url) assertNoSecret(url.href, 'apiBase');
  if (!url || url.username || url.password || url.search || url.hash) {
    return invalidOption('apiBase must be an absolute URL without credentials, query or fragment.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname))) {
    throw new ConfigError('insecure_api_base', `apiBase must be https: (http: only for localhost); got ${url.protocol}//${url.host}.`);
  }
  return url.href.replace(/\/+$/, '');
}

/** The longest delay a timer takes. */
const maxMs = 2_147_483_647;

/** `value` if it is an integer from `min` to `max` (`Number.isInteger` is `false` for anything but a number), else `ConfigError`. */
function integerIn(name: string, value: number, min: number, max: number): number {
  return Number.isInteger(value) && value >= min && value <= max
    ? value
    : invalidOption(`${name} must be an integer from ${min} to ${max}.`);
}

function normalizeRateLimit(value: ClientOptions['rateLimit']): Plan | false {
  const plan = typeof value === 'string' ? plans[value] && { perSecond: plans[value], burst: 2 * plans[value] } : value;
  return plan === false || (plan && plan.perSecond >= 1e-3 && plan.burst >= 1) // (at least one request per 1,000 s: a timer's range)
    ? plan
    : invalidOption(`rateLimit must be 'free', 'starter', 'growth', { perSecond, burst } or false.`);
}

/** Checks an optional function option (`fetch`, `share`, `cache.swr`). */
function fn<T>(name: string, value: T): T {
  return value === undefined || typeof value === 'function' ? value : invalidOption(`${name} must be a function.`);
}

/** Refuses a name of `value`'s own properties that `known` lacks, naming the closest known one: a typo is not silent. */
function onlyKnown(value: object, known: readonly string[], where = ''): void {
  for (const name of Object.keys(value)) {
    if (known.includes(name)) continue;
    assertNoSecret(name, 'an option name'); // quoted below
    const near = closest(name, known);
    invalidOption(`Unknown option ${where}${name}${near ? `: did you mean ${where}${near}?` : ''} (known: ${known.join(', ')}).`);
  }
}

/** Normalises and checks every option except the key (checked by the caller with `assertPublishableKey`). */
export function normalizeOptions(options: ClientOptions): NormalizedOptions {
  onlyKnown(options, ['publishableKey', 'apiBase', 'accountId', 'timeout', 'retry', 'fetch', 'cache', 'rateLimit', 'share']);
  const { accountId, fetch, share } = options;
  const cache = options.cache === false ? { maxEntries: 0 } : own(options.cache);
  onlyKnown(cache, ['ttl', 'maxEntries', 'swr'], 'cache.');
  const { ttl, maxEntries = defaults.cache.maxEntries, swr } = cache;
  if (typeof accountId === 'string') assertNoSecret(accountId, 'accountId');
  if (accountId !== undefined && !(typeof accountId === 'string' && /^[\w-]{1,255}$/.test(accountId))) {
    invalidOption('accountId must be letters, digits, "_" or "-", such as acct_1a2b3c.');
  }
  return {
    apiBase: normalizeApiBase(options.apiBase ?? defaults.apiBase),
    accountId,
    timeout: integerIn('timeout', options.timeout ?? defaults.timeout, 1, maxMs),
    retry: integerIn('retry', options.retry ?? defaults.retry, 0, 10),
    fetch: fn('fetch', fetch),
    cache: { ttl: ttl === undefined ? ttl : integerIn('cache.ttl', ttl, 0, maxMs), max: integerIn('cache.maxEntries', maxEntries, 0, 1e6), swr: fn('cache.swr', swr) },
    rateLimit: normalizeRateLimit(options.rateLimit ?? defaults.rateLimit),
    share: fn('share', share),
  };
}
