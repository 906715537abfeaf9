/**
 * The stand-in API: a local, faithful fake of the StateSet API on a real `node:http` server, for
 * unit tests, benchmarks and the demo (and, shipped as `@stateset/browser/testing`, for merchants'
 * tests). It speaks the documented wire format of the API reference: auth, CORS, rate limits, list
 * pagination and error bodies, and can inject faults (delays, any status, HTML pages, malformed or
 * drifted JSON, stalls, dropped sockets, 429s with or without their headers).
 *
 * `createStandInEngine` is the transport-free core (no Node API at import, so the MSW handlers of
 * `msw/index.ts` can use it in a browser too); `startStandIn` serves it over `node:http`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountBalance, products, stablecoinBalance, type Product } from './data.js';
import { ConfigError } from '../errors.js';
import { parseFault } from './fault-spec.js';

export { HOSTILE_MARKUP, products, type Product, type Variant } from './data.js';

export type Plan = 'free' | 'starter' | 'growth' | { perSecond: number; burst: number; daily?: number };

export interface StandInOptions {
  /** Default 0 (random). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Rate limit to enforce; default false (no limit). */
  plan?: Plan | false;
  /** Default true: `Access-Control-Expose-Headers` lists the rate-limit headers, Retry-After and X-Request-Id. */
  exposeHeaders?: boolean;
  /** Default true; false = no Access-Control-* headers at all. */
  cors?: boolean;
  /** Default '*': echo the request Origin (or '*' when absent). A list echoes only listed origins. */
  allowedOrigins?: string[] | '*';
  /** Default 'nested': `{ error: {...} }`; 'top-level': the error fields at the top level. */
  errorEnvelope?: 'nested' | 'top-level';
  /** Clock for the rate limiter, default Date.now. */
  now?: () => number;
  /**
   * Milliseconds before every answer (CORS preflights aside), added to a fault's `delay`; a range draws
   * each request's latency from `seed`'s random sequence.
   * @default 0
   */
  latency?: number | { min: number; max: number };
  /**
   * Faults active from the start (objects, or specs as the CLI's `--fault` takes them, see `parseFault`).
   * `setOptions({ faults })` replaces the active ones.
   * @default []
   */
  faults?: Array<Fault | string>;
  /**
   * Seed of the random sequence behind `latency` ranges and faults' `chance`: the same seed, the same run.
   * @default 1
   */
  seed?: number;
  /**
   * Send caching headers, as an edge of ours or a future API might (the API reference documents none): on every 200,
   * `Cache-Control: private, max-age=<the endpoint's TTL in s>` (balance 5, stablecoin 15, products 60) and a strong
   * `ETag` of the body (exposed to pages); `304 Not Modified` without a body when `If-None-Match` matches it (still a
   * request of the rate limit); `If-None-Match` allowed in CORS preflights.
   * @default false
   */
  cacheHeaders?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path without query, as received, e.g. '/v1/products'. */
  path: string;
  /** Raw request URL incl. query, as received. */
  url: string;
  /** Decoded query, all values per key (keys like 'created[gte]', 'expand[]'). */
  query: Record<string, string[]>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The status answered with; 0 while pending or when no answer was sent (destroyed socket, client gone). */
  status: number;
  /** Set when the client closed the connection before the answer was complete (a `stall` fault it gave up on). */
  gaveUp?: true;
}

export interface Fault {
  /** Only requests whose path matches; default all. Never applies to OPTIONS preflights. */
  path?: string | RegExp;
  /** Only requests with this method (any case); default all. */
  method?: string;
  /** Fraction (0–1) of matching requests that get it, drawn from the `seed`'s sequence; default 1. */
  chance?: number;
  /** How many matching requests get this fault, then it is removed; default Infinity. */
  times?: number;
  /** Milliseconds before answering. */
  delay?: number;
  /** Answer with this status and an API error body (with 429 also Retry-After). */
  status?: number;
  /** Retry-After value to send with the answer. */
  retryAfter?: string;
  /** Replace (html, malformed-json, empty) or alter (drift-*) the body. */
  body?: 'html' | 'malformed-json' | 'drift-extra' | 'drift-missing' | 'empty';
  /** Destroy the socket without answering. */
  destroy?: boolean;
  /** Send the headers and half of the body, then nothing more (until the client goes away). */
  stall?: boolean;
  /**
   * Rate-limit headers of a `status` fault: 'retry-after' (default; with 429 `Retry-After: 1`), 'all' (also
   * X-RateLimit-Limit/Remaining 0/Reset) or 'none' (a bare answer, as proxies and CDNs send 429s).
   */
  rateLimitHeaders?: 'retry-after' | 'all' | 'none';
}

export interface StandIn {
  /** API base including /v1, e.g. 'http://127.0.0.1:41234/v1'. */
  url: string;
  /** E.g. 'http://127.0.0.1:41234'. */
  origin: string;
  port: number;
  /** Every request received, in order, including OPTIONS preflights and rejected ones. */
  requests: RecordedRequest[];
  /** Adds a fault (an object or a `--fault` spec such as 'GET /account/balance 503 x2'); several can be active, the first matching wins. */
  fault(f: Fault | string): void;
  clearFaults(): void;
  /** Clears requests, faults and rate-limit state (request ids keep counting, so they stay unique). */
  reset(): void;
  /** Changes plan/cors/exposeHeaders/allowedOrigins/errorEnvelope/now at run time (a new plan starts with full buckets; port/host are ignored). */
  setOptions(o: Partial<StandInOptions>): void;
  close(): Promise<void>;
}

/** What a transport hands the engine: method, URL path with query (e.g. '/v1/products?limit=2'), headers (lower-case names). */
export interface IncomingCall {
  method: string;
  url: string;
  headers: { [name: string]: string | string[] | undefined; authorization?: string | undefined; origin?: string | undefined };
}

/** The engine's answer: write `body` (`stall`: only its first half, then nothing), or `destroy` the connection. */
export type Outcome =
  | { destroy: true; record: RecordedRequest }
  | { destroy?: false; record: RecordedRequest; status: number; headers: Record<string, string>; body: string; stall: boolean };

/** The stand-in without a transport: `startStandIn` serves it over node:http, `createHandlers` (msw/index.ts) through MSW. */
export interface StandInEngine extends Omit<StandIn, 'url' | 'origin' | 'port' | 'close'> {
  /** Answers one call; undefined when `gone()` says the client went away during a delay. */
  respond(call: IncomingCall, gone?: () => boolean): Promise<Outcome | undefined>;
  /** Cancels pending delays. */
  dispose(): void;
}

export const PRODUCT_COUNT: number = products.length;

/** Published plan limits. */
export const PLANS = {
  free: { perSecond: 10, burst: 20, daily: 1_000 },
  starter: { perSecond: 100, burst: 200, daily: 100_000 },
  growth: { perSecond: 1_000, burst: 2_000, daily: 10_000_000 },
} as const;

const EXPOSED_HEADERS = 'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id';
const KEY_PATTERN = /^(pk|sk|rk)_(test|live)_[A-Za-z0-9]+$/;
const ADDRESS_PATTERN = /^stateset1[a-z0-9]{38,}$/;
const DAY_MS = 86_400_000;

/** An answer before it is written; `json` bodies stay objects so drift faults can alter them. */
interface Reply {
  status: number;
  headers: Record<string, string>;
  json?: unknown;
  text?: { body: string; contentType: string };
}

interface Bucket {
  tokens: number;
  updated: number;
  day: number;
  usedToday: number;
}

const ERROR_TYPES: Record<string, string> = {
  api_key_missing: 'authentication_error',
  invalid_api_key: 'authentication_error',
  insufficient_permissions: 'permission_error',
  parameter_invalid: 'invalid_request_error',
  resource_missing: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  rate_limit_exceeded: 'rate_limit_error',
  api_error: 'api_error',
};

/** The error code a fault's bare status is reported with. */
function codeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'parameter_invalid',
    401: 'invalid_api_key',
    403: 'insufficient_permissions',
    404: 'resource_missing',
    405: 'method_not_allowed',
    429: 'rate_limit_exceeded',
  };
  return codes[status] ?? 'api_error';
}

function planLimits(plan: Plan): { perSecond: number; burst: number; daily?: number } {
  return typeof plan === 'string' ? PLANS[plan] : plan;
}

function flatHeaders(headers: IncomingCall['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of params) (out[key] ??= []).push(value);
  return out;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Unix seconds from a unix-seconds string or an ISO date (`YYYY-MM-DD[Thh:mm...]`); undefined if neither. */
function parseTimestamp(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** drift-extra: unknown fields at the top level and in every nested object. */
function addUnknownFields(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => addUnknownFields(v, false));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = addUnknownFields(v, false);
  copy.x_added_later = top ? { rollout: 'beta', flags: ['new_field'] } : 'unknown to this client';
  return copy;
}

/** drift-missing: the body without one required field. */
function dropRequiredField(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  const required = copy.object === 'balance' ? 'available'
    : copy.object === 'product' ? 'name'
    : copy.object === 'list' ? 'has_more'
    : 'balances';
  delete copy[required];
  return copy;
}

const HTML_PAGE = (status: number) => `<!doctype html>
<html>
<head><title>${status === 200 ? '502 Bad Gateway' : `${status} Error`}</title></head>
<body>
<center><h1>${status === 200 ? '502 Bad Gateway' : `${status} Error`}</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
`;

/** How long (s) each path's answers may be kept, as the client's endpoint rows say (`test/stand-in.test.ts` checks). */
export const cacheSeconds = (path: string): number => (/^\/v1\/account\//.test(path) ? 5 : /^\/v1\/stablecoin\//.test(path) ? 15 : 60);

/**
 * A 200 with its caching headers (`cacheHeaders`): a strong ETag of the body (two 32-bit FNV-1a variants and the
 * length, enough for a stand-in), and a 304 without a body when `ifNoneMatch` lists it (`*` too).
 */
function cached(reply: Reply, path: string, ifNoneMatch: string | string[] | undefined): Reply {
  const body = JSON.stringify(reply.json);
  let a = 0x811c9dc5;
  let b = 0x5bd1e995;
  for (let index = 0; index < body.length; index++) {
    a = Math.imul(a ^ body.charCodeAt(index), 0x01000193);
    b = Math.imul(b ^ body.charCodeAt(index), 0x5bd1e995);
  }
  const etag = `"${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}-${body.length.toString(36)}"`;
  const headers = { ...reply.headers, 'Cache-Control': `private, max-age=${cacheSeconds(path)}`, ETag: etag };
  const tags = [ifNoneMatch ?? []].flat().join(',').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  return tags.includes(etag) || tags.includes('*') ? { status: 304, headers } : { ...reply, headers };
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The stand-in's state, routes and faults, without a server. */
export function createStandInEngine(options: StandInOptions = {}): StandInEngine {
  const current: Required<Omit<StandInOptions, 'port' | 'host' | 'faults'>> = {
    plan: false,
    exposeHeaders: true,
    cacheHeaders: false,
    cors: true,
    allowedOrigins: '*',
    errorEnvelope: 'nested',
    now: Date.now,
    latency: 0,
    seed: 1,
  };
  const requests: RecordedRequest[] = [];
  let faults: Array<Fault & { left: number }> = [];
  const buckets = new Map<string, Bucket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let requestCounter = 0;
  let random = seeded(options.seed ?? 1);

  const addFault = (f: Fault | string): void => {
    const fault = typeof f === 'string' ? parseFault(f) : f;
    if (fault.chance !== undefined && !(fault.chance >= 0 && fault.chance <= 1)) {
      throw new ConfigError('invalid_option', `Invalid fault chance ${fault.chance}: use a fraction from 0 to 1.`);
    }
    if ((fault.times ?? Infinity) > 0) faults.push({ ...fault, left: fault.times ?? Infinity });
  };
  const setOptions = (o: Partial<StandInOptions>): void => {
    const { latency: wait, seed } = o;
    const ms = (n: number) => Number.isFinite(n) && n >= 0;
    if (wait !== undefined && !(typeof wait === 'number' ? ms(wait) : ms(wait.min) && ms(wait.max) && wait.min <= wait.max)) {
      throw new ConfigError('invalid_option', `Invalid latency ${JSON.stringify(wait)}: use milliseconds (>= 0) or { min, max } with min <= max.`);
    }
    if (seed !== undefined && !Number.isInteger(seed)) throw new ConfigError('invalid_option', `Invalid seed ${seed}: use an integer.`);
    for (const [key, value] of Object.entries(o)) {
      if (value !== undefined && key !== 'port' && key !== 'host' && key !== 'faults') Object.assign(current, { [key]: value });
    }
    if ('plan' in o) buckets.clear();
    if (o.seed !== undefined) random = seeded(o.seed);
    if (o.faults !== undefined) {
      faults = [];
      o.faults.forEach(addFault);
    }
  };
  setOptions(options);

  /** This request's latency: the fixed value, or a seeded draw from the range. */
  const latency = (): number => {
    const { latency: value } = current;
    return typeof value === 'number' ? value : value.min + Math.round(random() * (value.max - value.min));
  };

  function errorReply(status: number, code: string, message: string, requestId: string, param?: string): Reply {
    const error = {
      type: ERROR_TYPES[code] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
      code,
      message,
      param: param ?? null,
      doc_url: `https://docs.stateset.com/errors/${code}`,
      request_id: requestId,
    };
    return { status, headers: {}, json: current.errorEnvelope === 'nested' ? { error } : error };
  }

  /** Token bucket plus daily counter per key; returns the headers and, when over the limit, Retry-After seconds. */
  function takeToken(key: string): { headers: Record<string, string>; retryAfter?: number } | undefined {
    if (current.plan === false) return undefined;
    const { perSecond, burst, daily } = planLimits(current.plan);
    const now = current.now();
    const day = Math.floor(now / DAY_MS);
    const bucket = buckets.get(key) ?? { tokens: burst, updated: now, day, usedToday: 0 };
    buckets.set(key, bucket);
    // Multiply before dividing so whole milliseconds refill exactly.
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.updated) * perSecond) / 1000);
    bucket.updated = now;
    if (bucket.day !== day) Object.assign(bucket, { day, usedToday: 0 });

    const dailyLeft = daily === undefined ? Infinity : daily - bucket.usedToday;
    let retryAfter: number | undefined;
    let resetMs = now + ((burst - bucket.tokens) * 1000) / perSecond;
    if (dailyLeft <= 0) {
      resetMs = (day + 1) * DAY_MS;
      retryAfter = Math.max(1, Math.ceil((resetMs - now) / 1000));
    } else if (bucket.tokens < 1) {
      retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    } else {
      bucket.tokens -= 1;
      bucket.usedToday += 1;
      resetMs += 1000 / perSecond;
    }
    const remaining = Math.max(0, Math.min(Math.floor(bucket.tokens), dailyLeft - (retryAfter === undefined ? 1 : 0)));
    const headers = {
      'X-RateLimit-Limit': String(perSecond),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
    };
    return retryAfter === undefined ? { headers } : { headers, retryAfter };
  }

  function listProducts(params: URLSearchParams, requestId: string): Reply {
    const invalid = (param: string, message: string) => errorReply(400, 'parameter_invalid', message, requestId, param);

    let limit = 10;
    const limitParam = params.get('limit');
    if (limitParam !== null) {
      if (!/^\d+$/.test(limitParam) || Number(limitParam) < 1 || Number(limitParam) > 100) {
        return invalid('limit', `Invalid limit: must be an integer from 1 to 100 (got '${limitParam}').`);
      }
      limit = Number(limitParam);
    }

    const status = params.get('status');
    if (status !== null && status !== 'active' && status !== 'archived') {
      return invalid('status', `Invalid status: must be 'active' or 'archived' (got '${status}').`);
    }

    const bounds: Array<[op: string, at: number]> = [];
    for (const op of ['gt', 'gte', 'lt', 'lte']) {
      const value = params.get(`created[${op}]`);
      if (value === null) continue;
      const at = parseTimestamp(value);
      if (at === undefined) return invalid(`created[${op}]`, `Invalid created[${op}]: expected unix seconds or a YYYY-MM-DD date (got '${value}').`);
      bounds.push([op, at]);
    }

    const after = params.get('starting_after');
    const before = params.get('ending_before');
    if (after !== null && before !== null) return invalid('ending_before', 'Pass starting_after or ending_before, not both.');
    const cursorParam = after !== null ? 'starting_after' : 'ending_before';
    const cursor = after ?? before;
    const cursorIndex = cursor === null ? -1 : products.findIndex((p) => p.id === cursor);
    if (cursor !== null && cursorIndex === -1) return invalid(cursorParam, `No such product: '${cursor}' (${cursorParam}).`);

    const matches = (p: Product) =>
      (status === null || p.status === status) &&
      bounds.every(([op, at]) => (op === 'gt' ? p.created > at : op === 'gte' ? p.created >= at : op === 'lt' ? p.created < at : p.created <= at));

    // The cursor's position in the full (newest first) order, so it works even if it is filtered out.
    let data: Product[];
    let hasMore: boolean;
    if (before !== null) {
      const candidates = products.slice(0, cursorIndex).filter(matches);
      data = candidates.slice(-limit);
      hasMore = candidates.length > limit;
    } else {
      const candidates = products.slice(cursorIndex + 1).filter(matches);
      data = candidates.slice(0, limit);
      hasMore = candidates.length > limit;
    }
    return { status: 200, headers: {}, json: { object: 'list', data, has_more: hasMore, url: '/v1/products' } };
  }

  function route(method: string, path: string, params: URLSearchParams, key: string, accountId: string | undefined, requestId: string): Reply {
    const ok = (json: unknown): Reply => ({ status: 200, headers: {}, json });
    const routes: Array<[RegExp, (segment: string) => Reply]> = [
      [/^\/v1\/account\/balance$/, () => ok(accountBalance(key, accountId))],
      [/^\/v1\/products$/, () => listProducts(params, requestId)],
      [/^\/v1\/products\/([^/]+)$/, (id) => {
        const product = products.find((p) => p.id === id);
        return product ? ok(product) : errorReply(404, 'resource_missing', `No such product: '${id}'.`, requestId, 'id');
      }],
      [/^\/v1\/stablecoin\/balance\/([^/]+)$/, (address) => {
        if (!ADDRESS_PATTERN.test(address)) {
          return errorReply(400, 'parameter_invalid', `Invalid address: expected 'stateset1' followed by 38 or more lowercase letters or digits.`, requestId, 'address');
        }
        const includePending = params.get('include_pending');
        if (includePending !== null && includePending !== 'true' && includePending !== 'false') {
          return errorReply(400, 'parameter_invalid', `Invalid include_pending: must be 'true' or 'false'.`, requestId, 'include_pending');
        }
        return ok(stablecoinBalance(address, includePending === 'true'));
      }],
    ];
    for (const [pattern, handler] of routes) {
      const match = pattern.exec(path);
      if (!match) continue;
      if (method !== 'GET') {
        const reply = errorReply(405, 'method_not_allowed', `${method} is not allowed on ${path}; use GET.`, requestId);
        reply.headers.Allow = 'GET, OPTIONS';
        return reply;
      }
      return handler(decodeSegment(match[1] ?? ''));
    }
    return errorReply(404, 'resource_missing', `Unrecognized request URL (${method} ${path}).`, requestId);
  }

  /** The normal answer: auth, then rate limit, then the route. */
  function answer(req: IncomingCall, path: string, params: URLSearchParams, requestId: string): Reply {
    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization.trim() === '') {
      return errorReply(401, 'api_key_missing', 'No API key provided. Send it as Authorization: Bearer <key>.', requestId);
    }
    const key = /^Bearer (\S+)$/.exec(authorization)?.[1];
    if (key === undefined || !KEY_PATTERN.test(key) || key.includes('revoked')) {
      const shown = key === undefined ? 'a non-Bearer Authorization header' : `${key.slice(0, 8)}…`;
      return errorReply(401, 'invalid_api_key', `Invalid API key provided: ${shown}.`, requestId);
    }

    const limit = takeToken(key);
    if (limit?.retryAfter !== undefined) {
      const reply = errorReply(429, 'rate_limit_exceeded', 'Too many requests; slow down and retry after the Retry-After delay.', requestId);
      Object.assign(reply.headers, limit.headers, { 'Retry-After': String(limit.retryAfter) });
      return reply;
    }
    const accountId = req.headers['x-account-id'];
    const reply = route(req.method ?? 'GET', path, params, key, Array.isArray(accountId) ? accountId[0] : accountId, requestId);
    Object.assign(reply.headers, limit?.headers);
    return reply;
  }

  /** A fault's replacement answer (status, html, malformed-json, empty), or undefined if it only alters the normal one. */
  function faultReply(fault: Fault, requestId: string): Reply | undefined {
    const status = fault.status ?? 200;
    if (fault.body === 'html') return { status, headers: {}, text: { body: HTML_PAGE(status), contentType: 'text/html; charset=utf-8' } };
    if (fault.body === 'malformed-json') return { status, headers: {}, text: { body: '{"object":"balance",', contentType: 'application/json; charset=utf-8' } };
    if (fault.body === 'empty') return { status, headers: {}, text: { body: '', contentType: 'application/json; charset=utf-8' } };
    if (fault.status === undefined) return undefined;
    const code = codeForStatus(fault.status);
    const reply = errorReply(fault.status, code, fault.status >= 500 ? 'An error occurred on our side; please retry.' : `Injected ${fault.status} (${code}).`, requestId);
    const headers = fault.rateLimitHeaders ?? 'retry-after';
    if (fault.status === 429 && headers !== 'none') reply.headers['Retry-After'] = '1';
    if (headers === 'all') {
      const limit = current.plan === false ? PLANS.free.perSecond : planLimits(current.plan).perSecond;
      const wait = Number(fault.retryAfter ?? 1) || 1;
      Object.assign(reply.headers, {
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Math.ceil(current.now() / 1000) + wait),
      });
    }
    return reply;
  }

  function corsHeaders(origin: string | undefined, preflight: boolean): Record<string, string> {
    if (!current.cors) return {};
    const allowed = current.allowedOrigins === '*' ? (origin ?? '*') : origin !== undefined && current.allowedOrigins.includes(origin) ? origin : undefined;
    if (allowed === undefined) return { Vary: 'Origin' };
    const headers: Record<string, string> = { 'Access-Control-Allow-Origin': allowed, Vary: 'Origin' };
    if (preflight) {
      headers['Access-Control-Allow-Methods'] = 'GET, OPTIONS';
      headers['Access-Control-Allow-Headers'] = `Authorization, Content-Type, X-Account-Id${current.cacheHeaders ? ', If-None-Match' : ''}`;
      headers['Access-Control-Max-Age'] = '600';
    } else if (current.exposeHeaders) {
      headers['Access-Control-Expose-Headers'] = `${EXPOSED_HEADERS}${current.cacheHeaders ? ', ETag' : ''}`;
    }
    return headers;
  }

  function takeFault(path: string, method = 'GET'): Fault | undefined {
    const fault = faults.find((f) => {
      if (f.method !== undefined && f.method.toUpperCase() !== method) return false;
      if (f.chance !== undefined && !(random() < f.chance)) return false;
      if (f.path === undefined) return true;
      if (typeof f.path === 'string') return f.path === path;
      f.path.lastIndex = 0;
      return f.path.test(path);
    });
    if (fault && --fault.left <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  }

  function write(record: RecordedRequest, reply: Reply, stall = false): Outcome {
    // 204, 205 and 304 answers have no body.
    const body = [204, 205, 304].includes(reply.status) ? '' : reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text?.body ?? '');
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.json !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
    else if (reply.text !== undefined) headers['Content-Type'] = reply.text.contentType;
    record.status = reply.status;
    return { record, status: reply.status, headers, body, stall };
  }

  async function handle(req: IncomingCall, gone: () => boolean = () => false): Promise<Outcome | undefined> {
    const requestId = `req_${++requestCounter}`;
    const url = req.url;
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    // URLSearchParams decodes raw and percent-encoded brackets alike ('expand[]' and 'expand%5B%5D').
    const params = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
    const method = req.method.toUpperCase();
    const record: RecordedRequest = { method, path, url, query: queryRecord(params), headers: flatHeaders(req.headers), status: 0 };
    requests.push(record);

    const origin = req.headers.origin;
    if (method === 'OPTIONS') {
      return write(record, { status: 204, headers: { 'X-Request-Id': requestId, ...corsHeaders(origin, true) } });
    }

    const fault = takeFault(path, method);
    const delay = (fault?.delay ?? 0) + latency();
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delay);
        timers.add(timer);
      });
      if (gone()) return undefined; // The client gave up while waiting.
    }
    if (fault?.destroy) return { destroy: true, record };

    let reply: Reply;
    try {
      reply = (fault && faultReply(fault, requestId)) ?? answer(req, path, params, requestId);
    } catch (error) {
      reply = errorReply(500, 'api_error', `Stand-in failure: ${String(error)}`, requestId);
    }
    if (reply.status >= 200 && reply.status < 300 && reply.json !== undefined) {
      if (fault?.body === 'drift-extra') reply.json = addUnknownFields(reply.json, true);
      if (fault?.body === 'drift-missing') reply.json = dropRequiredField(reply.json);
    }
    if (fault?.retryAfter !== undefined) reply.headers['Retry-After'] = fault.retryAfter;
    if (current.cacheHeaders && reply.status === 200 && reply.json !== undefined) reply = cached(reply, path, req.headers['if-none-match']);
    Object.assign(reply.headers, { 'X-Request-Id': requestId }, corsHeaders(origin, false));
    return write(record, reply, fault?.stall);
  }

  return {
    requests,
    fault: addFault,
    clearFaults() {
      faults = [];
    },
    reset() {
      requests.length = 0;
      faults = [];
      buckets.clear();
    },
    setOptions,
    respond: handle,
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Starts the stand-in on loopback and resolves once it listens. Node only. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const engine = createStandInEngine(options);
  // Looked up when called, not imported: this module is also the MSW handlers' engine, which may run in a browser.
  const { createServer } = process.getBuiltinModule('node:http');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume(); // Bodies are never read; drain them.
    const outcome = await engine.respond({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, () => req.socket.destroyed);
    if (outcome === undefined) return; // The client gave up while waiting.
    if (outcome.destroy) return void req.socket.destroy();
    const { record, status, headers, body, stall } = outcome;
    res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
    if (!stall) return void res.end(body);
    res.write(body.slice(0, body.length >> 1));
    res.on('close', () => { record.gaveUp = true; });
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const origin = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    port,
    requests: engine.requests,
    fault: engine.fault,
    clearFaults: engine.clearFaults,
    reset: engine.reset,
    setOptions: engine.setOptions,
    close() {
      engine.dispose();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
