/** Every test starts in a fresh realm: what createClient shares per key (src/realm.ts) does not carry over between tests. */
import { beforeEach } from 'vitest';
import { REALM } from '../src/realm.js';

/** Forgets the realm's registry, as a new page would: the next createClient makes a new one. */
export const newRealm = (): void => {
  delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for(REALM)];
};
beforeEach(newRealm);
