/** `GET /account/balance`: the account's balance. */
import * as z from 'zod/mini';
import type { Client } from './client.js';
import type { Endpoint } from './endpoint.js';
import { money } from './money.js';
import { send, type CallOptions } from './transport.js';

/** The balance schema: loose, so fields the API adds later pass through. */
export const balanceSchema = /* @__PURE__ */ z.looseObject({
  object: z.literal('balance'),
  livemode: z.boolean(),
  available: z.array(money),
  pending: z.array(money),
});
/** The account balance: `available` and `pending` amounts per currency. */
export type Balance = z.infer<typeof balanceSchema>;

/** Allow-list row of `getBalance`. */
export const balanceEndpoint: Endpoint<Balance> = { method: 'GET', path: '/account/balance', schema: balanceSchema, ttl: 5_000 };

/**
 * Reads the account balance.
 * @example const { available } = await getBalance(client);
 */
export async function getBalance(client: Client, options?: CallOptions): Promise<Balance> {
  return send(client, balanceEndpoint, options);
}
