/**
 * `<stateset-balance>`: an account balance, on top of the public API (`createClient` + `getBalance`
 * through the shared registry). Nothing here runs at import: the class only extends `HTMLElement`
 * where there is one (SSR gets an inert class) and `define.ts` registers it.
 */
import { getBalance, type Balance } from '../balance.js';
import type { Client } from '../client.js';
import { isStateSetError, StateSetError } from '../errors.js';
import { formatParts } from '../format.js';
import { loadBalance } from './registry.js';
import { adoptStyles } from './styles.js';

/** Short messages a shopper can read; the typed error stays on `element.error` and in `error-code`. */
const messages: Record<string, string> = {
  secret_key_refused: 'Refused a secret key: this widget needs a publishable key.',
  invalid_publishable_key: 'This widget needs a publishable key.',
  invalid_api_key: 'This publishable key was not accepted.',
  api_key_expired: 'This publishable key has expired.',
  api_key_revoked: 'This publishable key was revoked.',
  network_error: 'Can’t reach StateSet right now.',
  timeout: 'StateSet took too long to answer.',
  rate_limit_exceeded: 'Too many requests; try again shortly.',
};
/** A page's mistakes rather than the network's: worth a `console.error` for the developer, and no retry. */
const setupCodes = /^(secret_key_refused|invalid_publishable_key|insecure_api_base|invalid_option)$/;

const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

/**
 * The `<stateset-balance>` element.
 * Attributes: `publishable-key`, `api-base`, `account-id`, `share` (`tabs`: share with the origin's other tabs, as
 * `crossTab()`; `persist`: with them and the next page loads, as `crossTab({ persist: true })`), `currency`, `locale`, `refresh` (seconds, at least 5), `label`.
 * Reflects `state` (`loading` | `loaded` | `error`) and `error-code`; fires `stateset:load` and `stateset:error`.
 */
export class StateSetBalanceElement extends Base {
  static readonly observedAttributes = ['publishable-key', 'api-base', 'account-id', 'share', 'currency', 'locale', 'refresh', 'label'];

  #box?: HTMLElement;
  #label?: HTMLElement;
  #value?: HTMLElement;
  #amount?: HTMLElement;
  #currency?: HTMLElement;
  #message?: HTMLElement;
  #balance: Balance | undefined;
  #error: StateSetError | undefined;
  /** The client (or the key, base and account) of the current data; `undefined` forces a load. */
  #source: string | Client | undefined;
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #loadedAt = 0;
  #queued = false;
  #client: Client | undefined;
  #onVisibility = (): void => this.#schedule();

  /**
   * The app's client, to read the balance through (its options, cache and pacer) instead of one made from the
   * `publishable-key`, `api-base` and `account-id` attributes, which are then not needed. `undefined` goes back to them.
   * (Without it, a widget and the app's clients of one key share one cache and pacer anyway: one balance request.)
   * @example document.querySelector('stateset-balance').client = client;
   */
  get client(): Client | undefined {
    return this.#client;
  }

  set client(client: Client | undefined) {
    this.#client = client;
    this.attributeChangedCallback();
  }

  /** The last balance loaded, or `undefined`. */
  get balance(): Balance | undefined {
    return this.#balance;
  }

  /** The error shown, or `undefined`. */
  get error(): StateSetError | undefined {
    return this.#error;
  }

  /** Reads the balance again now, skipping the client's cached value (still shared and paced). */
  reload(): Promise<void> {
    return this.isConnected ? this.#load(true) : Promise.resolve();
  }

  connectedCallback(): void {
    if (!this.shadowRoot) this.#build(this.attachShadow({ mode: 'open' }));
    this.ownerDocument.addEventListener('visibilitychange', this.#onVisibility);
    this.#source = undefined;
    this.#render();
    this.attributeChangedCallback();
  }

  disconnectedCallback(): void {
    this.ownerDocument.removeEventListener('visibilitychange', this.#onVisibility);
    this.#abort?.abort();
    clearTimeout(this.#timer);
    this.#source = undefined;
  }

  /** Batches attribute changes (and the first connection) into one update per task. */
  attributeChangedCallback(): void {
    if (this.#queued || !this.#box) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      if (!this.isConnected) return;
      if (this.#key() !== this.#source) void this.#load();
      else {
        this.#render();
        this.#schedule();
      }
    });
  }

  #attr(name: string): string | undefined {
    return this.getAttribute(name)?.trim() || undefined;
  }

  /** What the data comes from: the `client` property, else the attributes; a change loads afresh. */
  #key(): string | Client {
    return this.#client ?? JSON.stringify([this.getAttribute('publishable-key') ?? '', this.#attr('api-base'), this.#attr('account-id'), this.#attr('share')]);
  }

  #build(root: ShadowRoot): void {
    adoptStyles(root);
    const make = (tag: string, part: string): HTMLElement => {
      const element = root.ownerDocument.createElement(tag);
      element.setAttribute('part', part);
      return element;
    };
    const box = (this.#box = make('div', 'container'));
    box.setAttribute('role', 'status');
    box.setAttribute('aria-live', 'polite');
    this.#label = make('span', 'label');
    this.#value = make('div', 'value');
    this.#amount = make('span', 'amount');
    this.#currency = make('span', 'currency');
    this.#message = make('span', 'error');
    this.#value.append(this.#amount, this.#currency);
    root.append(box);
  }

  async #load(fresh?: boolean, again?: boolean): Promise<void> {
    this.#abort?.abort();
    clearTimeout(this.#timer);
    const controller = (this.#abort = new AbortController());
    const source = this.#key();
    const share = this.#attr('share');
    // A `share="persist"` widget's first read takes a stored answer however old (shown at once), then reads again: the
    // answer of the refresh that started (a stored answer within its TTL: the same value, no request, no event).
    const stale = source !== this.#source && share === 'persist' && typeof source === 'string';
    const before = this.#balance;
    if (source !== this.#source) {
      this.#source = source;
      this.#balance = this.#error = undefined;
    }
    this.#render();
    let event: string;
    try {
      this.#balance = await (typeof source === 'string'
        ? loadBalance(
            { publishableKey: this.getAttribute('publishable-key') ?? '', apiBase: this.#attr('api-base'), accountId: this.#attr('account-id'), share },
            controller.signal,
            fresh,
            stale,
          )
        : getBalance(source, { signal: controller.signal, fresh }));
      if (again && this.#balance === before) return void (this.#finish(controller), this.#schedule());
      this.#error = undefined;
      event = 'stateset:load';
    } catch (error) {
      if (controller.signal.aborted) return;
      this.#error = isStateSetError(error) ? error : new StateSetError('widget_error', 'The balance could not be shown.', { cause: error });
      // A refused key and other set-up mistakes: one console.error naming the problem (messages show at most a key's prefix).
      if (setupCodes.test(this.#error.code)) console.error(`<stateset-balance>: ${this.#error.message}`);
      event = 'stateset:error';
    }
    if (controller.signal.aborted) return;
    this.#finish(controller);
    this.dispatchEvent(new CustomEvent(event, { detail: this.#error ? { error: this.#error } : this.#balance, bubbles: true, composed: true }));
    if (stale && !this.#error) return void this.#load(false, true);
    this.#schedule();
  }

  /** A load is over: rendered, and the next one planned (by the caller, after its event). */
  #finish(controller: AbortController): void {
    if (controller.signal.aborted) return;
    this.#abort = undefined;
    this.#loadedAt = Date.now();
    this.#render();
  }

  /** Plans the next refresh; none while the page is hidden, and none after a set-up error. Stale on return: loads at once. */
  #schedule(): void {
    clearTimeout(this.#timer);
    const seconds = Number(this.#attr('refresh'));
    if (!(seconds > 0) || this.#abort || !this.isConnected || this.ownerDocument.visibilityState === 'hidden') return;
    if (this.#error && setupCodes.test(this.#error.code)) return;
    // (At most a timer's range, about 24.8 days: beyond it a timer fires at once, over and over.)
    this.#timer = setTimeout(() => void this.#load(), Math.min(2_147_483_647, Math.max(0, this.#loadedAt + Math.max(5, seconds) * 1000 - Date.now())));
  }

  #render(): void {
    const box = this.#box;
    if (!box) return;
    const balance = this.#balance;
    const error = this.#error;
    const state = error ? 'error' : balance ? 'loaded' : 'loading';
    this.setAttribute('state', state);
    if (error) this.setAttribute('error-code', error.code);
    else this.removeAttribute('error-code');
    box.setAttribute('aria-busy', String(state === 'loading' || !!this.#abort));
    this.#label!.textContent = this.getAttribute('label') ?? 'Available balance';
    if (error) {
      this.#message!.textContent = (Object.hasOwn(messages, error.code) && messages[error.code]) || 'The balance is unavailable right now.';
      box.replaceChildren(this.#label!, this.#message!);
      return;
    }
    let shown = { amount: 'Loading…', currency: '' };
    if (balance) {
      const wanted = this.#attr('currency')?.toLowerCase();
      const find = (code: string) => balance.available.find((money) => money.currency.toLowerCase() === code);
      const money = (wanted ? find(wanted) : (find('ssusd') ?? balance.available[0])) ?? { amount: 0, currency: wanted ?? 'ssusd' };
      shown = formatParts(money.amount, money.currency, this.#attr('locale') ?? (this.closest('[lang]')?.getAttribute('lang') || undefined));
    }
    this.#amount!.textContent = shown.amount;
    this.#currency!.textContent = shown.currency;
    box.replaceChildren(this.#label!, this.#value!);
  }
}

/** The events of `<stateset-balance>`; they bubble and cross shadow roots, so `document` hears them too. */
export interface StateSetBalanceEventMap {
  /** Loaded; `detail` is the balance. */
  'stateset:load': CustomEvent<Balance>;
  /** Shows an error; `detail.error` is the typed error (`code` as in the `error-code` attribute). */
  'stateset:error': CustomEvent<{ error: StateSetError }>;
}

declare global {
  interface HTMLElementTagNameMap {
    'stateset-balance': StateSetBalanceElement;
  }
  interface HTMLElementEventMap extends StateSetBalanceEventMap {}
  interface DocumentEventMap extends StateSetBalanceEventMap {}
  interface WindowEventMap extends StateSetBalanceEventMap {}
  interface ShadowRootEventMap extends StateSetBalanceEventMap {}
}
