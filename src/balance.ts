/** `GET /account/balance`: the account's balance. */
import * as z from 'zod/mini';
import type { Client } from './client.js';
import type { Endpoint } from './endpoint.js';
import { money, type Money } from './money.js';
import { send, type CallOptions } from './transport.js';

/** The account balance: `available` and `pending` amounts per currency. */
export interface Balance {
  object: 'balance';
  livemode: boolean;
  available: Money[];
  pending: Money[];
}
/**
 * The balance schema: loose, so fields the API adds later pass through at run time. The annotation checks at
 * compile time that what it validates is a `Balance` (the types have no index signature, so typos do not compile).
 */
export const balanceSchema: z.ZodMiniType<Balance> = /* @__PURE__ */ z.looseObject({
  object: z.literal('balance'),
  livemode: z.boolean(),
  available: z.array(money),
  pending: z.array(money),
});

/** Allow-list row of `getBalance`. */
export const balanceEndpoint: Endpoint<Balance> = { method: 'GET', path: '/account/balance', schema: balanceSchema, ttl: 5_000 };

/**
 * Reads the account balance.
 * @example const { available } = await getBalance(client);
 */
export async function getBalance(client: Client, options?: CallOptions): Promise<Balance> {
  return send(client, balanceEndpoint, options);
}
