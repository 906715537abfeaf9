/**
 * One client per publishable key + API base + account, shared by every widget on the page; the client's
 * cache then shares the balance request in flight, so ten widgets cost one request. Made lazily, on the first load.
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
 * Reads the balance through the shared client (its cache, in-flight sharing and pacing; `fresh` skips the cached value).
 * `signal` detaches this caller; the request is aborted only when every caller sharing it has left.
 * Rejects like `createClient` (a refused key: `SecretKeyError`, nothing stored or sent) or `getBalance`.
 */
export async function loadBalance(source: WidgetSource, signal: AbortSignal, fresh?: boolean): Promise<Balance> {
  const id = JSON.stringify([source.publishableKey, source.apiBase, source.accountId]);
  const map = (clients ??= new Map());
  let client = map.get(id);
  if (!client) {
    // Attributes that differ only in spelling (`…/v1` and `…/v1/`, a padded key) share one client, so one pacer.
    const made = createClient(source);
    const normal = JSON.stringify([source.publishableKey.trim(), made.apiBase, made.accountId]);
    client = map.get(normal) ?? made;
    map.set(id, client).set(normal, client);
  }
  return getBalance(client, { signal, fresh });
}
