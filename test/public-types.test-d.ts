/** Type tests of the public API (run by `vitest --typecheck`). */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createClient, getBalance, getProduct, listProducts, paginate, request, getStablecoinBalance, RateLimitError, StateSetError,
  type Balance, type Client, type List, type Product, type StablecoinBalance, type ClientOptions, type StateSetErrorCode,
} from '../src/index.js';

describe('public types', () => {
  const client = createClient({ publishableKey: 'pk_test_x' });

  it('calls return the API\'s own field names and types', () => {
    expectTypeOf(getBalance(client)).resolves.toEqualTypeOf<Balance>();
    expectTypeOf<Balance['available'][number]['amount']>().toEqualTypeOf<number | string>();
    expectTypeOf<Balance['livemode']>().toEqualTypeOf<boolean>();
    expectTypeOf(listProducts(client, { limit: 5 })).resolves.toEqualTypeOf<List<Product>>();
    expectTypeOf<List<Product>['has_more']>().toEqualTypeOf<boolean>();
    expectTypeOf(getProduct(client, 'prod_1')).resolves.toEqualTypeOf<Product>();
    expectTypeOf<Product['id']>().toEqualTypeOf<string>();
    expectTypeOf(getStablecoinBalance(client, 'stateset1…')).resolves.toEqualTypeOf<StablecoinBalance>();
    expectTypeOf<StablecoinBalance['balances']['total']>().toEqualTypeOf<string>();
    expectTypeOf(request(client, 'GET', '/products')).resolves.toEqualTypeOf<List<Product>>();
    expectTypeOf(request(client, 'GET', '/account/balance')).resolves.toEqualTypeOf<Balance>();
    expectTypeOf(request(client, 'GET', `/products/${'prod_1' as string}`)).resolves.toEqualTypeOf<Product>();
    expectTypeOf(request(client, 'GET', '/stablecoin/balance/stateset1x')).resolves.toEqualTypeOf<StablecoinBalance>();
    expectTypeOf(request(client, 'GET', '/customers')).resolves.toBeUnknown();
    expectTypeOf(request(client, 'GET', '/products' as string)).resolves.toBeUnknown();
  });

  it('paginate yields the list call\'s items', () => {
    expectTypeOf(paginate(listProducts, client)).toEqualTypeOf<AsyncGenerator<Product, void, undefined>>();
  });

  it('options need a key; the client exposes no key', () => {
    expectTypeOf<ClientOptions>().toHaveProperty('publishableKey').toEqualTypeOf<string>();
    // @ts-expect-error publishableKey is required
    createClient({});
    expectTypeOf<Client>().not.toHaveProperty('publishableKey');
    // @ts-expect-error unknown list parameters are type errors
    void listProducts(client, { limt: 5 });
  });

  it('errors carry typed codes', () => {
    expectTypeOf<RateLimitError['retryAfter']>().toEqualTypeOf<number>();
    expectTypeOf<StateSetError['code']>().toEqualTypeOf<StateSetErrorCode>();
    expectTypeOf<'timeout'>().toExtend<StateSetErrorCode>();
  });
});
