/** The list envelope and the list parameters every list endpoint shares. */
import * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import { assertNoSecret } from './key.js';
import { closest, own } from './own.js';
import type { Query } from './query.js';

/** `{ object: 'list', data, has_more, url }`; some endpoints add `total_count` and `next_cursor`. */
export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url?: string | undefined;
  total_count?: number | undefined;
  next_cursor?: string | null | undefined;
}

/** The list envelope around an item schema. */
/* @__NO_SIDE_EFFECTS__ */
export function listSchema<T>(item: z.ZodMiniType<T>): z.ZodMiniType<List<T>> {
  return z.looseObject({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    url: z.optional(z.string()),
    total_count: z.optional(z.number()),
    next_cursor: z.optional(z.nullable(z.string())),
  });
}

/** A date for `created[…]` filters: unix seconds, a `Date`, or an ISO date (`2024-01-01`, `2024-01-01T12:00:00Z`). */
export type DateFilterValue = number | string | Date;

/** Parameters every list endpoint takes, named as the API names them. */
export interface ListParams {
  /** Page size, 1 to 100. @default 10 (the API's default) */
  limit?: number | undefined;
  /** Cursor: the id of the last item of the previous page. */
  starting_after?: string | undefined;
  /** Cursor: the id of the first item of the next page (paging backwards). */
  ending_before?: string | undefined;
  /** Filter on creation time: `{ gte: '2024-01-01' }`. */
  created?: { gt?: DateFilterValue | undefined; gte?: DateFilterValue | undefined; lt?: DateFilterValue | undefined; lte?: DateFilterValue | undefined } | undefined;
  /** Related objects to expand: `['variants']` is sent as `expand[]=variants`. */
  expand?: readonly string[] | undefined;
}

const isoDate = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const cursor = /^[A-Za-z0-9_]{1,255}$/;
const expandPath = /^[a-z_]+(?:\.[a-z_]+)*$/;

function dateValue(name: string, value: unknown): string | number {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(name, 'is an invalid Date.');
    return Math.floor(value.getTime() / 1000);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && isoDate.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw new ValidationError(name, 'must be unix seconds, a Date, or an ISO date such as 2024-01-01.');
}

const listParams = ['limit', 'starting_after', 'ending_before', 'created', 'expand'];

/**
 * Checks the shared list parameters and returns them as a query, with `extra`: the call's own parameters, already
 * checked by the call (`status`), whose names `params` may also hold. Every value is read once, from `params`'
 * own properties; any other name is refused. Throws `ValidationError` before the network.
 */
export function listQuery(params: ListParams = {}, extra: Query = {}): Query {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ValidationError('params', 'must be an object.');
  for (const name of Object.keys(params)) {
    if (!listParams.includes(name) && !Object.hasOwn(extra, name)) {
      assertNoSecret(name, 'a parameter name');
      const near = closest(name, [...listParams, ...Object.keys(extra)]);
      throw new ValidationError(name, `is not a parameter of this call${near ? `: did you mean ${near}?` : '.'}`);
    }
  }
  const { limit, starting_after, ending_before, created, expand } = own(params);
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw new ValidationError('limit', 'must be an integer from 1 to 100.');
  }
  for (const [name, value] of [['starting_after', starting_after], ['ending_before', ending_before]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new ValidationError(name, 'must be an object id string.');
    assertNoSecret(value, name);
    if (!cursor.test(value)) throw new ValidationError(name, 'must be an object id (letters, digits and "_").');
  }
  if (starting_after !== undefined && ending_before !== undefined) {
    throw new ValidationError('starting_after', 'cannot be combined with ending_before.');
  }
  let createdQuery: Record<string, string | number> | undefined;
  if (created !== undefined) {
    if (typeof created !== 'object' || created === null) throw new ValidationError('created', 'must be an object such as { gte: "2024-01-01" }.');
    createdQuery = {};
    for (const [operator, value] of Object.entries(created)) {
      if (!['gt', 'gte', 'lt', 'lte'].includes(operator)) {
        assertNoSecret(operator, 'a created operator');
        throw new ValidationError(`created[${operator}]`, 'is not one of gt, gte, lt, lte.');
      }
      if (value !== undefined) createdQuery[operator] = dateValue(`created[${operator}]`, value);
    }
  }
  let paths: string[] | undefined; // a copy: what is checked is what is sent
  if (expand !== undefined && !(Array.isArray(expand) && (paths = [...expand]).every((path) => typeof path === 'string' && expandPath.test(path)))) {
    throw new ValidationError('expand', 'must be an array of field paths such as ["variants", "items.product"].');
  }
  return { ...extra, limit, starting_after, ending_before, created: createdQuery, expand: paths };
}
