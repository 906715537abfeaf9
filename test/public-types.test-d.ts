/** Type tests of the public API (run by `vitest --typecheck`). */
import { describe, expectTypeOf, it } from 'vitest';
import {
  ApiError, ConfigError, InvalidResponseError, NetworkError, SecretKeyError, TimeoutError,
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

  it('request() does not compile for a method or a literal path outside the allow-list', () => {
    // @ts-expect-error POST is not an allowed method
    void request(client, 'POST', '/products');
    // @ts-expect-error DELETE is not an allowed method
    void request(client, 'delete', '/products/prod_1');
    // @ts-expect-error /customers is not an endpoint browsers may call
    void request(client, 'GET', '/customers');
    // @ts-expect-error no row has a second segment after the id
    void request(client, 'GET', '/products/prod_1/variants');
    // @ts-expect-error the id is missing
    void request(client, 'GET', '/products/');
    // @ts-expect-error the address is missing
    void request(client, 'GET', '/stablecoin/balance/');
    // @ts-expect-error the placeholder row's prefix alone is not a path
    void request(client, 'GET', '/stablecoin/balance');
    expectTypeOf(request(client, 'get', '/account/balance')).resolves.toEqualTypeOf<Balance>();
    const id = 'prod_1' as string;
    expectTypeOf(request(client, 'GET', `/products/${id}`)).resolves.toEqualTypeOf<Product>();
  });

  it('request() keeps an escape: a method or path typed string compiles, typed unknown, checked at run time', () => {
    const method = 'POST' as string;
    const path = '/customers' as string;
    expectTypeOf(request(client, method, path)).resolves.toBeUnknown();
    expectTypeOf(request(client, 'GET', path)).resolves.toBeUnknown();
    expectTypeOf(request(client, method, '/products')).resolves.toEqualTypeOf<List<Product>>();
  });

  it('code is a discriminant of KnownStateSetError: each code narrows to its class', () => {
    const error: unknown = undefined;
    if (!isStateSetError(error)) return;
    if (error.code === 'timeout') expectTypeOf(error).toEqualTypeOf<TimeoutError>();
    if (error.code === 'network_error') expectTypeOf(error).toEqualTypeOf<NetworkError>();
    if (error.code === 'rate_limit_exceeded') expectTypeOf(error).toEqualTypeOf<RateLimitError>();
    if (error.code === 'secret_key_refused') expectTypeOf(error).toEqualTypeOf<SecretKeyError>();
    if (error.code === 'invalid_option') expectTypeOf(error).toEqualTypeOf<ConfigError>();
    if (error.code === 'invalid_parameter') expectTypeOf(error.param).toEqualTypeOf<string>();
    if (error.code === 'resource_missing') {
      expectTypeOf(error.name).toEqualTypeOf<'ApiError'>();
      expectTypeOf(error.status).toEqualTypeOf<number>();
    }
    if (error.code === 'invalid_response') expectTypeOf(error).toEqualTypeOf<InvalidResponseError>();
    // An undocumented server code: compare it on the class's own (open) type.
    if (error.name === 'ApiError') expectTypeOf<'card_declined'>().toExtend<ApiError['code']>();
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
