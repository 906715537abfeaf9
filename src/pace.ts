/**
 * Pacing: a token bucket per client in front of the network, and the pauses a server asks for.
 * Pure: no imports of calls, widgets or ky; a timer runs only while a call waits.
 */

/** A rate limit: requests per second, and how many may go at once after a quiet spell. */
export interface Plan {
  perSecond: number;
  burst: number;
}

/** The API's published plans, as requests per second; each allows a burst of twice that. */
export const plans = { free: 10, starter: 100, growth: 1_000 } as const;

/** The longest pause a queued call waits for; a longer one (a daily limit) fails the call at once with `RateLimitError`. */
export const MAX_WAIT = 30_000;

/**
 * Milliseconds to wait according to the response headers: `Retry-After` (seconds or an HTTP date),
 * else `X-RateLimit-Reset` (unix seconds). `undefined` when neither is present or readable
 * (a browser only sees them when the server lists them in `Access-Control-Expose-Headers`).
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('Retry-After')?.trim();
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return Math.max(0, Math.ceil(ms));
  }
  const reset = Number(headers.get('X-RateLimit-Reset')); // a missing header is 0: refused below
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** The queue in front of the network of one client. */
export interface Pacer {
  /**
   * Waits for a token, first come first served (`first` puts a retry at the head). Resolves to `0` (a token: the
   * caller must then report the request's end with `see`), or to the milliseconds left of a server-set pause longer
   * than `MAX_WAIT` (the caller then fails instead of waiting; no token taken).
   * Rejects with the signal's reason when it aborted while queued (at its turn, without using a token).
   */
  take(signal: AbortSignal, first?: boolean): Promise<number>;
  /**
   * Ends a request that took a token: with its response, or `undefined` when it got none (network error, abort).
   * A 429, or `X-RateLimit-Remaining: 0` while we thought tokens were left (another tab or client spends from the
   * same key), empties the bucket and holds the queue until `Retry-After` or `X-RateLimit-Reset`.
   */
  see(response?: Response): void;
}

/**
 * A token bucket for `plan`, modelled from the safe side. The server takes a request's token when the request
 * reaches it, at some time between our sending it and its answer, and refills only from then: so a token spent on
 * a request in flight starts to refill only once its answer has come (or the request failed). Until then the bucket
 * can hold one token fewer. However late the browser lets requests reach the server, the server has a token for each.
 */
/* @__NO_SIDE_EFFECTS__ */
export function createPacer({ perSecond, burst }: Plan, now = (): number => Date.now()): Pacer {
  const queue: Array<(wait: number) => number> = [];
  let tokens = burst;
  let sent = 0; // requests in flight
  let last = now();
  let until = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refill = (time = now()): number => {
    const step = time - last;
    // A clock set back (NTP, the user) refills nothing rather than draining the bucket for as long as the step,
    // and moves a server-set pause back with it.
    if (step < 0) until += step;
    else tokens = Math.min(burst - sent, tokens + (step * perSecond) / 1000);
    return (last = time);
  };
  const pump = (): void => {
    const time = refill();
    clearTimeout(timer);
    while (queue.length && time >= until && tokens >= 1) if (queue.shift()!(0)) tokens--, sent++;
    while (queue.length && until - time > MAX_WAIT) queue.shift()!(until - time);
    // While the requests in flight hold every token, refill cannot help: their answers pump.
    if (queue.length && (until > time || sent + 1 <= burst)) timer = setTimeout(pump, Math.max(until - time, Math.ceil(((1 - tokens) * 1000) / perSecond)));
  };
  return {
    take: (signal, first) =>
      new Promise((resolve, reject) => {
        // A call aborted while queued leaves at its turn, rejected, without a token and without reaching fetch.
        queue[first ? 'unshift' : 'push']((wait) => (signal.aborted ? (reject(signal.reason), 0) : (resolve(wait), 1)));
        pump();
      }),
    see(response) {
      const time = refill();
      const left = response?.headers.get('X-RateLimit-Remaining');
      sent--;
      // The headers can only lower the bucket (another tab or client spends from the key too), never raise it.
      if (response?.status === 429 || (left === '0' && tokens >= 1)) {
        tokens = 0;
        // A pause the server only hints at (no 429) that is longer than MAX_WAIT is more likely our clock being
        // behind the server's (`X-RateLimit-Reset` is absolute) than a limit: the bucket alone paces then.
        const wait = retryAfterMs(response!.headers, time) ?? 0;
        until = Math.max(until, time + (response!.status === 429 || wait <= MAX_WAIT ? wait : 0));
      } else if (left && tokens >= +left + 1) {
        tokens = Math.max(0, +left); // a server's negative count is an empty bucket, not a debt
      }
      pump();
    },
  };
}
