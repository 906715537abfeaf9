/** `request()`: the escape hatch for any allowed endpoint, still inside the allow-list and its schemas. */
import { allowlist } from './allowlist.js';
import type { Balance } from './balance.js';
import type { Client } from './client.js';
import { matchPath } from './endpoint.js';
import { EndpointNotAllowedError, ValidationError } from './errors.js';
import { assertNoSecret } from './key.js';
import { own } from './own.js';
import type { List } from './list.js';
import type { Product } from './products.js';
import { encodeQuery, type Query } from './query.js';
import type { StablecoinBalance } from './stablecoin.js';
import { send, type CallOptions } from './transport.js';

/** Options of `request()`. */
export interface RequestOptions extends CallOptions {
  /** Query parameters, encoded as the API documents (`created[gte]`, `expand[]`). */
  query?: Query | undefined;
}

/**
 * The body type of each allowed path (types only: nothing here reaches a bundle). Other paths give `unknown`
 * (and are refused at run time unless a row allows them).
 */
export type ResponseOf<Path extends string> =
  Path extends '/account/balance' ? Balance
  : Path extends '/products' ? List<Product>
  : Path extends `/products/${infer Id}` ? OneSegment<Id, Product>
  : Path extends `/stablecoin/balance/${infer Address}` ? OneSegment<Address, StablecoinBalance>
  : unknown;

/** `Body` when `Segment` can be one non-empty path segment (`prod_1`, or any `string`), else `unknown`. */
type OneSegment<Segment extends string, Body> = Segment extends '' | `${string}/${string}` ? unknown : Body;

/** The methods of the allow-list (any case at run time). */
export type AllowedMethod = 'GET';
/** The paths of the allow-list, each `{param}` row as a template literal. */
export type AllowedPath = '/account/balance' | '/products' | `/products/${string}` | `/stablecoin/balance/${string}`;

/**
 * A method argument: one of the allow-list's (any case), or a wider `string` (checked at run time only).
 * A literal outside the allow-list does not compile.
 */
export type MethodArg<Method extends string> = string extends Method ? Method : Uppercase<Method> extends AllowedMethod ? Method : AllowedMethod;
/**
 * A path argument: one a row matches (`'/products'`, `` `/products/${id}` ``), or a wider `string` (checked at run
 * time only, typed `unknown`). A literal no row can match (`'/customers'`, `'/products/'`) does not compile.
 */
export type PathArg<Path extends string> = string extends Path ? Path : unknown extends ResponseOf<Path> ? AllowListPath : Path;
/** The rows' paths as the allow-list writes them: what a refused literal path is told to be. */
export type AllowListPath = '/account/balance' | '/products' | '/products/{id}' | '/stablecoin/balance/{address}';

/**
 * Calls an allowed endpoint by method and path (relative to `apiBase`) and returns its validated body, typed by path.
 * A method or path outside the allow-list does not compile; one typed `string` does (built at run time, say), and is
 * checked when called.
 * @throws EndpointNotAllowedError for anything outside the allow-list (`POST /payments`, `GET /customers`, `/products/../x`).
 * @example const raw = await request(client, 'GET', '/products', { query: { limit: 5 } });
 */
export async function request<Path extends string, Method extends string = AllowedMethod>(
  client: Client, method: MethodArg<Method>, path: PathArg<Path>, options: RequestOptions = {},
): Promise<ResponseOf<Path>> {
  if (typeof method !== 'string' || typeof path !== 'string') throw new ValidationError('path', 'method and path must be strings.');
  assertNoSecret(path, 'the request path');
  assertNoSecret(method, 'the request method'); // both may appear in EndpointNotAllowedError's message
  const verb = method.toUpperCase();
  const { query } = own(options); // own properties only, read once
  const methods: string[] = [];
  for (const row of allowlist) {
    // A path that matches a row has placeholder values that match their patterns: it is sent as given.
    if (matchPath(row, path)) {
      if (row.method === verb) return send(client, row, options, path, encodeQuery(query)) as Promise<ResponseOf<Path>>;
      methods.push(row.method);
    }
  }
  throw methods[0]
    ? new EndpointNotAllowedError(verb, path, methods, true)
    : new EndpointNotAllowedError(verb, path, allowlist.map((row) => `${row.method} ${row.path}`));
}
