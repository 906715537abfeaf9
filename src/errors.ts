/**
 * Every error @stateset/browser throws. Each has a literal `name` (its class name) and a stable `code`.
 * Messages say what failed (method and path) and never contain a key beyond its prefix.
 * Fields a constructor assigns are `declare`d: a class field would add an empty initialiser (`code;`) to every bundle.
 */

/** Stable error codes; `ApiError` may also carry any code the server sends. */
export type StateSetErrorCode =
  | 'secret_key_refused'
  | 'invalid_publishable_key'
  | 'endpoint_not_allowed'
  | 'insecure_api_base'
  | 'invalid_option'
  | 'invalid_parameter'
  | 'rate_limit_exceeded'
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | (string & {});

/**
 * The codes the API documents for an `ApiError`, and `api_error` for an error body without one. At run time `code` is
 * whatever the server sent; the types list these so that `code` tells the classes of `KnownStateSetError` apart.
 */
export type ApiErrorCode =
  | 'api_key_missing' | 'invalid_api_key' | 'api_key_expired' | 'api_key_revoked' | 'insufficient_permissions'
  | 'parameter_missing' | 'parameter_invalid' | 'parameter_unknown' | 'resource_missing' | 'api_error';

/**
 * The brand on `StateSetError.prototype`: a registered symbol, so the same in every realm (an iframe's copy of this
 * library brands its errors with it too) and on every class that extends the base, with no list of names to keep.
 */
const brand = /* @__PURE__ */ Symbol.for('@stateset/browser.error');

/** The base class of every error this library throws. */
export class StateSetError extends Error {
  override name: string = 'StateSetError';
  declare readonly code: StateSetErrorCode;
  constructor(code: StateSetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  /** The brand `isStateSetError` reads (on the prototype: no own property, nothing in logs or `toEqual`). */
  get [brand](): true {
    return true;
  }
}

/**
 * `true` for any error of this library, also one thrown in another realm (iframe), where `instanceof` fails:
 * it then reads the brand every `StateSetError` carries on its prototype.
 */
export function isStateSetError(error: unknown): error is KnownStateSetError {
  return error instanceof StateSetError || (error as { [brand]?: unknown } | null)?.[brand] === true;
}

/** An `sk_`/`rk_` key was given somewhere (key, account id, path, query). Nothing was sent. */
export class SecretKeyError extends StateSetError {
  override name = 'SecretKeyError' as const;
  declare readonly code: 'secret_key_refused';
  /** The safe prefix of the refused key, e.g. `sk_live_…`. */
  declare readonly keyPrefix: string;
  constructor(keyPrefix: string, where: string) {
    super('secret_key_refused', `Refused a secret key (${keyPrefix}) in ${where}: use a publishable key (pk_…) and rotate the secret one.`);
    this.keyPrefix = keyPrefix;
  }
}

/** The publishable key is missing or malformed. */
export class InvalidKeyError extends StateSetError {
  override name = 'InvalidKeyError' as const;
  declare readonly code: 'invalid_publishable_key';
  constructor(received: string) {
    super('invalid_publishable_key', `publishableKey must be your pk_test_… or pk_live_… key; got ${received}.`);
  }
}

/** `request()` was asked for a method and path outside the browser allow-list. Nothing was sent. */
export class EndpointNotAllowedError extends StateSetError {
  override name = 'EndpointNotAllowedError' as const;
  declare readonly code: 'endpoint_not_allowed';
  /**
   * `allowed`: the methods browsers may use on this path when only the method is wrong, else every allowed endpoint.
   */
  constructor(method: string, path: string, allowed?: readonly string[], methodOnly?: boolean) {
    super('endpoint_not_allowed', methodOnly
      ? `${method} ${path} is not allowed from a browser: use ${allowed!.join(' or ')}.`
      : `${method} ${path} is not an endpoint browsers may call${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}.`);
  }
}

/** An option of `createClient` or of a call is invalid (`invalid_option`), or `apiBase` is not HTTPS (`insecure_api_base`). */
export class ConfigError extends StateSetError {
  override name = 'ConfigError' as const;
  declare readonly code: 'insecure_api_base' | 'invalid_option';
}

/** Throws `ConfigError` with code `invalid_option`. */
export const invalidOption = (message: string): never => {
  throw new ConfigError('invalid_option', message);
};

/** A parameter (id, address, limit, filter) is invalid. Nothing was sent. */
export class ValidationError extends StateSetError {
  override name = 'ValidationError' as const;
  declare readonly code: 'invalid_parameter';
  /** The parameter's name, as the API spells it. */
  declare readonly param: string;
  constructor(param: string, message: string) {
    super('invalid_parameter', `Invalid ${param}: ${message}`);
    this.param = param;
  }
}

/** Details of an API error body, as the API names them. */
export interface ApiErrorDetails {
  status: number;
  code: string;
  message: string;
  type?: string | undefined;
  param?: string | undefined;
  docUrl?: string | undefined;
  requestId?: string | undefined;
}

/** The API answered with a non-2xx status. `code` is the server's `error.code`. */
export class ApiError extends StateSetError {
  override name: 'ApiError' | 'RateLimitError' = 'ApiError';
  // Set together by Object.assign below.
  declare readonly status: number;
  declare readonly type: string | undefined;
  declare readonly param: string | undefined;
  declare readonly docUrl: string | undefined;
  declare readonly requestId: string | undefined;
  constructor(what: string, { message, ...details }: ApiErrorDetails, options?: { cause?: unknown }) {
    super(details.code, `${what} failed with ${details.status}: ${message}`, options);
    Object.assign(this, details);
  }
}

/** 429 after every retry. `retryAfter` is how long the server asked to wait, in ms. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError' as const;
  declare readonly code: 'rate_limit_exceeded';
  /** Milliseconds to wait before trying again (from `Retry-After` or `X-RateLimit-Reset`, else an estimate). */
  declare readonly retryAfter: number;
  constructor(what: string, details: ApiErrorDetails, retryAfter: number, options?: { cause?: unknown }) {
    super(what, { ...details, code: 'rate_limit_exceeded' }, options);
    this.retryAfter = retryAfter;
  }
}

/** The request never got an answer: offline, DNS, or blocked by CORS. */
export class NetworkError extends StateSetError {
  override name = 'NetworkError' as const;
  declare readonly code: 'network_error';
  constructor(what: string, origin: string, options?: { cause?: unknown }) {
    // CORS only where there is a page origin (a browser's window or worker), not in Node.
    super('network_error', `${what} could not reach ${origin}: offline, unknown host, ${typeof location == 'object' ? 'or a CORS block' : 'or refused'}.`, options);
  }
}

/** No answer within `timeout` ms. */
export class TimeoutError extends StateSetError {
  override name = 'TimeoutError' as const;
  declare readonly code: 'timeout';
  constructor(what: string, timeout: number, options?: { cause?: unknown }) {
    super('timeout', `${what} got no answer within ${timeout} ms.`, options);
  }
}

/** The caller's `AbortSignal` fired (while queued or in flight). `cause` is the signal's reason. */
export class AbortError extends StateSetError {
  override name = 'AbortError' as const;
  declare readonly code: 'aborted';
  constructor(what: string, options?: { cause?: unknown }) {
    super('aborted', `${what} was aborted.`, options);
  }
}

/** The body is not JSON (say, an HTML page from a proxy) or does not match the schema. */
export class InvalidResponseError extends StateSetError {
  override name = 'InvalidResponseError' as const;
  declare readonly code: 'invalid_response';
  /** HTTP status of the response. */
  declare readonly status: number;
  constructor(what: string, status: number, problem: string, options?: { cause?: unknown }) {
    super('invalid_response', `${what} returned an invalid response (${status}): ${problem}`, options);
    this.status = status;
  }
}

/**
 * Every error this library throws, as a union that narrows by `name` or by `code` (which also works across realms,
 * where `instanceof` does not): `if (isStateSetError(error) && error.code === 'timeout') …` gives a `TimeoutError`.
 */
export type KnownStateSetError =
  | SecretKeyError | InvalidKeyError | EndpointNotAllowedError | ConfigError | ValidationError
  | (ApiError & { readonly name: 'ApiError'; readonly code: ApiErrorCode }) | RateLimitError | NetworkError | TimeoutError | AbortError | InvalidResponseError
  | (StateSetError & { readonly name: 'StateSetError'; readonly code: 'widget_error' });
