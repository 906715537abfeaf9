/**
 * Every endpoint a publishable key may call from a browser: the rows of the call files, gathered.
 * Imported only by `request()`, so a bundle that uses `getBalance` alone carries no other schema.
 * Adding an endpoint: a row (and its call) in its own file, then one entry here.
 */
import { balanceEndpoint } from './balance.js';
import type { Endpoint } from './endpoint.js';
import { productEndpoint, productsEndpoint } from './products.js';
import { stablecoinBalanceEndpoint } from './stablecoin.js';

export const allowlist: readonly Endpoint[] = [balanceEndpoint, productsEndpoint, productEndpoint, stablecoinBalanceEndpoint];
