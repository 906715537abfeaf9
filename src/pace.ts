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
  const reset = Number(headers.get('X-RateLimit-Reset') ?? Number.NaN);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** The queue in front of the network of one client. */
export interface Pacer {
  /**
   * Waits for a token, first come first served (`first` puts a retry at the head). Resolves to `0`, or to the
   * milliseconds left of a server-set pause longer than `MAX_WAIT` (the caller then fails instead of waiting).
   * Rejects with the signal's reason when it aborted while queued (at its turn, without using a token).
   */
  take(signal: AbortSignal, first?: boolean): Promise<number>;
  /**
   * Learns from a response. A 429, or `X-RateLimit-Remaining: 0` while we thought tokens were left (another tab or
   * client spends from the same key), empties the bucket and holds the queue until `Retry-After` or `X-RateLimit-Reset`.
   */
  see(status: number, headers: Headers): void;
}

/**
 * A token bucket for `plan`. It keeps a tenth of a second of refill (at least one token) in reserve, so a server
 * bucket that starts and refills a network latency later than ours still has a token when our next call lands.
 */
/* @__NO_SIDE_EFFECTS__ */
export function createPacer({ perSecond, burst }: Plan, now = (): number => Date.now()): Pacer {
  const size = Math.max(1, burst - Math.ceil(perSecond / 10));
  const queue: Array<(wait: number) => number> = [];
  let tokens = size;
  let last = now();
  let until = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refill = (time = now()): number => {
    tokens = Math.min(size, tokens + ((time - last) * perSecond) / 1000);
    return (last = time);
  };
  const pump = (): void => {
    const time = refill();
    clearTimeout(timer);
    while (queue.length && time >= until && tokens >= 1) tokens -= queue.shift()!(0);
    while (queue.length && until - time > MAX_WAIT) queue.shift()!(until - time);
    if (queue.length) timer = setTimeout(pump, Math.max(until - time, Math.ceil(((1 - tokens) * 1000) / perSecond)));
  };
  return {
    take: (signal, first) =>
      new Promise((resolve, reject) => {
        // A call aborted while queued leaves at its turn, rejected, without a token and without reaching fetch.
        queue[first ? 'unshift' : 'push']((wait) => (signal.aborted ? (reject(signal.reason), 0) : (resolve(wait), 1)));
        pump();
      }),
    see(status, headers) {
      const time = refill();
      const left = headers.get('X-RateLimit-Remaining');
      if (status === 429 || (left === '0' && tokens >= 1)) {
        tokens = 0;
        until = Math.max(until, time + (retryAfterMs(headers, time) ?? 0));
      } else if (left && tokens >= +left + 1) {
        tokens = +left;
      }
      pump();
    },
  };
}
