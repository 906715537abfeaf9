/**
 * Pacing: a token bucket per key in front of the network, and the pauses a server asks for (spread at random).
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
  const retryAfter = headers.get('Retry-After'); // (Headers trims values; Number() and Date.parse skip spaces)
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return Math.max(0, Math.ceil(ms));
  }
  const reset = Number(headers.get('X-RateLimit-Reset')); // a missing header is 0: refused below
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** The queue in front of the network of one key (every client of the key in this realm shares it). */
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
   * same key), empties the bucket and holds the queue until `Retry-After` or `X-RateLimit-Reset`, plus a random
   * spread of up to that wait again, at most `MAX_SPREAD` (so callers told the same instant do not all return in it).
   */
  see(response?: Response): void;
  /** Lowers the rate and the burst to `plan`'s where they are lower: of two clients' plans for one key, the stricter wins. */
  tighten(plan: Plan): void;
}

/** The most a server-set pause is spread by (ms): a pause of `wait` ends at a random time in `[wait, wait + min(wait, MAX_SPREAD))`. */
export const MAX_SPREAD = 1000;

/** A caller waiting for a token. */
interface Waiter {
  signal: AbortSignal;
  resolve: (wait: number) => void;
  reject: (reason: unknown) => void;
}

/** Lets a waiter go: told `wait` (0: with a token), or rejected when its signal aborted while it waited. */
const leave = ({ signal, resolve, reject }: Waiter, wait: number): void => (signal.aborted ? reject(signal.reason) : resolve(wait));

/**
 * A token bucket for `plan`, modelled from the safe side. The server takes a request's token when the request
 * reaches it, at some time between our sending it and its answer, and refills only from then: so a token spent on
 * a request in flight starts to refill only once its answer has come (or the request failed). Until then the bucket
 * can hold one token fewer. However late the browser lets requests reach the server, the server has a token for each.
 * Needs no browser (`now` and `random` are its clock and its dice), so a server can pace with it too.
 */
/* @__NO_SIDE_EFFECTS__ */
export function createPacer(plan: Plan, now = (): number => Date.now(), random = Math.random): Pacer {
  let { perSecond, burst } = plan;
  const queue: Waiter[] = [];
  let tokens = burst;
  let inFlight = 0;
  let refilledAt = now();
  let pausedUntil = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Adds the tokens earned since `refilledAt`; returns the time. */
  const refill = (time = now()): number => {
    const step = time - refilledAt;
    // A clock set back (NTP, the user) refills nothing rather than draining the bucket for as long as the step,
    // and moves a server-set pause back with it.
    if (step < 0) pausedUntil += step;
    else tokens = Math.min(burst - inFlight, tokens + (step * perSecond) / 1000);
    return (refilledAt = time);
  };
  /** Hands out the tokens there are, fails the waits too long to wait, and sets a timer for the next token or the pause's end. */
  const settle = (): void => {
    const time = refill();
    clearTimeout(timer);
    while (queue.length && time >= pausedUntil && tokens >= 1) {
      const waiter = queue.shift()!;
      if (!waiter.signal.aborted) {
        tokens--;
        inFlight++;
      }
      leave(waiter, 0);
    }
    while (queue.length && pausedUntil - time > MAX_WAIT) leave(queue.shift()!, pausedUntil - time);
    // While the requests in flight hold every token, refill cannot help: their answers settle the queue.
    if (queue.length && inFlight < burst) {
      timer = setTimeout(settle, Math.max(pausedUntil - time, Math.ceil(((1 - tokens) * 1000) / perSecond)));
    }
  };
  return {
    take: (signal, first) =>
      new Promise((resolve, reject) => {
        // A call aborted while queued leaves at its turn, rejected, without a token and without reaching fetch.
        queue[first ? 'unshift' : 'push']({ signal, resolve, reject });
        settle();
      }),
    see(response) {
      const time = refill();
      const left = response?.headers.get('X-RateLimit-Remaining');
      inFlight--;
      // The headers can only lower the bucket (another tab or client spends from the key too), never raise it.
      if (response?.status === 429 || (left === '0' && tokens >= 1)) {
        tokens = 0;
        // A pause the server only hints at (no 429) that is longer than MAX_WAIT is more likely our clock being
        // behind the server's (`X-RateLimit-Reset` is absolute) than a limit: the bucket alone paces then.
        const asked = retryAfterMs(response!.headers, time) ?? 0;
        const wait = response!.status === 429 || asked <= MAX_WAIT ? asked : 0;
        // Spread, but never past MAX_WAIT because of the spread alone (that would fail calls the server would take).
        const spread = Math.min(wait + random() * Math.min(wait, MAX_SPREAD), Math.max(wait, MAX_WAIT));
        pausedUntil = Math.max(pausedUntil, time + spread);
      } else if (left && tokens >= +left + 1) {
        tokens = Math.max(0, +left); // a server's negative count is an empty bucket, not a debt
      }
      settle();
    },
    tighten(stricter) {
      refill();
      perSecond = Math.min(perSecond, stricter.perSecond);
      burst = Math.min(burst, stricter.burst);
      tokens = Math.min(tokens, burst);
      settle();
    },
  };
}
