/**
 * @stateset/browser: the StateSet Commerce Network API from a web page, with a publishable key only.
 * An explicit barrel: every export is named, types with `export type`.
 */
export { createClient } from './client.js';
export type { Client } from './client.js';
export type { ClientOptions, FetchLike } from './options.js';
export type { CallOptions } from './transport.js';

export { getBalance } from './balance.js';
export type { Balance } from './balance.js';
export type { Money } from './money.js';
export { formatAmount, formatAmountParts } from './format.js';
export type { FormatAmountOptions, FormattedAmount } from './format.js';
export { listProducts, getProduct } from './products.js';
export type { Product, ExpandedVariant, ListProductsParams } from './products.js';
export { getStablecoinBalance } from './stablecoin.js';
export type { StablecoinBalance, StablecoinBalanceParams } from './stablecoin.js';
export type { List, ListParams, DateFilterValue } from './list.js';
export { paginate } from './paginate.js';
export type { ListCall } from './paginate.js';
export { request } from './request.js';
export type { RequestOptions, ResponseOf, AllowedMethod, AllowedPath, AllowListPath, MethodArg, PathArg } from './request.js';
export type { Query, QueryValue, QueryScalar } from './query.js';

export {
  StateSetError, isStateSetError, SecretKeyError, InvalidKeyError, EndpointNotAllowedError, ConfigError, ValidationError,
  ApiError, RateLimitError, NetworkError, TimeoutError, AbortError, InvalidResponseError,
} from './errors.js';
export type { StateSetErrorCode, ApiErrorCode, ApiErrorDetails, KnownStateSetError } from './errors.js';

export { clearCache, dropKey } from './client.js';
export { staleWhileRevalidate } from './stale.js';
export type { StaleOptions } from './stale.js';
export type { Stale, Share, Cache, CacheCall, Entry, Load, Schema } from './cache.js';
export { crossTab } from './cross-tab.js';
export type { CrossTab, CrossTabOptions } from './cross-tab.js';
export type { PersistOptions } from './persist.js';
export type { Plan } from './pace.js';
export type { CacheOptions } from './options.js';
