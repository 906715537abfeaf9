// The edge as a Cloudflare Worker: `wrangler deploy` with the wrangler.toml beside this file.
import { createEdgeHandler, type EdgeHandler } from '@stateset/browser/edge';

interface Env { STATESET_API?: string; SHOP_ORIGIN: string; STATESET_PUBLISHABLE_KEY: string }
let edge: EdgeHandler | undefined;

export default {
  fetch(request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<Response> {
    edge ??= createEdgeHandler({
      upstream: env.STATESET_API,                     // default https://api.stateset.com/v1
      basePath: '/stateset/v1',                       // the route below
      plan: 'free',                                   // this location's share of the key's plan: see "Many locations"
      allowedOrigins: [env.SHOP_ORIGIN],              // none needed when the Worker is routed on the shop's own origin
      publishableKeys: [env.STATESET_PUBLISHABLE_KEY],
      clientIp: 'CF-Connecting-IP',                   // set by Cloudflare, not by the visitor
    });                                               // store: caches.default, found by itself
    return edge(request, env, ctx);
  },
};
