/** `GET /stablecoin/balance/{address}`: the on-chain balance of a `stateset1…` address. */
import * as z from 'zod/mini';
import type { Client } from './client.js';
import { fillPath, type Endpoint } from './endpoint.js';
import { ValidationError } from './errors.js';
import { decimalString } from './money.js';
import { own } from './own.js';
import { encodeQuery } from './query.js';
import { send, type CallOptions } from './transport.js';

/** Balances of one address, as decimal strings (`"1250.000000"`). */
export interface StablecoinBalance {
  address: string;
  balances: { available: string; pending: string; locked: string; total: string };
}
/** The stablecoin balance schema: decimal strings, loose objects (checked to give a `StablecoinBalance`). */
export const stablecoinBalanceSchema: z.ZodMiniType<StablecoinBalance> = /* @__PURE__ */ z.looseObject({
  address: z.string(),
  balances: z.looseObject({ available: decimalString, pending: decimalString, locked: decimalString, total: decimalString }),
});

/** A StateSet address: `stateset1` and 38 or more lowercase letters or digits. */
export const stablecoinAddress = /^stateset1[a-z0-9]{38,}$/;

/** Allow-list row of `getStablecoinBalance`. */
export const stablecoinBalanceEndpoint: Endpoint<StablecoinBalance> = {
  method: 'GET', path: '/stablecoin/balance/{address}', params: { address: stablecoinAddress }, expects: { address: 'a stateset1… address (38+ lowercase letters or digits)' }, schema: stablecoinBalanceSchema, ttl: 15_000,
};

/** Parameters of `getStablecoinBalance`. */
export interface StablecoinBalanceParams {
  /** Include pending transfers in `available`. @default false */
  include_pending?: boolean | undefined;
}

/**
 * Reads the stablecoin balance of an address.
 * @throws ValidationError when `address` is not a `stateset1…` address; nothing is sent.
 * @example const { balances } = await getStablecoinBalance(client, 'stateset1…');
 */
export async function getStablecoinBalance(
  client: Client, address: string, params?: StablecoinBalanceParams, options?: CallOptions,
): Promise<StablecoinBalance> {
  return send(
    client, stablecoinBalanceEndpoint, options,
    fillPath(stablecoinBalanceEndpoint, { address }), encodeQuery(stablecoinQuery(params)),
  );
}

/** `getStablecoinBalance`'s parameters, checked (`ValidationError`, before the network). */
export function stablecoinQuery(params: StablecoinBalanceParams | undefined): { include_pending: boolean | undefined } {
  const { include_pending: includePending } = own(params); // own properties only, read once
  if (includePending !== undefined && typeof includePending !== 'boolean') throw new ValidationError('include_pending', 'must be a boolean.');
  return { include_pending: includePending };
}
