/**
 * One client per `publishable-key` + `api-base` + `account-id` as the widgets spell them, made lazily on the first
 * load. Clients of one key share their pacer and cache in the realm (`realm.ts`), so widgets that spell them
 * differently (`…/v1` and `…/v1/`, a padded key), and the app's own clients of the key, still cost one request.
 */
import { getBalance, type Balance } from '../balance.js';
import { createClient, type Client } from '../client.js';

/** What identifies a widget's client: its `publishable-key`, `api-base` and `account-id` attributes. */
export interface WidgetSource {
  publishableKey: string;
  apiBase?: string | undefined;
  accountId?: string | undefined;
}

let clients: Map<string, Client> | undefined;

/**
 * Reads the balance through the source's client (its cache, in-flight sharing and pacing; `fresh` skips the cached value).
 * `signal` detaches this caller; the request is aborted only when every caller sharing it has left.
 * Rejects like `createClient` (a refused key: `SecretKeyError`, nothing stored or sent) or `getBalance`.
 */
export async function loadBalance(source: WidgetSource, signal: AbortSignal, fresh?: boolean): Promise<Balance> {
  const id = JSON.stringify([source.publishableKey, source.apiBase, source.accountId]);
  const map = (clients ??= new Map());
  const client = map.get(id) ?? createClient(source);
  map.set(id, client);
  return getBalance(client, { signal, fresh });
}
