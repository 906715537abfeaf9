/** Types of `@stateset/browser/testing` and `/testing/msw`: what a merchant's test file writes compiles, mistakes do not. */
import type { HttpHandler } from 'msw';
import { expectTypeOf, test } from 'vitest';
import { parseFault, startStandIn, type Fault, type RecordedRequest, type StandIn, type StandInOptions } from '../src/testing/index.js';
import { createHandlers, handlers, standIn, type StandInHandlers } from '../src/testing/msw/index.js';

test('startStandIn({ port, plan, latency, faults, seed }) resolves to { url, requests, close, … }', () => {
  expectTypeOf(startStandIn).parameter(0).toEqualTypeOf<StandInOptions | undefined>();
  expectTypeOf(startStandIn({ port: 0, plan: 'free', latency: 50, faults: ['GET /account/balance 503 x2'], seed: 3 })).toEqualTypeOf<Promise<StandIn>>();
  expectTypeOf<StandIn['url']>().toEqualTypeOf<string>();
  expectTypeOf<StandIn['requests']>().toEqualTypeOf<RecordedRequest[]>();
  expectTypeOf<StandIn['close']>().toEqualTypeOf<() => Promise<void>>();
  expectTypeOf<StandIn['fault']>().parameter(0).toEqualTypeOf<Fault | string>();
  expectTypeOf(parseFault).returns.toEqualTypeOf<Fault>();
  // @ts-expect-error a plan is free, starter, growth or its limits
  void startStandIn({ plan: 'enterprise' });
  // @ts-expect-error latency is milliseconds or { min, max }
  void startStandIn({ latency: '50ms' });
  // @ts-expect-error a fault body is one of the known kinds
  void startStandIn({ faults: [{ body: 'xml' }] });
});

test('the MSW handlers are msw handlers, with the same controls', () => {
  expectTypeOf(handlers).toEqualTypeOf<HttpHandler[]>();
  expectTypeOf(standIn).toEqualTypeOf<StandInHandlers>();
  expectTypeOf(createHandlers({ apiBase: 'https://shop.example/api', plan: 'starter' }).requests).toEqualTypeOf<RecordedRequest[]>();
  expectTypeOf<StandInHandlers['fault']>().toEqualTypeOf<StandIn['fault']>();
  // @ts-expect-error the handlers have no port: there is no server
  void createHandlers({ port: 4010 });
});
