/**
 * Query encoding the way the API documents it: `created[gte]=2024-01-01`, `expand[]=a&expand[]=b`.
 * Keys are sorted, so equal queries give equal strings (and equal cache keys).
 */
import { ValidationError } from './errors.js';
import { assertNoSecret } from './key.js';

/** A scalar query value. `undefined` and `null` leave the parameter out. */
export type QueryScalar = string | number | boolean;
/** A query value: a scalar, a list (`expand[]`) or a one-level object (`created[gte]`). */
export type QueryValue =
  | QueryScalar
  | null
  | undefined
  | readonly QueryScalar[]
  | { readonly [key: string]: QueryScalar | null | undefined };
/** Query parameters, named as the API names them. */
export type Query = { readonly [name: string]: QueryValue };

function scalar(name: string, value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new ValidationError(name, 'must be a finite number.');
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ValidationError(name, `must be a string, number or boolean; got ${value === null ? 'null' : typeof value}.`);
  }
  const text = String(value);
  assertNoSecret(text, `query parameter ${name}`);
  return encodeURIComponent(text);
}

/** Encodes a query to `a=1&created[gte]=2024-01-01&expand[]=x`, without a leading `?`. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  if (typeof query !== 'object' || Array.isArray(query)) throw new ValidationError('query', 'must be an object of parameters.');
  const parts: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    if (value == null) continue;
    assertNoSecret(name, 'a query parameter name');
    const key = encodeURIComponent(name);
    if (Array.isArray(value)) {
      for (const item of value) parts.push(`${key}[]=${scalar(`${name}[]`, item)}`);
    } else if (typeof value === 'object') {
      const object = value as Record<string, unknown>;
      for (const sub of Object.keys(object).sort()) {
        if (object[sub] == null) continue;
        assertNoSecret(sub, 'a query parameter name');
        parts.push(`${key}[${encodeURIComponent(sub)}]=${scalar(`${name}[${sub}]`, object[sub])}`);
      }
    } else {
      parts.push(`${key}=${scalar(name, value)}`);
    }
  }
  return parts.join('&');
}
