/** Types of the rate-limit options: what compiles and what does not. */
import { expectTypeOf, test } from 'vitest';
import { createClient, crossTab, getBalance, staleWhileRevalidate, type CallOptions, type ClientOptions, type Plan } from '../src/index.js';

test('rateLimit takes a plan name, a plan or false', () => {
  expectTypeOf<{ rateLimit: 'free' }>().toMatchTypeOf<Partial<ClientOptions>>();
  expectTypeOf<{ rateLimit: Plan }>().toMatchTypeOf<Partial<ClientOptions>>();
  expectTypeOf<{ rateLimit: false }>().toMatchTypeOf<Partial<ClientOptions>>();
  // @ts-expect-error: no such plan
  createClient({ publishableKey: 'pk_test_x', rateLimit: 'pro' });
  // @ts-expect-error: true is not a plan
  createClient({ publishableKey: 'pk_test_x', rateLimit: true });
});

test('cache, swr and share come from their option types and factories', () => {
  createClient({ publishableKey: 'pk_test_x', cache: false, share: crossTab({ name: 'shop', wait: 5000 }) });
  createClient({ publishableKey: 'pk_test_x', cache: { ttl: 1000, maxEntries: 10, swr: staleWhileRevalidate({ window: 0, ifError: true }) } });
  // @ts-expect-error: swr is made by staleWhileRevalidate()
  createClient({ publishableKey: 'pk_test_x', cache: { swr: true } });
  // @ts-expect-error: share is made by crossTab()
  createClient({ publishableKey: 'pk_test_x', share: true });
});

test('every call takes { fresh, signal }', () => {
  expectTypeOf<CallOptions>().toEqualTypeOf<{ signal?: AbortSignal; fresh?: boolean }>();
  expectTypeOf(getBalance).parameter(1).toEqualTypeOf<CallOptions | undefined>();
});
