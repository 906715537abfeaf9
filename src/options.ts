/**
 * Client options: one interface, one defaults object, normalised in one place.
 */
import { ConfigError } from './errors.js';
import { assertNoSecret } from './key.js';

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
   * Base URL of the API. Must be `https:`; plain `http:` only for `localhost`, `127.0.0.1` and `[::1]`.
   * @default 'https://api.stateset.com/v1'
   */
  apiBase?: string;
  /**
   * Act for a connected account; sent as the `X-Account-Id` header.
   * @default undefined
   * @example 'acct_1a2b3c'
   */
  accountId?: string;
  /**
   * Milliseconds to wait for each attempt's answer before `TimeoutError`.
   * @default 10000
   */
  timeout?: number;
  /**
   * How many times a GET is retried on 5xx or 429 (with `Retry-After` or jittered exponential backoff). `0` turns retries off.
   * @default 2
   */
  retry?: number;
  /**
   * The `fetch` to use: for SSR, tests or instrumentation. Every request is checked for secrets before it is called.
   * @default globalThis.fetch (looked up at call time)
   */
  fetch?: FetchLike;
}

/** Options after normalisation: every field set, every value checked. */
export interface NormalizedOptions {
  publishableKey: string;
  apiBase: string;
  accountId: string | undefined;
  timeout: number;
  retry: number;
  fetch: FetchLike | undefined;
}

/** The defaults, in one place. */
export const defaults = {
  apiBase: 'https://api.stateset.com/v1',
  timeout: 10_000,
  retry: 2,
} as const;

const loopback = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks `apiBase` and returns it without a trailing slash. */
export function normalizeApiBase(value: unknown): string {
  if (typeof value !== 'string') throw new ConfigError('invalid_option', 'apiBase must be a URL string.');
  assertNoSecret(value, 'apiBase');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('invalid_option', `apiBase "${value}" is not an absolute URL.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError('invalid_option', 'apiBase must not contain credentials, a query or a fragment.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback.has(url.hostname))) {
    throw new ConfigError('insecure_api_base', `apiBase must use https: (plain http: is allowed only for localhost); got ${url.protocol}//${url.host}.`);
  }
  return url.href.replace(/\/+$/, '');
}

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError('invalid_option', `${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Normalises and checks every option except the key (checked by the caller with `assertPublishableKey`). */
export function normalizeOptions(options: ClientOptions, publishableKey: string): NormalizedOptions {
  const { accountId, fetch } = options;
  if (accountId !== undefined) {
    if (typeof accountId !== 'string') throw new ConfigError('invalid_option', 'accountId must be a string.');
    assertNoSecret(accountId, 'accountId');
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(accountId)) {
      throw new ConfigError('invalid_option', 'accountId must be an account id such as acct_1a2b3c (letters, digits, "_" and "-").');
    }
  }
  if (fetch !== undefined && typeof fetch !== 'function') throw new ConfigError('invalid_option', 'fetch must be a function.');
  return {
    publishableKey,
    apiBase: normalizeApiBase(options.apiBase ?? defaults.apiBase),
    accountId,
    timeout: integerIn('timeout', options.timeout ?? defaults.timeout, 1, 2_147_483_647),
    retry: integerIn('retry', options.retry ?? defaults.retry, 0, 10),
    fetch,
  };
}
