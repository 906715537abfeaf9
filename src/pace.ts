/**
 * Pacing: how long the server asks us to wait. Pure: no imports of calls, widgets or ky.
 */

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
