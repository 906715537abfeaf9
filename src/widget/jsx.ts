/**
 * Framework-neutral types of `<stateset-balance>` for templates: its attributes, its `client` property and its
 * events. `@stateset/browser/jsx-react` puts them into React 19's `JSX.IntrinsicElements`; Vue and Svelte users
 * reference them in their own declarations (README, "JSX and templates"). Types only: nothing here runs.
 */
import type { Balance } from '../balance.js';
import type { Client } from '../client.js';
import type { StateSetError } from '../errors.js';

/** The attributes of `<stateset-balance>`, as written in markup. */
export interface StateSetBalanceAttributes {
  /** A publishable key (`pk_test_…`/`pk_live_…`); not needed when `client` is set. */
  'publishable-key'?: string | undefined;
  /** The API base URL. @default 'https://api.stateset.com/v1' */
  'api-base'?: string | undefined;
  /** The connected account to show. */
  'account-id'?: string | undefined;
  /**
   * `tabs`: share answers, requests in flight and the key's rate limit with the origin's other tabs (as `crossTab()`);
   * `persist`: with them and the next page loads too (as `crossTab({ persist: true })`: the stored balance shown at
   * once, then refreshed). @default undefined (this page only)
   */
  share?: 'tabs' | 'persist' | undefined;
  /** The currency to show (`ssusd`, `usd`, …). @default the first available */
  currency?: string | undefined;
  /** A BCP 47 locale tag. @default the nearest `lang`, else the browser's */
  locale?: string | undefined;
  /** Seconds between refreshes, at least 5. @default undefined (no refresh) */
  refresh?: number | `${number}` | undefined;
  /** The label above the amount. */
  label?: string | undefined;
}

/** Properties of the element a framework sets as properties, not attributes. */
export interface StateSetBalanceProperties {
  /** A client made by `createClient`, shared with the page (one key, one cache, one budget). */
  client?: Client | undefined;
}

/** The element's events and their `detail`. */
export interface StateSetBalanceEvents {
  /** Loaded; `detail` is the balance. */
  'stateset:load': CustomEvent<Balance>;
  /** Shows an error; `detail.error` is the typed error. */
  'stateset:error': CustomEvent<{ error: StateSetError }>;
}

/** React 19 props: attributes, `client`, and listeners as `onstateset:load` / `onstateset:error` (React 19 adds them as event listeners). */
export interface StateSetBalanceReactProps extends StateSetBalanceAttributes, StateSetBalanceProperties {
  'onstateset:load'?: ((event: StateSetBalanceEvents['stateset:load']) => void) | undefined;
  'onstateset:error'?: ((event: StateSetBalanceEvents['stateset:error']) => void) | undefined;
}

/** Vue props, for `GlobalComponents` (`<stateset-balance :client="client" @stateset:load="…">`). */
export interface StateSetBalanceVueProps extends StateSetBalanceAttributes, StateSetBalanceProperties {
  'onStateset:load'?: ((event: StateSetBalanceEvents['stateset:load']) => void) | undefined;
  'onStateset:error'?: ((event: StateSetBalanceEvents['stateset:error']) => void) | undefined;
}

/** Svelte 5 attributes, for `svelte/elements`' `SvelteHTMLElements` (`<stateset-balance onstateset:load={…}>`). */
export interface StateSetBalanceSvelteAttributes extends StateSetBalanceAttributes, StateSetBalanceProperties {
  'onstateset:load'?: ((event: StateSetBalanceEvents['stateset:load']) => void) | undefined | null;
  'onstateset:error'?: ((event: StateSetBalanceEvents['stateset:error']) => void) | undefined | null;
}
