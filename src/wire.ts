/**
 * The wire: the ky instance of a client (headers, timeout, retries, the pacer's hook) and the `fetch` under it,
 * which refuses secrets on every attempt and tells the pacer when each request ends.
 */
import ky, { HTTPError, type KyInstance } from 'ky';
import { StateSetError } from './errors.js';
import { assertNoSecret } from './key.js';
import type { FetchLike, NormalizedOptions } from './options.js';
import { MAX_WAIT, retryAfterMs, type Pacer } from './pace.js';

/**
 * The last check before the network, on every attempt (retries too): no secret in the URL or any header,
 * whatever a hook or a custom `fetch` did before. Then the configured or global `fetch`, whose answer the pacer reads.
 */
function guardedFetch(fetch: FetchLike | undefined, pacer: Pacer | undefined) {
  return async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    let response: Response | undefined;
    try {
      // ky (1 and 2) calls its fetch with its Request, and as `init` only the options no Request holds (never
      // `headers`): the URL and the headers to check are the Request's. (Its own Headers, no copy: this runs on every request.)
      const request = input as Request;
      assertNoSecret(request.url, 'the request URL');
      for (const [name, value] of request.headers) assertNoSecret(value, `the ${name} header`);
      return (response = await (fetch ?? globalThis.fetch)(input, init));
    } finally {
      // Every request that took a token ends here, answered or not: the server had it by now.
      pacer?.see(response);
    }
  };
}

/** The HTTP instance of a client for `key`, paced by `pacer` (none: `rateLimit: false`). */
export function createWire(key: string, options: NormalizedOptions, pacer: Pacer | undefined): KyInstance {
  // ky 1 runs `beforeRequest` before every attempt, as `(request, options, { retryCount })`; ky 2 runs it once, as
  // `({ request })`, and `beforeRetry` before each retry. Either way every attempt waits for a token, once.
  let ky2: unknown;
  const paced = (request: Request, retry?: unknown) => (pacer as Pacer).take(request.signal, !!retry).then((wait) =>
    wait ? new Response(null, { status: 429, headers: { 'Retry-After': `${wait / 1000}` } }) : undefined);
  return ky.create({
    timeout: options.timeout,
    retry: {
      // ky's default methods include GET, the only one we send; its afterStatusCodes, less 413, are ours.
      limit: options.retry,
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
      ...(options.accountId && { 'X-Account-Id': options.accountId }),
    },
    fetch: guardedFetch(options.fetch, pacer),
  });
}
