// The edge as a Cloudflare Worker: `wrangler deploy` with the wrangler.toml beside this file.
import { createEdgeHandler, KeyBudget, type EdgeHandler } from '@stateset/browser/edge';

export { KeyBudget };                                 // the key's budget, one Durable Object for every location

interface Namespace { idFromName(name: string): unknown; get(id: unknown): { fetch(input: string, init: RequestInit): Promise<Response> } }
interface Env { STATESET_API?: string; SHOP_ORIGIN: string; STATESET_PUBLISHABLE_KEY: string; STATESET_BUDGET: Namespace }
let edge: EdgeHandler | undefined;

export default {
  fetch(request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<Response> {
    edge ??= createEdgeHandler({
      upstream: env.STATESET_API,                     // default https://api.stateset.com/v1
      basePath: '/stateset/v1',                       // the route below
      plan: 'free',                                   // the key's plan: the Durable Object holds it for every location
      coordinator: (id) => env.STATESET_BUDGET.get(env.STATESET_BUDGET.idFromName(id)),
      allowedOrigins: [env.SHOP_ORIGIN],              // none needed when the Worker is routed on the shop's own origin
      publishableKeys: [env.STATESET_PUBLISHABLE_KEY],
      clientIp: 'CF-Connecting-IP',                   // set by Cloudflare, not by the visitor
    });                                               // store: caches.default, found by itself (one per location)
    return edge(request, env, ctx);
  },
};
