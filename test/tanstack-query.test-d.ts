/** The options factories are accepted by query-core and the React adapter as they are, with the data type carried. */
import { QueryClient, type InfiniteData } from '@tanstack/query-core';
import { useInfiniteQuery, useQuery, useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { expectTypeOf, test } from 'vitest';
import { createClient, type Balance, type List, type Product, type StablecoinBalance, type StateSetError } from '../src/index.js';
import {
  balanceQueryOptions, isRetryable, productQueryOptions, productsInfiniteQueryOptions, productsQueryOptions,
  stablecoinBalanceQueryOptions, type ProductsPageParam,
} from '../src/query/index.js';

const client = createClient({ publishableKey: 'pk_test_types' });
const queries = new QueryClient();

test('getQueryData and fetchQuery know the data type from the key', async () => {
  expectTypeOf(queries.getQueryData(balanceQueryOptions(client).queryKey)).toEqualTypeOf<Balance | undefined>();
  expectTypeOf(queries.getQueryData(productQueryOptions(client, 'prod_1').queryKey)).toEqualTypeOf<Product | undefined>();
  expectTypeOf(await queries.fetchQuery(productsQueryOptions(client))).toEqualTypeOf<List<Product>>();
  expectTypeOf(await queries.fetchQuery(stablecoinBalanceQueryOptions(client, 'stateset1…'))).toEqualTypeOf<StablecoinBalance>();
  expectTypeOf(await queries.fetchInfiniteQuery(productsInfiniteQueryOptions(client))).toEqualTypeOf<InfiniteData<List<Product>, ProductsPageParam>>();
  expectTypeOf(queries.getQueryState(balanceQueryOptions(client).queryKey)?.error).toEqualTypeOf<StateSetError | null | undefined>();
});

test('React adapter hooks accept them unchanged', () => {
  expectTypeOf(useQuery(balanceQueryOptions(client)).data).toEqualTypeOf<Balance | undefined>();
  expectTypeOf(useSuspenseQuery(productQueryOptions(client, 'prod_1')).data).toEqualTypeOf<Product>();
  expectTypeOf(useInfiniteQuery(productsInfiniteQueryOptions(client)).data?.pages).toEqualTypeOf<List<Product>[] | undefined>();
  expectTypeOf(useSuspenseInfiniteQuery(productsInfiniteQueryOptions(client, { limit: 5 })).data.pages).toEqualTypeOf<List<Product>[]>();
  // Options can be overridden as with any TanStack options.
  useQuery({ ...balanceQueryOptions(client), retry: (count, error) => count < 3 && isRetryable(error), select: (balance) => balance.available });
});

test('keys start with stateset', () => {
  expectTypeOf(balanceQueryOptions(client).queryKey[0]).toEqualTypeOf<'stateset'>();
  expectTypeOf(isRetryable).parameter(0).toEqualTypeOf<unknown>();
});
