/**
 * `@stateset/browser/query`: TanStack Query v5 options factories, for every adapter (React, Vue, Solid, Svelte,
 * Angular) and for `QueryClient` itself: `useQuery(balanceQueryOptions(client))`.
 *
 * Division of labour: TanStack owns freshness, so each `queryFn` skips our TTL cache (`fresh: true`) but still
 * shares a request in flight, is paced and validated; `staleTime` is the endpoint's TTL. Retries happen in one
 * place, the client's (429/5xx/network, with `Retry-After`), so `retry` asks `isRetryable`, which says no to what
 * the client already retried and to what cannot succeed (4xx, validation, secret keys, aborts).
 * `@tanstack/query-core` is an optional peer dependency, imported for types only: nothing of TanStack (or React) runs here.
 */
import type { DataTag, InfiniteData, QueryFunctionContext } from '@tanstack/query-core';
import { balanceEndpoint, getBalance, type Balance } from '../balance.js';
import { clientState, type Client } from '../client.js';
import { fillPath, type Endpoint } from '../endpoint.js';
import { TimeoutError, type StateSetError } from '../errors.js';
import type { List } from '../list.js';
import { own } from '../own.js';
import {
  getProduct, listProducts, productEndpoint, productsEndpoint, productsQuery, type ListProductsParams, type Product,
} from '../products.js';
import {
  getStablecoinBalance, stablecoinBalanceEndpoint, stablecoinQuery, type StablecoinBalance, type StablecoinBalanceParams,
} from '../stablecoin.js';

/**
 * A query key of ours: `'stateset'`, a fingerprint of the client's key and account (never the key text, so
 * devtools and logs do not show it), the account, livemode, the endpoint, then its normalised parameters.
 * `queryClient.invalidateQueries({ queryKey: ['stateset'] })` matches every one of them.
 */
export type StateSetQueryKey<Endpoint extends string = string, Params = unknown> = readonly [
  'stateset', fingerprint: string, account: string | null, livemode: boolean, endpoint: Endpoint, params: Params,
];

/** What the single-value factories return: accepted by `useQuery`, `useSuspenseQuery`, `fetchQuery`, `prefetchQuery`, … */
export interface StateSetQueryOptions<T, K extends StateSetQueryKey> {
  /** Carries the data type (`DataTag`): `queryClient.getQueryData(options.queryKey)` is a `T | undefined`. */
  queryKey: DataTag<K, T, StateSetError>;
  /** The call, with `fresh: true` and TanStack's `signal` (an unmounted query cancels its request). */
  queryFn: (context: QueryFunctionContext<K>) => Promise<T>;
  /** The endpoint's TTL (or the client's `cache.ttl`), in ms. */
  staleTime: number;
  /** `isRetryable(error)`, at most once: the client has retried everything else already. */
  retry: (failureCount: number, error: unknown) => boolean;
}

/** A cursor of the products list: the next page after an id, or the previous one before it; `null` for the first page. */
export type ProductsPageParam = { starting_after: string } | { ending_before: string } | null;

/** What `productsInfiniteQueryOptions` returns: accepted by `useInfiniteQuery`, `useSuspenseInfiniteQuery`, `fetchInfiniteQuery`, … */
export interface StateSetInfiniteQueryOptions<T extends { id: string }, K extends StateSetQueryKey> {
  queryKey: DataTag<K, InfiniteData<List<T>, ProductsPageParam>, StateSetError>;
  queryFn: (context: QueryFunctionContext<K, ProductsPageParam>) => Promise<List<T>>;
  initialPageParam: ProductsPageParam;
  /** After the last item of the last page while it `has_more`. */
  getNextPageParam: (lastPage: List<T>) => ProductsPageParam | undefined;
  /** Before the first item of the first page, unless the list starts at its newest item. */
  getPreviousPageParam: (firstPage: List<T>, pages: List<T>[], firstPageParam: ProductsPageParam) => ProductsPageParam | undefined;
  staleTime: number;
  retry: (failureCount: number, error: unknown) => boolean;
}

/**
 * `true` when one more attempt by the caller (TanStack's `retry`, a "Try again" button) may succeed and the client
 * has not already spent its own retries on it: a `TimeoutError` (the client does not retry timeouts).
 * `false` for everything else: 4xx answers, `ValidationError`, `SecretKeyError`, `InvalidKeyError`, `ConfigError`,
 * `EndpointNotAllowedError` and `AbortError` fail the same way every time; 429s, 5xx answers and network errors were
 * already retried `retry` times by the client (with backoff and `Retry-After`); and errors not of this library.
 * So one failing 503 costs at most the client's `retry + 1` requests, and a 404 costs one.
 * @example useQuery({ ...balanceQueryOptions(client), retry: (count, error) => count < 3 && isRetryable(error) })
 */
/* @__NO_SIDE_EFFECTS__ */
export function isRetryable(error: unknown): boolean {
  return error instanceof TimeoutError;
}

const retry = (failureCount: number, error: unknown): boolean => failureCount < 1 && isRetryable(error);

const fingerprints = /* @__PURE__ */ new WeakMap<Client, string>();

/**
 * A 53-bit hash (cyrb53) of the client's key and account, in base 36: separates two keys' queries without
 * printing either. Not a secret-keeping hash (a publishable key is public); just not the text.
 */
function fingerprint(client: Client): string {
  let known = fingerprints.get(client);
  if (known === undefined) {
    const text = clientState(client).id;
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    fingerprints.set(client, (known = (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)));
  }
  return known;
}

/** Parameters as a key part: own properties, `undefined` dropped, keys sorted (TanStack hashes keys sorted too). */
function normalise(params: object): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (value !== undefined) result[name] = value !== null && typeof value === 'object' && !Array.isArray(value) ? normalise(value) : value;
  }
  return result;
}

function key<E extends string, P>(client: Client, endpoint: E, params: P): StateSetQueryKey<E, P> {
  return ['stateset', fingerprint(client), client.accountId ?? null, client.livemode, endpoint, params];
}

const staleTime = (client: Client, row: Endpoint<unknown>): number => clientState(client).ttl ?? row.ttl;

/**
 * Options for the account balance (`GET /account/balance`).
 * @example const { data } = useQuery(balanceQueryOptions(client));
 */
/* @__NO_SIDE_EFFECTS__ */
export function balanceQueryOptions(client: Client): StateSetQueryOptions<Balance, StateSetQueryKey<'GET /account/balance', Record<string, never>>> {
  return {
    queryKey: key(client, 'GET /account/balance', {}) as never,
    queryFn: ({ signal }) => getBalance(client, { signal, fresh: true }),
    staleTime: staleTime(client, balanceEndpoint),
    retry,
  };
}

/**
 * Options for one product (`GET /products/{id}`).
 * @throws ValidationError when `id` is not a product id; nothing is sent.
 * @example const { data } = useSuspenseQuery(productQueryOptions(client, 'prod_123'));
 */
/* @__NO_SIDE_EFFECTS__ */
export function productQueryOptions(client: Client, id: string): StateSetQueryOptions<Product, StateSetQueryKey<'GET /products/{id}', { id: string }>> {
  fillPath(productEndpoint, { id }); // the call's own check, now: a ValidationError, and no bad id or secret in the key
  return {
    queryKey: key(client, 'GET /products/{id}', { id }) as never,
    queryFn: ({ signal }) => getProduct(client, id, { signal, fresh: true }),
    staleTime: staleTime(client, productEndpoint),
    retry,
  };
}


/**
 * Options for one page of products (`GET /products`).
 * @throws ValidationError for bad parameters; nothing is sent.
 * @example const { data } = useQuery(productsQueryOptions(client, { limit: 20 }));
 */
/* @__NO_SIDE_EFFECTS__ */
export function productsQueryOptions(
  client: Client, params?: ListProductsParams,
): StateSetQueryOptions<List<Product>, StateSetQueryKey<'GET /products', Record<string, unknown>>> {
  const normalised = normalise(productsQuery(params)); // the call's checks, now
  return {
    queryKey: key(client, 'GET /products', normalised) as never,
    queryFn: ({ signal }) => listProducts(client, params, { signal, fresh: true }),
    staleTime: staleTime(client, productsEndpoint),
    retry,
  };
}

/**
 * Options for the products list page after page (`GET /products` with `starting_after`/`ending_before`):
 * `useInfiniteQuery(productsInfiniteQueryOptions(client, { limit: 20 }))`, then `fetchNextPage()` while `hasNextPage`.
 * A `starting_after`/`ending_before` in `params` is where the first page starts.
 * @throws ValidationError for bad parameters; nothing is sent.
 */
/* @__NO_SIDE_EFFECTS__ */
export function productsInfiniteQueryOptions(
  client: Client, params?: ListProductsParams,
): StateSetInfiniteQueryOptions<Product, StateSetQueryKey<'GET /products (pages)', Record<string, unknown>>> {
  const normalised = normalise(productsQuery(params)); // the call's checks, now
  const { starting_after: after, ending_before: before, ...rest } = own(params);
  const initialPageParam: ProductsPageParam = after !== undefined ? { starting_after: after } : before !== undefined ? { ending_before: before } : null;
  return {
    queryKey: key(client, 'GET /products (pages)', normalised) as never,
    queryFn: ({ signal, pageParam }) => listProducts(client, { ...rest, ...pageParam }, { signal, fresh: true }),
    initialPageParam,
    getNextPageParam: (last) => {
      const item = last.data.at(-1);
      return last.has_more && item ? { starting_after: item.id } : undefined;
    },
    getPreviousPageParam: (first, _pages, firstParam) => {
      const item = first.data[0];
      // The newest item needs no page before it; a page fetched backwards says with `has_more` whether there is one.
      if (!item || firstParam === null || ('ending_before' in firstParam && !first.has_more)) return undefined;
      return { ending_before: item.id };
    },
    staleTime: staleTime(client, productsEndpoint),
    retry,
  };
}

/**
 * Options for the stablecoin balance of an address (`GET /stablecoin/balance/{address}`).
 * @throws ValidationError when `address` is not a `stateset1…` address or `include_pending` is not a boolean.
 * @example const { data } = useQuery(stablecoinBalanceQueryOptions(client, 'stateset1…'));
 */
/* @__NO_SIDE_EFFECTS__ */
export function stablecoinBalanceQueryOptions(
  client: Client, address: string, params?: StablecoinBalanceParams,
): StateSetQueryOptions<StablecoinBalance, StateSetQueryKey<'GET /stablecoin/balance/{address}', { address: string; include_pending?: boolean }>> {
  fillPath(stablecoinBalanceEndpoint, { address }); // the call's own checks, now
  return {
    queryKey: key(client, 'GET /stablecoin/balance/{address}', normalise({ address, ...stablecoinQuery(params) })) as never,
    queryFn: ({ signal }) => getStablecoinBalance(client, address, params, { signal, fresh: true }),
    staleTime: staleTime(client, stablecoinBalanceEndpoint),
    retry,
  };
}
