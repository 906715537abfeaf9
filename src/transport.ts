/**
 * `send(client, row, options, path, query)`: the only place that touches the network.
 * guard → cache (a fresh entry, or the same request in flight) → pace (ky hook) → ky → decode → store.
 */
import { HTTPError, TimeoutError as KyTimeoutError } from 'ky';
import { clientState, type Client, type ClientState } from './client.js';
import type { Entry } from './cache.js';
import type { Endpoint } from './endpoint.js';
import {
  AbortError, ApiError, InvalidResponseError, NetworkError, RateLimitError, StateSetError,
  TimeoutError, invalidOption, type ApiErrorDetails,
} from './errors.js';
import { redactSecrets } from './key.js';
import { own } from './own.js';
import { retryAfterMs } from './pace.js';

/** Per-call options, accepted by every call as its last argument. */
export interface CallOptions {
  /** Cancels the call (queued or in flight); it then rejects with `AbortError`. Others sharing its request are not affected. */
  signal?: AbortSignal | undefined;
  /**
   * Skip the cached value. The call still shares a request in flight, is paced, and stores its result.
   * @default false
   */
  fresh?: boolean | undefined;
}

/**
 * Answers a call for `row` with its validated body: from the cache of the client's key and account (keyed by method and URL),
 * the same request in flight, or a new (paced) request. A caller's abort rejects that caller with `AbortError`.
 * `path` (placeholders filled by `fillPath`) and `query` (from `encodeQuery`) come checked from the call, apart from
 * the caller's `options`, of which only `signal` and `fresh` are read: no option can change where a call goes.
 * Calls without placeholders or query leave them out, so their bundles carry neither helper.
 */
export async function send<T>(client: Client, row: Endpoint<T>, options: CallOptions | undefined, path = row.path, query?: string): Promise<T> {
  const state = clientState(client);
  const { signal, fresh } = own(options); // own properties only, read once
  // Its brand (`[object AbortSignal]`), which also holds for a signal of another realm (an iframe's).
  if (signal !== undefined && Object.prototype.toString.call(signal) !== '[object AbortSignal]') invalidOption('signal must be an AbortSignal.');
  const url = `${client.apiBase}${path}${query ? `?${query}` : ''}`;
  const what = `${row.method} ${path}`;
  try {
    signal?.throwIfAborted();
    // (No key or account in the cache key: the cache is the key's and account's own.)
    return await state.cache(`${row.method} ${url}`, (shared, entry) => execute(state, row, url, what, shared, entry), {
      ttl: state.ttl ?? row.ttl, fresh, signal, schema: row.schema, stale: state.stale,
    });
  } catch (error) {
    throw signal?.aborted ? new AbortError(what, { cause: signal.reason }) : error;
  }
}

/**
 * One request through ky: whatever it throws as one of our errors, else the 2xx body parsed and validated.
 * `signal` (the callers', when they can all leave) aborts it. With the stored `entry`'s ETag it asks `If-None-Match`,
 * and a 304 answers with the stored value; `entry` then holds what the answer says of itself (`ETag`, `max-age`).
 */
async function execute<T>(state: ClientState, row: Endpoint<T>, url: string, what: string, signal: AbortSignal | undefined, entry: Partial<Entry> = {}): Promise<T> {
  const { etag } = entry;
  /** What the answer says of itself: its ETag, and how long it may be kept (no header: the endpoint's TTL). */
  const note = ({ headers }: Response): void => {
    const control = headers.get('Cache-Control') ?? '';
    const age = /\bmax-age=(\d+)/.exec(control);
    const tag = headers.get('ETag') ?? undefined;
    // (A tag that looks like it holds a secret would be refused as If-None-Match on every refresh: not kept.)
    entry.etag = tag && redactSecrets(tag) === tag ? tag : undefined;
    entry.ttl = /no-store/.test(control) ? -1 : /no-cache/.test(control) ? 0 : age ? 1000 * +age[1]! : undefined;
  };
  /**
   * The body as text. ky's `timeout` ends at the response headers, so the body gets `timeout` ms of its own: one that
   * stalls is cancelled (which ends the request) and the call fails with `TimeoutError`, instead of holding every
   * identical call that joins it. (Read here rather than by aborting a signal of ours: handing ky a signal makes it
   * combine signals on every request, which costs Node about 50 µs a call.)
   */
  const read = async (response: Response): Promise<string> => {
    // No web stream to read (a fetch polyfill's Response, node-fetch 2, a stub): then its text(), under the same timer.
    const reader = response.body?.getReader?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void reader?.cancel(); // which ends the request
        reject(new TimeoutError(what, state.timeout));
      }, state.timeout);
    });
    const all = async (): Promise<string> => {
      const decoder = new TextDecoder();
      let text = '';
      for (let chunk; !(chunk = await reader!.read()).done;) text += decoder.decode(chunk.value, { stream: true });
      return text + decoder.decode();
    };
    try {
      return await Promise.race([reader ? all() : response.text(), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  let response: Response;
  let text: string;
  try {
    // (ky's types refuse an explicit `undefined` signal under exactOptionalPropertyTypes; at run time it is the same as none.)
    response = await state.http(url, { method: row.method, signal: signal as AbortSignal, ...(etag && { headers: { 'If-None-Match': etag } }) });
    text = await read(response);
  } catch (error) {
    // Not modified: the stored value, as it is (it was validated when stored).
    if (etag && error instanceof HTTPError && error.response.status === 304) return note(error.response), entry.value as T;
    // Whatever ky or fetch threw, as one of our errors.
    // (A request aborted because every caller left has no caller to tell: each got its AbortError in `send`.)
    if (error instanceof StateSetError) throw error;
    if (error instanceof KyTimeoutError) throw new TimeoutError(what, state.timeout, { cause: error });
    // An unreadable body still has a status that says what happened.
    // (Not ky's HTTPError as the cause: its message holds the server's status text, unredacted.)
    // (ky 2 has read the body into `data` already: JSON parsed, else text; ky 1 has left it to us.)
    if (error instanceof HTTPError) throw errorFromResponse(error.response, 'data' in error ? bodyText(error.data) : await read(error.response).catch(() => ''), what);
    throw new NetworkError(what, new URL(url).origin, { cause: error });
  }
  // A 2xx body: parsed, then validated.
  note(response);
  const parsed = parseJson(text);
  if ('error' in parsed) throw new InvalidResponseError(what, response.status, notJson(response, text, parsed.error));
  const result = row.schema.safeParse(parsed.value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) =>
    `${issue.path.join('.') || '(body)'} (${'expected' in issue ? `expected ${String(issue.expected)}` : issue.message})`);
  throw new InvalidResponseError(what, response.status, `unexpected shape at ${problems.join(', ')}.`, { cause: result.error });
}

const bodyText = (data: unknown): string => (typeof data == 'string' ? data : JSON.stringify(data) ?? '');

function parseJson(text: string): { value: unknown } | { error: unknown } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error };
  }
}

/** Why a body is not an answer: JSON with no error fields, a JSON content type whose body did not parse (and where, as the engine says), or another type. */
const notJson = (response: Response, text: string, error: unknown): string => {
  const type = response.headers.get('Content-Type');
  return redactSecrets(`${!error ? 'expected an error body' : /json/i.test(type!) ? `the JSON body did not parse (${String((error as Error).message).slice(0, 120)})` : `expected JSON, got ${type ?? 'no content type'}`}: "${text.trim().slice(0, 40)}".`);
};

const field = (source: Record<string, unknown>, name: string): string | undefined =>
  typeof source[name] === 'string' ? redactSecrets(source[name]) : undefined;

/** A non-2xx response as a typed error. Accepts `{ error: { … } }` and the fields at the top level. */
export function errorFromResponse(response: Response, text: string, what: string): StateSetError {
  const { status, headers } = response;
  const parsed = parseJson(text);
  const body = Object((parsed as { value?: unknown }).value) as Record<string, unknown>;
  const fields = Object(body.error ?? body) as Record<string, unknown>;
  const code = field(fields, 'code');
  const message = field(fields, 'message');
  const details: ApiErrorDetails = {
    status,
    code: code ?? 'api_error', // a 429 is a RateLimitError, whose code is always rate_limit_exceeded
    message: message ?? (redactSecrets(response.statusText) || `HTTP ${status}`),
    type: field(fields, 'type'),
    param: field(fields, 'param'),
    docUrl: field(fields, 'doc_url'),
    requestId: field(fields, 'request_id') ?? field({ id: headers.get('X-Request-Id') }, 'id'),
  };
  if (status === 429) return new RateLimitError(what, details, retryAfterMs(headers) ?? 1000);
  if (code === undefined && message === undefined) return new InvalidResponseError(what, status, notJson(response, text, (parsed as { error?: unknown }).error));
  // The API's answer to a path it does not have: most often an apiBase without its /v1.
  if (status === 404 && details.message.startsWith('Unrecognized request URL')) details.message += ' Check apiBase: it usually ends in /v1.';
  return new ApiError(what, details);
}
