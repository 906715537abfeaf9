/**
 * `createEdgeHandler(options)`: one shared cache and one budget in front of the API for every visitor of a
 * storefront. A standard fetch handler, `(request, env?, ctx?) => Promise<Response>` (Workers, Deno, Bun, edge
 * functions; Node through `./node.ts`).
 *
 * Order of every request: bounds (URL, headers) → secrets anywhere (headers, URL; percent- and base64-decoded)
 * → method → the allow-list (the client's own rows) → key → cache → per-visitor miss limit → pacer and daily
 * budget → the one upstream origin. Anything refused is answered here, in the API's error envelope, and nothing
 * is sent upstream.
 */
import { allowlist } from '../allowlist.js';
import { matchPath, type Endpoint } from '../endpoint.js';
import { findSecret } from '../key.js';
import { normalizeApiBase } from '../options.js';
import { createPacer, MAX_SPREAD, MAX_WAIT, plans, retryAfterMs, type Pacer } from '../pace.js';
import { pacedHeaders, type Coordinator, type Grant } from './coordinator.js';
import { defaultStore, type EdgeStore, type StoredAnswer } from './store.js';

/** A rate limit with the daily limit: `'free'` (10/s, burst 20, 1,000 a day), `'starter'`, `'growth'`, or your own. */
export interface EdgePlan {
  perSecond: number;
  burst: number;
  /** Requests a day (UTC days, as the API counts them). @default Infinity */
  daily?: number | undefined;
}

/** The published daily limits, beside the rates of `plans`. */
export const dailyLimits = { free: 1_000, starter: 100_000, growth: 10_000_000 } as const;

/** Options of `createEdgeHandler`. */
export interface EdgeOptions {
  /**
   * The API. The only origin the edge ever sends to. `https:` (`http:` only for loopback, as the client).
   * @default 'https://api.stateset.com/v1'
   */
  upstream?: string | undefined;
  /**
   * The path the edge answers under: a request for `${basePath}/products` goes to `${upstream}/products`.
   * @default '/v1'
   * @example '/stateset/v1'
   */
  basePath?: string | undefined;
  /**
   * The key's plan: the edge never sends upstream faster than its rate, nor more than its daily limit.
   * @default 'free'
   */
  plan?: keyof typeof plans | EdgePlan | undefined;
  /**
   * Origins whose pages may read the answers (CORS). Same-origin pages need none.
   * @default []
   * @example ['https://shop.example']
   */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * Only these publishable keys are served; others get 401 without reaching upstream. Recommended: your own key.
   * @default undefined (any publishable key)
   */
  publishableKeys?: readonly string[] | undefined;
  /** Where answers are kept. @default caches.default where present (Workers), else memoryStore() */
  store?: EdgeStore | undefined;
  /**
   * The visitor's IP: the name of a header your platform sets and clients cannot (`'CF-Connecting-IP'`), or
   * `'socket'` for the address the Node adapter passes in `ctx.clientIp`.
   * @default 'socket'
   */
  clientIp?: string | undefined;
  /**
   * Cache misses one visitor (IP) may cause: a token bucket. Over it, that visitor alone gets 429 and `Retry-After`.
   * @default { perSecond: 1, burst: 20 }
   */
  visitorMisses?: { perSecond: number; burst: number } | undefined;
  /** After its TTL, an answer is served while it is refreshed for this long (ms). @default 60000 */
  staleWhileRevalidate?: number | undefined;
  /** After its TTL, an answer is served when upstream fails (429, 5xx, timeout, network) for this long (ms). @default 86400000 */
  staleIfError?: number | undefined;
  /** Milliseconds to wait for upstream. @default 10000 */
  timeout?: number | undefined;
  /** Longest request URL accepted (bytes). @default 2048 */
  maxUrlLength?: number | undefined;
  /** Largest request headers accepted (names + values, bytes). @default 8192 */
  maxHeaderBytes?: number | undefined;
  /** The `fetch` used for upstream. @default globalThis.fetch */
  fetch?: ((input: string, init: RequestInit) => Promise<Response>) | undefined;
  /** The clock. @default Date.now */
  now?: (() => number) | undefined;
  /**
   * One budget for the key across every location: the key's coordinator, given the key's id (a SHA-256 of the key,
   * never the key). On Workers, the `KeyBudget` Durable Object's stub; each location then asks it for a slot before
   * sending upstream, and the pacer and the day's count are the key's, not the location's. Answers stay in each
   * location's own cache. Without it, each location paces and counts the day on its own.
   * @default undefined
   * @example coordinator: (id) => env.STATESET_BUDGET.get(env.STATESET_BUDGET.idFromName(id))
   */
  coordinator?: ((id: string) => Coordinator) | undefined;
}

/** What the platform passes beside the request: `waitUntil` (Workers, the Node adapter) and the socket's address (Node). */
export interface EdgeContext {
  waitUntil?(promise: Promise<unknown>): void;
  clientIp?: string | undefined;
}

/** Counts since the handler was made. */
export interface EdgeStats {
  /** Requests sent upstream. */
  upstream: number;
  /** Answered from the store while fresh. */
  hits: number;
  /** Answered from the store after its TTL (revalidating, or because upstream failed). */
  stale: number;
  /** Refused before anything was sent (bad method, path, key, secret, size, visitor limit). */
  refused: number;
  /** The longest age of an answer served, in ms. */
  maxAge: number;
}

/** A fetch handler, with its counters. */
export interface EdgeHandler {
  (request: Request, env?: unknown, ctx?: EdgeContext): Promise<Response>;
  stats(): EdgeStats;
}

/**
 * The Node adapter's fast path for cache hits (not public API). The adapter names a request by its raw form,
 * `GET\n<number of raw header entries>\n<target>\n<raw header names and values, \n-joined>`, and passes that name
 * as `ctx[fastPath]`. A name is only used when it has exactly as many lines as its count says (no line break inside
 * the target or a value), so no two requests share one. When the full
 * handler lets such a request through every check (bounds, secrets, method, allow-list, query, key, account), it
 * remembers the verdict under that name; the refusals are pure functions of the raw request, so the same raw
 * request again would pass them again. `handler[fastPath](name)` then answers a fresh hit for it without a
 * `Request` or `Response`, or gives `undefined` (then the adapter runs the full handler).
 */
export const fastPath: unique symbol = Symbol.for('@stateset/browser/edge:fast-path');

/** A hit, ready for `res.writeHead(status, headers)` (names and values in one list) and `res.end(body)`. */
export interface FastAnswer {
  status: 200 | 304;
  headers: string[];
  body: Uint8Array | undefined;
}
type FastLookup = (name: string) => Promise<FastAnswer | undefined> | undefined;
/** What a request that passed every check was found to be (see `fastPath`). */
interface Verdict { keyId: string; row: Endpoint; cacheKey: string; cors: Record<string, string>; ifNoneMatch: string | null }

/** The response headers a page may read (the client's pacer reads the rate-limit ones). */
export const exposedHeaders = 'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id, Age, ETag, X-StateSet-Edge, Warning';

const DAY = 86_400_000;
const docs = 'https://docs.stateset.com/errors/';
const types: Record<string, string> = {
  api_key_missing: 'authentication_error', invalid_api_key: 'authentication_error',
  secret_key_refused: 'permission_error', origin_not_allowed: 'permission_error',
  rate_limit_exceeded: 'rate_limit_error', api_error: 'api_error', upstream_unavailable: 'api_error',
};

/** A JSON answer in the API's error envelope. */
function apiError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  const error = { type: types[code] ?? 'invalid_request_error', code, message, param: null, doc_url: docs + code };
  return new Response(JSON.stringify({ error }), {
    status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers },
  });
}

/** Undoes percent-encoding (also broken or repeated) and `+`, so a key hidden by encoding is found. */
function decodeAll(text: string): string {
  for (let round = 0; round < 4 && /%[0-9a-f]{2}|\+/i.test(text); round++) {
    const plus = text.replace(/\+/g, ' ');
    try {
      text = decodeURIComponent(plus);
    } catch {
      text = plus.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  }
  return text;
}

/** Base64 (also URL-safe) runs of text, decoded: `Basic c2tfbGl2ZV8…` is a secret key too. */
function base64Runs(text: string): string[] {
  const runs: string[] = [];
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{12,}={0,2}/g)) {
    try {
      runs.push(atob(run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '').padEnd(Math.ceil(run.length / 4) * 4, '=')));
    } catch {
      // Not base64.
    }
  }
  return runs;
}

/** The safe prefix of a secret or restricted key anywhere in `text` (plain, percent-encoded, base64), or `undefined`. */
export function secretIn(text: string): string | undefined {
  const plain = decodeAll(text);
  const found = findSecret(text) ?? findSecret(plain);
  if (found) return found;
  for (const decoded of [...base64Runs(text), ...base64Runs(plain)]) {
    const inner = findSecret(decoded) ?? findSecret(decodeAll(decoded));
    if (inner) return inner;
  }
  return undefined;
}

/** The query names the calls send (list parameters, `status`, `expand[]`, `include_pending`); the API checks their values. */
const queryName = /^(?:limit|starting_after|ending_before|status|include_pending|expand\[\]|created\[(?:gt|gte|lt|lte)\])$/;
const accountPattern = /^[\w-]{1,255}$/;
const keyPattern = /^Bearer (pk_(?:test|live)_[A-Za-z0-9]{1,255})$/;

/** A token bucket that never waits: `take()` is `0` (taken) or the milliseconds until a token. */
function bucket({ perSecond, burst }: { perSecond: number; burst: number }, now: () => number) {
  let tokens = burst;
  let last = now();
  const refill = (): void => {
    const time = now();
    tokens = Math.min(burst, tokens + (Math.max(0, time - last) * perSecond) / 1000);
    last = time;
  };
  return {
    take(): number {
      refill();
      if (tokens >= 1) return tokens--, 0;
      return Math.ceil(((1 - tokens) * 1000) / perSecond);
    },
    left(): number {
      refill();
      return Math.floor(tokens);
    },
  };
}
type Bucket = ReturnType<typeof bucket>;

/** What the edge keeps per key: its pacer, today's spend and the URLs in use today. */
interface KeyState {
  /** The key's id: a hash of the key, the coordinator's name for it. */
  id: string;
  pacer: Pacer;
  /** On Workers (no coordinator): the plan's bucket, polled by each request from its own timers (see `paceHere`). */
  bucket?: Bucket | undefined;
  /** On Workers: until when a 429 asked the key to pause. */
  pausedUntil: number;
  day: number;
  spent: number;
  urls: Set<string>;
  /** URLs in use today across every location, as the coordinator last said (0 without one). */
  shared: number;
}

/**
 * Per key and account, while upstream is failing (its last answer there a 429, 5xx, timeout or network error):
 * stored answers are served at once; until `until` nothing is sent, then one refresh at a time (`probe`) tries again.
 */
interface Failing {
  until: number;
  probe?: Promise<unknown> | undefined;
}

/** How an upstream attempt ended: a stored answer, or a response to pass on (the API's error) with whether stale may replace it. */
type Outcome = { answer: StoredAnswer } | { response: () => Response; failed: boolean; retryAfter?: string | undefined };

/** Cloudflare Workers say so in `navigator.userAgent`. */
const workers = typeof navigator === 'object' && (navigator as { userAgent?: unknown } | undefined)?.userAgent === 'Cloudflare-Workers';

/** Drops the oldest entries of a map kept in insertion order (refreshed on use). */
const bound = <K, V>(map: Map<K, V>, max: number): void => {
  while (map.size > max) map.delete(map.keys().next().value!);
};

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The TTL of an answer, stretched to keep a day within the daily limit: with `urls` URLs in use today, each
 * fetched at most once per TTL, the rest of the day costs at most `urls × timeLeft / TTL` requests, so
 * `TTL = max(endpoint TTL, urls × timeLeft / dailyLeft)`. Free, 2 URLs, a fresh day: 2 × 86,400 s / 1,000 = 172.8 s.
 */
export function stretchedTtl(rowTtl: number, urls: number, timeLeft: number, dailyLeft: number): number {
  if (!Number.isFinite(dailyLeft)) return rowTtl;
  return Math.max(rowTtl, Math.ceil((Math.max(1, urls) * timeLeft) / Math.max(1, dailyLeft)));
}

/**
 * Makes the edge's fetch handler.
 * @example export default { fetch: createEdgeHandler({ plan: 'free', allowedOrigins: ['https://shop.example'] }) };
 */
export function createEdgeHandler(options: EdgeOptions = {}): EdgeHandler {
  const upstream = normalizeApiBase(options.upstream ?? 'https://api.stateset.com/v1');
  const basePath = (options.basePath ?? '/v1').replace(/\/+$/, '');
  if (!/^(\/[\w.~-]+)*$/.test(basePath)) throw new TypeError(`basePath must be a path such as '/stateset/v1'; got ${JSON.stringify(options.basePath)}.`);
  const named = typeof options.plan === 'string' || options.plan === undefined ? options.plan ?? 'free' : undefined;
  const plan: { perSecond: number; burst: number; daily: number } = named !== undefined
    ? { perSecond: plans[named], burst: 2 * plans[named], daily: dailyLimits[named] }
    : { ...(options.plan as EdgePlan), daily: (options.plan as EdgePlan).daily ?? Infinity };
  if (!(plan.perSecond > 0 && plan.burst >= 1 && plan.daily >= 1)) throw new TypeError(`plan must be 'free', 'starter', 'growth' or { perSecond, burst, daily }.`);
  const origins = new Set(options.allowedOrigins ?? []);
  const keys = options.publishableKeys && new Set(options.publishableKeys);
  const clientIp = options.clientIp ?? 'socket';
  const visitorPlan = options.visitorMisses ?? { perSecond: 1, burst: 20 };
  const swr = options.staleWhileRevalidate ?? 60_000;
  const staleIfError = options.staleIfError ?? DAY;
  const timeout = options.timeout ?? 10_000;
  const maxUrl = options.maxUrlLength ?? 2_048;
  const maxHeaders = options.maxHeaderBytes ?? 8_192;
  const now = options.now ?? Date.now;
  let store: EdgeStore | undefined = options.store;
  const send = options.fetch ?? ((input, init) => fetch(input, init));

  const states = new Map<string, KeyState>();
  const failings = new Map<string, Failing>(); // key + account → its outage (a made-up account freezes only itself)
  const visitors = new Map<string, Bucket>();
  const flights = new Map<string, Promise<Outcome>>();
  const ids = new Map<string, string>(); // key + account → its hash, the store's name for them
  const stats: EdgeStats = { upstream: 0, hits: 0, stale: 0, refused: 0, maxAge: 0 };
  const verdicts = new Map<string, Verdict>(); // raw request → what it passed as (see `fastPath`)
  const encoded = new WeakMap<StoredAnswer, Uint8Array>(); // a stored body's bytes, for the fast path

  const refuse = (status: number, code: string, message: string, headers?: Record<string, string>): Response => {
    stats.refused++;
    return apiError(status, code, message, headers);
  };

  const stateOf = (id: string): KeyState => {
    const day = Math.floor(now() / DAY);
    let state = states.get(id);
    if (state) states.delete(id);
    else state = { id, pacer: createPacer(plan, now), day, spent: 0, urls: new Set(), shared: 0, pausedUntil: 0 };
    if (state.day !== day) Object.assign(state, { day, spent: 0, urls: new Set(), shared: 0 });
    states.set(id, state);
    bound(states, 1_000);
    return state;
  };

  const ttlOf = (state: KeyState, row: Endpoint): number =>
    stretchedTtl(row.ttl, Math.max(state.urls.size, state.shared), (state.day + 1) * DAY - now(), plan.daily - state.spent);

  /**
   * The pacer on Workers without a coordinator: each request waits for its slot with its own timers. workerd ties
   * timers, and the code that runs after an `await`, to the request that set them going, so the shared queue of
   * `createPacer` cannot hand a slot from one request to another there: a grant made in another request's event
   * resumed nothing, and a timer set for a request that had answered was cancelled with it (misses queued behind a
   * 429 hung). The same plan's token bucket, polled; a pause longer than `MAX_WAIT` fails at once, as the pacer does.
   */
  const paceHere = async (state: KeyState, signal: AbortSignal): Promise<number> => {
    const own = (state.bucket ??= bucket(plan, now));
    for (;;) {
      signal.throwIfAborted();
      const paused = state.pausedUntil - now();
      if (paused > MAX_WAIT) return paused;
      const wait = paused > 0 ? paused : own.take();
      if (wait <= 0) return 0;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    }
  };

  /** One upstream request, paced and counted against the day; its answer validated and stored. */
  const load = async (state: KeyState, row: Endpoint, cacheKey: string, target: string, headers: Headers, waitUntil?: (promise: Promise<unknown>) => void): Promise<Outcome> => {
    const failure = (status: number, code: string, message: string, extra?: Record<string, string>): Outcome =>
      ({ response: () => apiError(status, code, message, extra), failed: true, retryAfter: extra?.['Retry-After'] });
    const spentDay = (ms: number) => failure(429, 'rate_limit_exceeded', `The key's daily limit (${plan.daily}) is spent; it resets at midnight UTC.`, { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) });
    let coordinator: Coordinator | undefined;
    try {
      coordinator = options.coordinator?.(state.id);
    } catch {
      return failure(504, 'upstream_unavailable', 'The key\'s coordinator is not available.');
    }
    if (!coordinator && state.spent >= plan.daily) return spentDay((state.day + 1) * DAY - now());
    const signal = AbortSignal.timeout(timeout);
    let wait: number;
    let slot: string | undefined;
    try {
      if (coordinator) {
        // The key's coordinator paces and counts for every location; it answers when this request may go.
        const body = JSON.stringify({ plan: { ...plan, daily: Math.min(plan.daily, Number.MAX_SAFE_INTEGER) }, url: cacheKey, timeout });
        const answer = await coordinator.fetch('https://coordinator/take', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, signal });
        const grant = (answer.ok ? await answer.json() : undefined) as Grant | null | undefined;
        // Fails closed: an answer that is not a grant sends nothing.
        if (!Number.isFinite(grant?.wait) || !Number.isFinite(grant!.spent) || !Number.isFinite(grant!.urls)) throw new Error('no grant');
        [state.spent, state.shared] = [grant!.spent, grant!.urls];
        if (grant!.daily) return spentDay(grant!.wait);
        wait = grant!.wait;
        slot = grant!.slot;
      } else {
        wait = workers ? await paceHere(state, signal) : await state.pacer.take(signal);
      }
    } catch {
      return failure(504, 'upstream_unavailable', `No upstream slot within ${timeout} ms.`);
    }
    if (wait > 0) return failure(429, 'rate_limit_exceeded', 'The API asked the edge to pause; retry later.', { 'Retry-After': String(Math.ceil(wait / 1000)) });
    if (!coordinator) state.spent++;
    state.urls.add(cacheKey);
    stats.upstream++;
    let response: Response | undefined;
    try {
      response = await send(target, { method: 'GET', headers, redirect: 'manual', signal });
      const text = await response.text();
      const requestId = response.headers.get('X-Request-Id') ?? undefined;
      if (response.status >= 300 && response.status < 400) {
        return failure(502, 'upstream_unavailable', `The API answered with a redirect (${response.status}); the edge follows none.`);
      }
      if (!response.ok) {
        const { status } = response;
        // Always JSON, whatever upstream says: the edge may be on the shop's own origin, where an HTML page would be the shop's.
        const passed: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
        for (const name of ['Retry-After', 'X-Request-Id']) {
          const value = response.headers.get(name);
          if (value) passed[name] = value;
        }
        let json = false;
        try {
          json = typeof (JSON.parse(text) as { error?: unknown } | null)?.error === 'object';
        } catch {
          // Not JSON (a proxy's HTML page): replaced below.
        }
        const body = json && !findSecret(text) ? text : JSON.stringify({ error: { type: 'api_error', code: 'api_error', message: `The API answered ${status} without a readable error.`, param: null, doc_url: `${docs}api_error` } });
        return { response: () => new Response(body, { status, headers: passed }), failed: status === 429 || status >= 500, retryAfter: passed['Retry-After'] };
      }
      let valid = false;
      try {
        valid = row.schema.safeParse(JSON.parse(text)).success;
      } catch {
        // Not JSON (an HTML page from a proxy): not valid.
      }
      if (!valid) return failure(502, 'upstream_unavailable', `The API's answer to GET ${row.path} did not validate.`);
      const answer: StoredAnswer = { body: text, etag: `"${(await digest(text)).slice(0, 27)}"`, stored: now(), requestId };
      // Answers that set cookies are personal: passed on, never stored.
      if (!response.headers.has('Set-Cookie')) await (store ??= defaultStore()).put(cacheKey, answer, ttlOf(state, row) + Math.max(swr, staleIfError));
      return { answer };
    } catch {
      return failure(signal.aborted ? 504 : 502, 'upstream_unavailable', signal.aborted ? `The API did not answer within ${timeout} ms.` : 'The API could not be reached.');
    } finally {
      if (coordinator) {
        // How it ended, for the key's pacer (a 429 pauses every location): the status and the headers it reads.
        const headers: Record<string, string> = {};
        for (const name of pacedHeaders) {
          const value = response?.headers.get(name);
          if (value) headers[name] = value;
        }
        const body = JSON.stringify({ slot, status: response?.status ?? null, headers });
        // Sent beside the answer, not before it (on Workers kept alive by waitUntil); one lost is ended by its lease.
        const report = coordinator.fetch('https://coordinator/see', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, signal: AbortSignal.timeout(timeout) }).catch(() => undefined);
        waitUntil?.(report);
      } else if (workers) {
        // A 429 pauses the key for its Retry-After (1 s without one), spread as the pacer spreads it.
        if (response?.status === 429) {
          const asked = retryAfterMs(response.headers, now()) ?? 1_000;
          state.pausedUntil = Math.max(state.pausedUntil, now() + asked + Math.random() * Math.min(asked, MAX_SPREAD));
        }
      } else {
        state.pacer.see(response);
      }
    }
  };

  /** One upstream request per cache key at a time: every miss for the same key waits for the same one. */
  const collapse = (key: string, run: () => Promise<Outcome>): Promise<Outcome> => {
    let flight = flights.get(key);
    if (!flight) {
      flight = run().finally(() => flights.delete(key));
      flights.set(key, flight);
    }
    return flight;
  };

  /** The CORS headers for a request's `Origin`. */
  const corsFor = (origin: string | null): Record<string, string> => origin !== null && origins.has(origin)
    ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
    : origins.size ? { Vary: 'Origin' } : {};

  /** The headers of a stored answer served (one list for the full handler and the fast path), before CORS. */
  const answerHeaders = (answer: StoredAnswer, kind: 'HIT' | 'MISS' | 'STALE' | 'REVALIDATING', ttl: number): Record<string, string> => {
    const age = Math.max(0, now() - answer.stored);
    stats.maxAge = Math.max(stats.maxAge, age);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': `private, max-age=${Math.max(0, Math.floor((ttl - age) / 1000))}`,
      Vary: 'Authorization, X-Account-Id',
      ETag: answer.etag,
      Age: String(Math.floor(age / 1000)),
      'X-StateSet-Edge': kind,
    };
    if (answer.requestId) headers['X-Request-Id'] = answer.requestId;
    if (kind === 'STALE' || kind === 'REVALIDATING') headers.Warning = '110 stateset-edge "Response is Stale"';
    return headers;
  };
  /** Whether `If-None-Match` names the answer's ETag (weak or strong). */
  const notModified = (ifNoneMatch: string | null, etag: string): boolean =>
    ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag) ?? false;

  /** The fast path (see `fastPath`): a fresh hit for a raw request whose verdict is remembered, else `undefined`. */
  const fast: FastLookup = (name) => {
    const verdict = verdicts.get(name);
    if (!verdict) return undefined;
    return (async () => {
      const state = stateOf(verdict.keyId);
      const ttl = ttlOf(state, verdict.row);
      const stored = await (store ??= defaultStore()).get(verdict.cacheKey);
      if (!stored || now() - stored.stored >= ttl) return undefined; // stale, missing: the full handler decides
      stats.hits++;
      const headers = answerHeaders(stored, 'HIT', ttl);
      const { cors } = verdict;
      if (cors.Vary) headers.Vary = `${headers.Vary}, ${cors.Vary}`;
      if (cors['Access-Control-Allow-Origin']) {
        headers['Access-Control-Allow-Origin'] = cors['Access-Control-Allow-Origin'];
        headers['Access-Control-Expose-Headers'] = exposedHeaders;
      }
      const matches = notModified(verdict.ifNoneMatch, stored.etag);
      let body = matches ? undefined : encoded.get(stored);
      if (!matches && !body) encoded.set(stored, (body = new TextEncoder().encode(stored.body)));
      const list: string[] = [];
      for (const header in headers) list.push(header, headers[header]!);
      list.push('Content-Length', String(body?.length ?? 0));
      return { status: matches ? 304 : 200, headers: list, body };
    })();
  };

  const handler = async (request: Request, _env?: unknown, ctx?: EdgeContext): Promise<Response> => {
    const origin = request.headers.get('Origin');
    const cors = corsFor(origin);
    const withCors = (response: Response): Response => {
      for (const [name, value] of Object.entries(cors)) {
        if (name === 'Vary') response.headers.append('Vary', value);
        else response.headers.set(name, value);
      }
      if (cors['Access-Control-Allow-Origin']) response.headers.set('Access-Control-Expose-Headers', exposedHeaders);
      return response;
    };

    // 1. Bounds, before anything is parsed further.
    if (request.url.length > maxUrl) return withCors(refuse(414, 'uri_too_long', `The request URL is longer than ${maxUrl} bytes.`));
    let headerBytes = 0;
    for (const [name, value] of request.headers) headerBytes += name.length + value.length + 4;
    if (headerBytes > maxHeaders) return withCors(refuse(431, 'request_header_fields_too_large', `The request headers are larger than ${maxHeaders} bytes.`));

    // 2. Secrets anywhere: every header (name and value) and the URL, decoded every way a key could be hidden.
    for (const text of [request.url, ...[...request.headers].flat()]) {
      const prefix = secretIn(text);
      if (prefix) return withCors(refuse(403, 'secret_key_refused', `Refused a secret key (${prefix}): use a publishable key (pk_…) in the page, and rotate the secret one.`));
    }

    // 3. Method: GET, and the preflight of a GET.
    const url = new URL(request.url);
    if (request.method === 'OPTIONS') {
      if (!cors['Access-Control-Allow-Origin']) return withCors(refuse(403, 'origin_not_allowed', `Origin ${origin ?? '(none)'} is not allowed to call this edge.`));
      return withCors(new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Methods': 'GET',
          'Access-Control-Allow-Headers': 'Authorization, X-Account-Id, Accept, If-None-Match',
          'Access-Control-Max-Age': '86400',
        },
      }));
    }
    if (request.method !== 'GET') return withCors(refuse(405, 'method_not_allowed', `${request.method.slice(0, 16)} is not allowed; this edge answers GET only.`, { Allow: 'GET, OPTIONS' }));

    // 4. The allow-list: the client's own rows, under basePath; the path as the URL parser normalised it.
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : undefined;
    const row = path === undefined ? undefined : allowlist.find((candidate) => candidate.method === 'GET' && matchPath(candidate, path));
    if (!row || path === undefined) return withCors(refuse(404, 'resource_missing', `Unrecognized request URL (GET ${url.pathname.slice(0, 200)}).`));
    const pairs = [...url.searchParams];
    if (pairs.length > 32) return withCors(refuse(400, 'parameter_invalid', 'Too many query parameters.'));
    for (const [name] of pairs) {
      if (!queryName.test(name)) return withCors(refuse(400, 'parameter_unknown', `Unknown query parameter ${JSON.stringify(name.slice(0, 40))}.`));
    }
    // Sorted by name (stable, so `expand[]` keeps its order): equal queries, one cache entry.
    const query = new URLSearchParams(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString();
    const target = `${path}${query ? `?${query}` : ''}`;

    // 5. The key: a publishable one (and one of yours, when listed); the account.
    const authorization = request.headers.get('Authorization');
    if (!authorization) return withCors(refuse(401, 'api_key_missing', 'No API key provided. Send it as Authorization: Bearer <publishable key>.'));
    const key = keyPattern.exec(authorization)?.[1];
    if (!key || (keys && !keys.has(key))) return withCors(refuse(401, 'invalid_api_key', 'Invalid API key provided: this edge serves publishable keys (pk_…) it was configured for.'));
    const account = request.headers.get('X-Account-Id') ?? '';
    if (account && !accountPattern.test(account)) return withCors(refuse(400, 'parameter_invalid', 'X-Account-Id must be letters, digits, "_" or "-".'));

    // 6. The cache: by key, account, method and normalised URL. The key itself is hashed out of the store's keys.
    // The cache is the key's and the account's; the budget (pacer, day) is the key's alone, as the API counts it,
    // so no X-Account-Id a visitor makes up opens another budget.
    const named = `${key}\n${account}`;
    let id = ids.get(named);
    if (id === undefined) ids.set(named, (id = await digest(named)));
    let keyId = ids.get(key);
    if (keyId === undefined) ids.set(key, (keyId = await digest(key)));
    bound(ids, 1_000);
    const cacheKey = `${id} GET ${target}`;
    // Every check is passed: the adapter's raw name for this request may skip them next time (see `fastPath`).
    const raw = (ctx as { [fastPath]?: unknown } | undefined)?.[fastPath];
    if (typeof raw === 'string' && raw.startsWith('GET\n') && raw.split('\n').length === 3 + Number(raw.slice(4, raw.indexOf('\n', 4)))) {
      verdicts.delete(raw);
      verdicts.set(raw, { keyId, row, cacheKey, cors, ifNoneMatch: request.headers.get('If-None-Match') });
      bound(verdicts, 1_000);
    }
    const state = stateOf(keyId);
    const ttl = ttlOf(state, row);
    const stored = await (store ??= defaultStore()).get(cacheKey);

    const serve = (answer: StoredAnswer, kind: 'HIT' | 'MISS' | 'STALE' | 'REVALIDATING'): Response => {
      const headers = answerHeaders(answer, kind, ttl);
      const matches = notModified(request.headers.get('If-None-Match'), answer.etag);
      return withCors(new Response(matches ? null : answer.body, { status: matches ? 304 : 200, headers }));
    };
    const visitorHeaders = (visitor: Bucket): Record<string, string> => ({
      'X-RateLimit-Limit': String(visitorPlan.perSecond),
      'X-RateLimit-Remaining': String(visitor.left()),
      'X-RateLimit-Reset': String(Math.ceil((now() + ((visitorPlan.burst - visitor.left()) * 1000) / visitorPlan.perSecond) / 1000)),
    });

    const age = stored ? now() - stored.stored : Infinity;
    if (stored && age < ttl) return stats.hits++, serve(stored, 'HIT');
    const waitUntil = ctx?.waitUntil?.bind(ctx);
    const refresh = (): Promise<Outcome> => collapse(cacheKey, async () => {
      const outcome = await load(state, row, cacheKey, `${upstream}${target}`, upstreamHeaders, waitUntil);
      // A failing upstream is left alone for its Retry-After (1 s without one) while stored answers are served;
      // an answer ends the outage.
      if ('answer' in outcome) failings.delete(id);
      else if (outcome.failed) {
        failings.set(id, { until: now() + 1_000 * Math.max(1, Math.min(60, Number(outcome.retryAfter) || 1)) });
        bound(failings, 1_000);
      }
      return outcome;
    });
    const upstreamHeaders = new Headers({ Authorization: `Bearer ${key}`, Accept: 'application/json' });
    if (account) upstreamHeaders.set('X-Account-Id', account);
    const failing = failings.get(id);
    if (stored && age < ttl + staleIfError && failing) {
      // Upstream is failing: the stored answer now, never behind the pacer's pause; after the Retry-After, one
      // refresh at a time (for all of this key and account's URLs) tries again in the background.
      if (now() >= failing.until && !failing.probe) {
        const running = (failing.probe = refresh().finally(() => (failing.probe = undefined)));
        waitUntil?.(running);
      }
      return stats.stale++, serve(stored, 'STALE');
    }
    if (stored && age < ttl + swr) {
      // Stale while revalidate: this visitor gets the stored answer now; one refresh runs for everyone.
      const running = refresh();
      waitUntil?.(running);
      stats.stale++;
      return serve(stored, 'REVALIDATING');
    }

    // 7. A miss: the visitor pays for it (unless it joins one in flight), then one request for everyone.
    if (!flights.has(cacheKey)) {
      const ip = (clientIp === 'socket' ? ctx?.clientIp : request.headers.get(clientIp)) ?? 'unknown';
      let visitor = visitors.get(ip);
      if (visitor) visitors.delete(ip);
      visitor = visitor ?? bucket(visitorPlan, now);
      visitors.set(ip, visitor);
      bound(visitors, 10_000);
      const wait = visitor.take();
      if (wait > 0) {
        if (stored && age < ttl + staleIfError) return stats.stale++, serve(stored, 'STALE');
        return withCors(refuse(429, 'rate_limit_exceeded', 'Too many uncached requests from your address; retry after the Retry-After delay.', {
          'Retry-After': String(Math.ceil(wait / 1000)), ...visitorHeaders(visitor),
        }));
      }
    }
    // (Kept alive on Workers should this visitor go: the answer is for everyone, and the coordinator's report with it.)
    const running = refresh();
    waitUntil?.(running);
    const outcome = await running;
    if ('answer' in outcome) return serve(outcome.answer, 'MISS');
    // Stale if error: a 429, 5xx, timeout or network failure serves the last good answer.
    if (outcome.failed && stored && age < ttl + staleIfError) return stats.stale++, serve(stored, 'STALE');
    return withCors(outcome.response());
  };
  return Object.assign(handler, { stats: (): EdgeStats => ({ ...stats }), [fastPath]: fast });
}
