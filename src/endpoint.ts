/**
 * The row type of the allow-list: one row per endpoint a publishable key may call.
 * Each call file owns its row (so bundlers drop the calls you do not import); `allowlist.ts` gathers them.
 */
import type { ZodMiniType } from 'zod/mini';
import { ValidationError } from './errors.js';
import { assertNoSecret, redactSecrets } from './key.js';

/** One allowed endpoint: method, path pattern, the pattern of each `{param}`, the response schema and its cache TTL. */
export interface Endpoint<T = unknown> {
  readonly method: 'GET';
  /** Path below `apiBase`, with `{name}` placeholders: `/products/{id}`. */
  readonly path: string;
  /** The pattern each placeholder must match in full. */
  readonly params?: { readonly [name: string]: RegExp };
  /** What each placeholder holds, for messages, as the product row says it: "a product id like" and an example. */
  readonly expects?: { readonly [name: string]: string };
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

/** `true` when `path` matches `row`: same segments, each placeholder's value matching its pattern in full. */
export function matchPath(row: Endpoint, path: string): boolean {
  const actual = segments(path);
  const pattern = row.path.slice(1).split('/');
  return !!actual && actual.length === pattern.length && pattern.every((part, index) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    return name === undefined ? actual[index] === part : !!row.params?.[name]?.test(actual[index]!);
  });
}

/** A value the caller gave, safe to show: secrets masked, at most 40 characters, quoted. */
const shown = (value: string): string => {
  const text = redactSecrets(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
};

/** Fills the row's path placeholders, refusing secrets and values that do not match their pattern. Nothing is sent. */
export function fillPath(row: Endpoint, params: { readonly [name: string]: unknown }): string {
  let path = row.path;
  for (const [name, pattern] of Object.entries(row.params ?? {})) {
    const value = params[name];
    if (typeof value !== 'string') throw new ValidationError(name, `expected a string, got ${value === null ? 'null' : typeof value}.`);
    assertNoSecret(value, name);
    if (!pattern.test(value)) throw new ValidationError(name, `expected ${row.expects?.[name] ?? pattern.source}, got ${shown(value)}.`);
    path = path.replace(`{${name}}`, value);
  }
  return path;
}
