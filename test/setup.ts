/** Every test starts in a fresh realm: what createClient shares per key (src/realm.ts) does not carry over between tests. */
import { beforeEach } from 'vitest';
import { REALM } from '../src/realm.js';

const global = globalThis as unknown as Record<symbol, { states: WeakMap<object, unknown> } | undefined>;

/**
 * Starts a new registry, as another tab or page would have: no pacer or cache is shared with clients made before.
 * The clients made before keep working (their states carry over: in a real other realm they would not exist).
 */
export const newRealm = (): void => {
  const states = global[Symbol.for(REALM)]?.states;
  delete global[Symbol.for(REALM)];
  if (states) global[Symbol.for(REALM)] = { pacers: new Map(), caches: new Map(), states } as never;
};
beforeEach(() => {
  delete global[Symbol.for(REALM)];
});
