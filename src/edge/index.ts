/**
 * @stateset/browser/edge: one shared cache and one budget in front of the API for every visitor of a storefront.
 * Server-side only (Workers, Deno, Bun, edge functions, Node); never import it into a page.
 */
export { createEdgeHandler, stretchedTtl, exposedHeaders, dailyLimits } from './handler.js';
export type { EdgeOptions, EdgePlan, EdgeContext, EdgeHandler, EdgeStats } from './handler.js';
export { KeyBudget } from './coordinator.js';
export type { Coordinator, Grant } from './coordinator.js';
export { memoryStore, cacheApiStore, defaultStore } from './store.js';
export type { EdgeStore, StoredAnswer, MemoryStoreOptions, CacheLike } from './store.js';
