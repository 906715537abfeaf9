import { REALM } from '../src/realm.js';

/**
 * A new registry, as another page (another visitor's browser) would start with: the clients made after it share no
 * pacer, cache or request in flight with those made before, which keep their states and still work. For benches
 * that simulate many separate realms in one process.
 */
export const newRealm = (): void => {
  const global = globalThis as unknown as Record<symbol, { states: WeakMap<object, unknown> } | undefined>;
  const states = global[Symbol.for(REALM)]?.states ?? new WeakMap();
  global[Symbol.for(REALM)] = { pacers: new Map(), caches: new Map(), states } as never;
};
