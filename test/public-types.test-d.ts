/** Type tests of the public API (run by `vitest --typecheck`). */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createClient, getBalance, getProduct, isStateSetError, listProducts, paginate, request, getStablecoinBalance, RateLimitError, StateSetError,
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
    // @ts-expect-error only createClient makes a client: a look-alike object does not compile
    void listProducts({ livemode: false, apiBase: 'https://api.stateset.com/v1', accountId: undefined });
    // @ts-expect-error unknown list parameters are type errors
    void listProducts(client, { limt: 5 });
  });

  it('errors carry typed codes', () => {
    expectTypeOf<RateLimitError['retryAfter']>().toEqualTypeOf<number>();
    expectTypeOf<RateLimitError['code']>().toEqualTypeOf<'rate_limit_exceeded'>();
    expectTypeOf<StateSetError['code']>().toEqualTypeOf<StateSetErrorCode>();
    expectTypeOf<'timeout'>().toExtend<StateSetErrorCode>();
  });

  it('isStateSetError narrows by name, as it must across realms where instanceof fails', () => {
    const error: unknown = undefined;
    if (isStateSetError(error) && error.name === 'RateLimitError') expectTypeOf(error.retryAfter).toEqualTypeOf<number>();
    if (isStateSetError(error) && error.name === 'ApiError') expectTypeOf(error.status).toEqualTypeOf<number>();
    if (isStateSetError(error) && error.name === 'SecretKeyError') expectTypeOf(error.code).toEqualTypeOf<'secret_key_refused'>();
    if (isStateSetError(error)) expectTypeOf(error).toExtend<StateSetError>();
  });

  it('response types list the documented fields only, so a misspelt one does not compile', () => {
    const check = (balance: Balance, page: List<Product>, product: Product, onchain: StablecoinBalance): void => {
      // @ts-expect-error has_more, not hasMore
      void page.hasMore;
      // @ts-expect-error name, not nmae
      void product.nmae;
      // @ts-expect-error available, not avaliable
      void balance.avaliable;
      // @ts-expect-error total, not totl
      void onchain.balances.totl;
      // @ts-expect-error amount, not amout
      void product.price.amout;
    };
    void check;
    expectTypeOf<keyof Product>().toEqualTypeOf<'id' | 'object' | 'name' | 'status' | 'price' | 'description' | 'created' | 'images' | 'variants'>();
  });

  it('request() gives unknown for paths no row can match', () => {
    expectTypeOf(request(client, 'GET', '/products/prod_1/variants')).resolves.toBeUnknown();
    expectTypeOf(request(client, 'GET', '/products/')).resolves.toBeUnknown();
    expectTypeOf(request(client, 'GET', '/stablecoin/balance/')).resolves.toBeUnknown();
  });

  it('paginate catches a misspelt parameter next to a valid one, as the list call does', () => {
    // @ts-expect-error 'stauts' is not a parameter of listProducts
    void paginate(listProducts, client, { limit: 100, stauts: 'active' });
    void paginate(listProducts, client, { limit: 100, status: 'active' });
  });

  it('optional fields accept undefined under exactOptionalPropertyTypes (this project compiles with it on)', () => {
    const maybeSignal = undefined as AbortSignal | undefined;
    const maybeBase = undefined as string | undefined;
    const c = createClient({ publishableKey: 'pk_test_x', apiBase: maybeBase, accountId: undefined, cache: { ttl: undefined } });
    void getBalance(c, { signal: maybeSignal, fresh: undefined });
    void listProducts(c, { limit: undefined, created: { gte: undefined } });
  });
});
