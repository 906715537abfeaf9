/**
 * The widgets' clients: made from the `publishable-key`, `api-base` and `account-id` attributes at each load. Clients
 * of one key share their pacer and cache in the realm (`realm.ts`), so widgets, however they spell the attributes
 * (`…/v1` and `…/v1/`, a padded key), and the app's own clients of the key cost one request.
 */
import { getBalance, type Balance } from '../balance.js';
import { createClient } from '../client.js';
import type { Stale } from '../cache.js';
import { crossTab, type CrossTab } from '../cross-tab.js';
import { staleWhileRevalidate } from '../stale.js';

/** What identifies a widget's client: its `publishable-key`, `api-base` and `account-id` attributes. */
export interface WidgetSource {
  publishableKey: string;
  apiBase?: string | undefined;
  accountId?: string | undefined;
  /**
   * The `share` attribute: `tabs` shares with the other tabs of the origin (`crossTab()`), `persist` with them and the
   * next page loads too (`crossTab({ persist: true })`); anything else, this page only.
   */
  share?: string | undefined;
}

/** The widgets' one `crossTab()`, made at the first widget with `share="tabs"` (it keeps a channel per key and account). */
let tabs: CrossTab | undefined;
/** The same for `share="persist"`, and the stale-while-revalidate its first reads use. */
let kept: CrossTab | undefined;
let swr: Stale | undefined;

/**
 * Reads the balance through a client for the source (its cache, in-flight sharing and pacing; `fresh` skips the cached value).
 * `signal` detaches this caller; the request is aborted only when every caller sharing it has left.
 * Rejects like `createClient` (a refused key: `SecretKeyError`, nothing stored or sent) or `getBalance`.
 */
export function loadBalance(source: WidgetSource, signal: AbortSignal, fresh?: boolean, stale?: boolean): Promise<Balance> {
  // A client per load (cheap: no request, no timer): what it shares lives in the realm, and nothing here grows.
  const { share, ...options } = source;
  const shared = share === 'tabs' ? (tabs ??= crossTab()) : share === 'persist' ? (kept ??= crossTab({ persist: true })) : undefined;
  // `stale` (a `share="persist"` widget's first read): an expired stored answer at once, refreshed in the background.
  return getBalance(createClient({ ...options, ...(shared && { share: shared }), ...(stale && { cache: { swr: (swr ??= staleWhileRevalidate()) } }) }), { signal, fresh });
}
