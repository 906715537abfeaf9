/**
 * The row type of the allow-list: one row per endpoint a publishable key may call.
 * Each call file owns its row (so bundlers drop the calls you do not import); `allowlist.ts` gathers them.
 */
import type { ZodMiniType } from 'zod/mini';

/** One allowed endpoint: method, path pattern, the pattern of each `{param}`, the response schema and its cache TTL. */
export interface Endpoint<T = unknown> {
  readonly method: 'GET';
  /** Path below `apiBase`, with `{name}` placeholders: `/products/{id}`. */
  readonly path: string;
  /** The pattern each placeholder must match in full. */
  readonly params?: { readonly [name: string]: RegExp };
  /** Validates (and types) the response body. Loose: unknown fields pass through. */
  readonly schema: ZodMiniType<T>;
  /** How long a response stays fresh in the cache, in ms. */
  readonly ttl: number;
}

/** Splits a path into segments, or `undefined` when it is not a plain absolute path (`..`, `//`, `%`, `\`, `?`, `#`). */
function segments(path: string): string[] | undefined {
  if (!path.startsWith('/') || /[%\\?#\s]/.test(path)) return undefined;
  const parts = path.slice(1).split('/');
  return parts.every((part) => part !== '' && part !== '.' && part !== '..') ? parts : undefined;
}

/** Returns the placeholder values when `path` matches `row`, else `undefined`. */
export function matchPath(row: Endpoint, path: string): Record<string, string> | undefined {
  const actual = segments(path);
  const pattern = row.path.slice(1).split('/');
  if (!actual || actual.length !== pattern.length) return undefined;
  const values: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const value = actual[index]!;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined ? value !== part : !row.params?.[name]?.test(value)) return undefined;
    if (name !== undefined) values[name] = value;
  }
  return values;
}
