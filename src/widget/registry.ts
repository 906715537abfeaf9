/**
 * The widgets' clients: made from the `publishable-key`, `api-base` and `account-id` attributes at each load. Clients
 * of one key share their pacer and cache in the realm (`realm.ts`), so widgets, however they spell the attributes
 * (`…/v1` and `…/v1/`, a padded key), and the app's own clients of the key cost one request.
 */
import { getBalance, type Balance } from '../balance.js';
import { createClient } from '../client.js';
import { crossTab, type CrossTab } from '../cross-tab.js';

/** What identifies a widget's client: its `publishable-key`, `api-base` and `account-id` attributes. */
export interface WidgetSource {
  publishableKey: string;
  apiBase?: string | undefined;
  accountId?: string | undefined;
  /** The `share` attribute: `tabs` shares with the other tabs of the origin (`crossTab()`); anything else, this page only. */
  share?: string | undefined;
}

/** The widgets' one `crossTab()`, made at the first widget with `share="tabs"` (it keeps a channel per key and account). */
let tabs: CrossTab | undefined;

/**
 * Reads the balance through a client for the source (its cache, in-flight sharing and pacing; `fresh` skips the cached value).
 * `signal` detaches this caller; the request is aborted only when every caller sharing it has left.
 * Rejects like `createClient` (a refused key: `SecretKeyError`, nothing stored or sent) or `getBalance`.
 */
export function loadBalance(source: WidgetSource, signal: AbortSignal, fresh?: boolean): Promise<Balance> {
  // A client per load (cheap: no request, no timer): what it shares lives in the realm, and nothing here grows.
  const { share, ...options } = source;
  return getBalance(createClient({ ...options, ...(share === 'tabs' && { share: (tabs ??= crossTab()) }) }), { signal, fresh });
}
