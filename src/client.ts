/**
 * `createClient`: checks the key, normalises the options once and builds the HTTP instance.
 */
import ky, { type KyInstance } from 'ky';
import { ConfigError } from './errors.js';
import { assertNoSecret, assertPublishableKey, isLiveKey } from './key.js';
import { type ClientOptions, type NormalizedOptions, normalizeOptions } from './options.js';

/** A configured client. Pass it to every call: `getBalance(client)`. */
export interface Client {
  /** `false` for `pk_test_` keys, `true` for `pk_live_` keys. */
  readonly livemode: boolean;
  /** The API base URL, without a trailing slash. */
  readonly apiBase: string;
  /** The connected account the client acts for, if any. */
  readonly accountId: string | undefined;
}

/** What a client holds besides its public fields. Kept out of the object so logging a client shows no key. */
export interface ClientState {
  readonly options: NormalizedOptions;
  readonly http: KyInstance;
}

const states = /* @__PURE__ */ new WeakMap<Client, ClientState>();

/** The state of a client made by `createClient`. */
export function clientState(client: Client): ClientState {
  const state = states.get(client);
  if (!state) throw new ConfigError('invalid_option', 'Expected a client made by createClient().');
  return state;
}

/**
 * The last check before the network, on every attempt (retries too): no secret in the URL or any header,
 * whatever a hook or a custom `fetch` did before. Then the configured or global `fetch`.
 */
function guardedFetch(options: NormalizedOptions) {
  return (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    assertNoSecret(request?.url ?? String(input), 'the request URL');
    for (const headers of [new Headers(request?.headers), new Headers(init?.headers)]) {
      for (const [name, value] of headers) assertNoSecret(value, `the ${name} header`);
    }
    return (options.fetch ?? globalThis.fetch)(input, init);
  };
}

/**
 * Creates a client for a publishable key.
 * @throws SecretKeyError for an `sk_`/`rk_` key, InvalidKeyError for any other non-publishable key,
 * ConfigError for an insecure `apiBase` or a bad option. Nothing is sent.
 * @example const client = createClient({ publishableKey: 'pk_test_…' });
 */
/* @__NO_SIDE_EFFECTS__ */
export function createClient(options: ClientOptions): Client {
  if (typeof options !== 'object' || options === null) throw new ConfigError('invalid_option', 'createClient expects an options object.');
  const key = assertPublishableKey(options.publishableKey);
  const normalized = normalizeOptions(options, key);
  const http = ky.create({
    timeout: normalized.timeout,
    retry: {
      limit: normalized.retry,
      methods: ['get'],
      statusCodes: [429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      jitter: true,
      backoffLimit: 30_000,
    },
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${key}`,
      ...(normalized.accountId && { 'X-Account-Id': normalized.accountId }),
    },
    fetch: guardedFetch(normalized),
  });
  const client: Client = Object.freeze({ livemode: isLiveKey(key), apiBase: normalized.apiBase, accountId: normalized.accountId });
  states.set(client, { options: normalized, http });
  return client;
}
