/**
 * One client per publishable key + API base + account, shared by every widget on the page, and one
 * balance request in flight per client: ten widgets cost one request. Made lazily, on the first load.
 */
import { getBalance, type Balance } from '../balance.js';
import { createClient, type Client } from '../client.js';

/** What identifies a widget's client: its `publishable-key`, `api-base` and `account-id` attributes. */
export interface WidgetSource {
  publishableKey: string;
  apiBase?: string | undefined;
  accountId?: string | undefined;
}

interface Flight {
  promise: Promise<Balance>;
  controller: AbortController;
  users: number;
}
interface Entry {
  client: Client;
  flight?: Flight | undefined;
}

let entries: Map<string, Entry> | undefined;

/**
 * Reads the balance through the shared client, joining a request already in flight.
 * `signal` detaches this caller; the request itself is aborted only when every caller has left.
 * Rejects like `createClient` (a refused key: `SecretKeyError`, nothing sent) or `getBalance`.
 */
export async function loadBalance(source: WidgetSource, signal: AbortSignal): Promise<Balance> {
  signal.throwIfAborted();
  const id = JSON.stringify([source.publishableKey, source.apiBase, source.accountId]);
  const map = (entries ??= new Map());
  let entry = map.get(id);
  if (!entry) map.set(id, (entry = { client: createClient(source) })); // throws before anything is stored or sent
  const flight = (entry.flight ??= start(entry));
  flight.users++;
  return new Promise<Balance>((resolve, reject) => {
    const leave = (): void => {
      if (--flight.users === 0 && entry.flight === flight) {
        entry.flight = undefined;
        flight.controller.abort(signal.reason);
      }
      reject(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    void flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
  });
}

function start(entry: Entry): Flight {
  const controller = new AbortController();
  const flight: Flight = { controller, users: 0, promise: getBalance(entry.client, { signal: controller.signal }) };
  const done = (): void => {
    if (entry.flight === flight) entry.flight = undefined;
  };
  flight.promise.then(done, done);
  return flight;
}
