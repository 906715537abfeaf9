/** `GET /products` and `GET /products/{id}`. */
import * as z from 'zod/mini';
import type { Client } from './client.js';
import { fillPath, type Endpoint } from './endpoint.js';
import { ValidationError } from './errors.js';
import { listQuery, listSchema, type List, type ListParams } from './list.js';
import { money, type Money } from './money.js';
import { own } from './own.js';
import { encodeQuery, type Query } from './query.js';
import { send, type CallOptions } from './transport.js';

/** A product. `variants` are ids, or objects when expanded (`expand: ['variants']`). */
export interface Product {
  id: string;
  object: 'product';
  name: string;
  status: string;
  price: Money;
  description?: string | null | undefined;
  /** Unix seconds. */
  created?: number | undefined;
  images?: string[] | undefined;
  variants?: Array<string | ExpandedVariant> | undefined;
}
/** An expanded variant: its `id`, and whatever fields the API sends (not described here). */
export interface ExpandedVariant {
  id: string;
  [field: string]: unknown;
}

/** The product schema: loose, so fields the API adds later pass through at run time; checked to give a `Product`. */
export const productSchema: z.ZodMiniType<Product> = /* @__PURE__ */ z.looseObject({
  id: z.string(),
  object: z.literal('product'),
  name: z.string(),
  status: z.string(),
  price: money,
  description: z.optional(z.nullable(z.string())),
  created: z.optional(z.number()),
  images: z.optional(z.array(z.string())),
  variants: z.optional(z.array(z.union([z.string(), z.looseObject({ id: z.string() })]))),
});

/** A product id: `prod_` followed by letters, digits or `_`. */
export const productId = /^prod_[A-Za-z0-9_]{1,255}$/;

/** Allow-list row of `listProducts`. */
export const productsEndpoint: Endpoint<List<Product>> = {
  method: 'GET', path: '/products', schema: /* @__PURE__ */ listSchema(productSchema), ttl: 60_000,
};
/** Allow-list row of `getProduct`. */
export const productEndpoint: Endpoint<Product> = {
  method: 'GET', path: '/products/{id}', params: { id: productId }, expects: { id: 'a product id like prod_123' }, schema: productSchema, ttl: 60_000,
};

/** Parameters of `listProducts`. */
export interface ListProductsParams extends ListParams {
  /** Only products with this status. @example 'active' */
  status?: 'active' | 'archived' | (string & {}) | undefined;
}

/**
 * Lists products, newest first.
 * @example const page = await listProducts(client, { limit: 20, created: { gte: '2024-01-01' }, expand: ['variants'] });
 */
export async function listProducts(client: Client, params?: ListProductsParams, options?: CallOptions): Promise<List<Product>> {
  return send(client, productsEndpoint, options, undefined, encodeQuery(productsQuery(params)));
}

/** `listProducts`' parameters, checked (`ValidationError`, before the network) and as a query. */
export function productsQuery(params: ListProductsParams | undefined): Query {
  // Read once, then checked, then handed on: a getter cannot answer the check one value and the query another.
  const { status } = own(params);
  if (status !== undefined && (typeof status !== 'string' || !/^[a-z_]{1,32}$/.test(status))) {
    throw new ValidationError('status', 'must be a status such as "active".');
  }
  return listQuery(params, { status });
}

/**
 * Reads one product.
 * @throws ValidationError when `id` is not a product id (`prod_…`); nothing is sent.
 * @example const product = await getProduct(client, 'prod_123');
 */
export async function getProduct(client: Client, id: string, options?: CallOptions): Promise<Product> {
  return send(client, productEndpoint, options, fillPath(productEndpoint, { id }));
}
