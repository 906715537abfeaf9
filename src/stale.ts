/**
 * `staleWhileRevalidate()`, the `cache.swr` option: bundled only when imported.
 */
import type { Stale } from './cache.js';

/** Options of `staleWhileRevalidate()`. */
export interface StaleOptions {
  /**
   * For how long past its TTL (ms) an entry is still served at once while a background request refreshes it.
   * `0`: always wait for the network (useful with `ifError`).
   * @default Infinity
   */
  window?: number | undefined;
  /**
   * Serve the stale entry, however old, when the request fails with a network error, a timeout, a 429 or a 5xx.
   * @default false
   */
  ifError?: boolean | undefined;
}

const transient = (error: unknown): boolean => {
  const { code, status } = Object(error) as { code?: string; status?: number };
  return code === 'network_error' || code === 'timeout' || (status ?? 0) >= 500 || status === 429;
};

/**
 * Stale-while-revalidate for the cache option: `cache: { swr: staleWhileRevalidate() }`. An expired entry is
 * served at once and refreshed in the background (shared, paced; a failure keeps the old entry). Calls with
 * `{ fresh: true }` always wait for the network. Only bundled when imported.
 * @example createClient({ publishableKey, cache: { swr: staleWhileRevalidate({ ifError: true }) } })
 */
/* @__NO_SIDE_EFFECTS__ */
export function staleWhileRevalidate({ window = Infinity, ifError = false }: StaleOptions = {}): Stale {
  return (entry, run, { ttl, signal }) => {
    if (Date.now() - entry.at - ttl < window) {
      run().catch(() => undefined);
      return Promise.resolve(entry.value);
    }
    return run(signal).catch((error: unknown) => {
      if (ifError && !signal?.aborted && transient(error)) return entry.value;
      throw error;
    });
  };
}
