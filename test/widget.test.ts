/**
 * `<stateset-balance>` against the stand-in API, queried the way a user sees it (role and text) inside
 * its shadow root: every state, the shared client, refresh and visibility, refusal, events, XSS.
 */
import { waitFor, within } from '@testing-library/dom';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, crossTab, getBalance, type Balance, type StateSetError } from '../src/index.js';
import { StateSetBalanceElement } from '../src/widget/index.js';
import { accountBalance } from '../src/testing/data.js';
import { HOSTILE_MARKUP, startStandIn, type StandIn } from '../src/testing/server.js';
import { deliver } from './broadcast.js';
import { newRealm } from './setup.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  delete (document as { visibilityState?: unknown }).visibilityState;
});

/** A key of its own for each test, so no shared client or cache entry carries over between tests. */
let keys = 0;
const freshKey = (): string => `pk_test_widget${++keys}${Math.random().toString(36).slice(2, 10)}`;
/** Built at run time: the build-time guard scans sources for literal secret-looking keys. */
const secretKey = (kind = 'sk'): string => [kind, 'test', 'widgetRefusal42'].join('_');

function mount(attributes: Record<string, string>, parent: ParentNode = document.body): StateSetBalanceElement {
  const element = document.createElement('stateset-balance');
  for (const [name, value] of Object.entries({ 'api-base': api.url, locale: 'en-US', ...attributes })) element.setAttribute(name, value);
  parent.append(element);
  return element;
}
const inside = (element: Element) => within(element.shadowRoot as unknown as HTMLElement);
const gets = () => api.requests.filter((request) => request.method === 'GET');
const loaded = (element: Element, state = 'loaded') => waitFor(() => expect(element.getAttribute('state')).toBe(state));
const usd = (amount: number | string) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(Number(amount));
/** The ssusd amount the stand-in serves for a key (and account). */
const ssusd = (key: string, account?: string) => accountBalance(key, account).available.find((money) => money.currency === 'ssusd')!.amount;
const setVisibility = (state: 'hidden' | 'visible') => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
};

describe('states', () => {
  it('is busy while loading, then shows the ssusd balance formatted for the locale', async () => {
    api.fault({ delay: 150 });
    const key = freshKey();
    const element = mount({ 'publishable-key': key });
    const status = await inside(element).findByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.getAttribute('aria-busy')).toBe('true');
    expect(element.getAttribute('state')).toBe('loading');
    expect(status.textContent).toContain('Loading…');

    expect(await inside(element).findByText(usd(ssusd(key)))).toBeTruthy();
    expect(inside(element).getByText('SSUSD')).toBeTruthy();
    expect(inside(element).getByText('Available balance')).toBeTruthy();
    expect(status.getAttribute('aria-busy')).toBe('false');
    expect(element.getAttribute('state')).toBe('loaded');
    expect(element.hasAttribute('error-code')).toBe(false);
    expect(element.balance?.object).toBe('balance');
    expect(gets()[0]!.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('exposes the parts a page styles with ::part()', async () => {
    const element = mount({ 'publishable-key': freshKey() });
    await loaded(element);
    const parts = [...element.shadowRoot!.querySelectorAll('[part]')].map((node) => node.getAttribute('part'));
    expect(parts).toEqual(expect.arrayContaining(['container', 'label', 'value', 'amount', 'currency']));
    expect(element.shadowRoot!.adoptedStyleSheets).toHaveLength(1);
  });

  it('shows the chosen currency and a decimal-string amount without losing it', async () => {
    const element = mount({ 'publishable-key': freshKey(), currency: 'USDC' });
    expect(await inside(element).findByText('$20.00')).toBeTruthy();
    expect(inside(element).getByText('USDC')).toBeTruthy();
  });

  it('loads and shows a currency named like an Object.prototype member, instead of hanging on "Loading…"', async () => {
    const element = mount({ 'publishable-key': freshKey(), currency: 'constructor', locale: 'en-US' });
    const heard = new Promise((resolve) => element.addEventListener('stateset:load', resolve, { once: true }));
    expect(await inside(element).findByText('0.00')).toBeTruthy();
    expect(inside(element).getByText('CONSTRUCTOR')).toBeTruthy();
    await heard;
    expect(element.getAttribute('state')).toBe('loaded');
  });

  it('shows zero for a currency the account does not hold', async () => {
    const element = mount({ 'publishable-key': freshKey(), currency: 'eur', locale: 'en-GB' });
    expect(await inside(element).findByText('€0.00')).toBeTruthy();
    expect(inside(element).getByText('EUR')).toBeTruthy();
  });

  it('shows a short message and reflects the error code when the key is not accepted', async () => {
    const element = mount({ 'publishable-key': 'pk_test_revoked' });
    expect(await inside(element).findByText('This publishable key was not accepted.')).toBeTruthy();
    expect(element.getAttribute('state')).toBe('error');
    expect(element.getAttribute('error-code')).toBe('invalid_api_key');
    expect(element.error?.name).toBe('ApiError');
    expect(inside(element).getByRole('status').getAttribute('aria-busy')).toBe('false');
  });

  it('turns an HTML page from a proxy into an error state, not a crash', async () => {
    api.fault({ body: 'html' });
    const element = mount({ 'publishable-key': freshKey() });
    await loaded(element, 'error');
    expect(element.getAttribute('error-code')).toBe('invalid_response');
    expect(inside(element).getByText('The balance is unavailable right now.')).toBeTruthy();
  });

  it('reports network_error when the API cannot be reached', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const element = mount({ 'publishable-key': freshKey(), 'api-base': `http://127.0.0.1:${closed}/v1` });
    expect(await inside(element).findByText('Can’t reach StateSet right now.', {}, { timeout: 10_000 })).toBeTruthy();
    expect(element.getAttribute('error-code')).toBe('network_error');
  });
});

describe('refusing secret keys', () => {
  it.each([
    ['an sk_ key', { 'publishable-key': secretKey() }, 'sk_test_…'],
    ['an rk_ key', { 'publishable-key': ` ${secretKey('rk')} ` }, 'rk_test_…'],
    ['an sk_ key as the account id', { 'publishable-key': 'pk_test_fine123', 'account-id': secretKey() }, 'sk_test_…'],
  ])('renders the error state for %s, logs one console.error with the prefix only, and sends nothing', async (_, attributes, prefix) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const fetched = vi.spyOn(globalThis, 'fetch');
    const errors: Event[] = [];
    document.addEventListener('stateset:error', (event) => errors.push(event), { once: true });
    const element = mount({ ...attributes, refresh: '5' });
    expect(await inside(element).findByText(/needs a publishable key|Refused a secret key/)).toBeTruthy();
    expect(element.getAttribute('state')).toBe('error');
    expect(element.getAttribute('error-code')).toBe('secret_key_refused');
    expect(fetched).not.toHaveBeenCalled(); // nothing sent, not even a preflight
    expect(api.requests).toHaveLength(0);
    expect(logged).toHaveBeenCalledTimes(1);
    const message = logged.mock.calls[0]!.join(' ');
    expect(message).toContain(prefix);
    expect(message).not.toContain('widgetRefusal42');
    expect(errors).toHaveLength(1);
    expect((errors[0] as CustomEvent<{ error: Error }>).detail.error.name).toBe('SecretKeyError');
    expect(element.shadowRoot!.textContent).not.toContain('widgetRefusal42');
  });

  it('does not retry a refused key on the refresh timer', async () => {
    vi.useFakeTimers();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const element = mount({ 'publishable-key': secretKey(), refresh: '5' });
    await vi.waitFor(() => expect(element.getAttribute('state')).toBe('error'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(api.requests).toHaveLength(0);
  });
});

describe('one client per key', () => {
  it('ten widgets with the same key cost one request; another account is another client', async () => {
    const key = freshKey();
    const widgets = Array.from({ length: 10 }, (_, index) =>
      mount({ 'publishable-key': key, ...(index % 2 ? { currency: 'usdc' } : {}), ...(index % 3 ? {} : { locale: 'de-DE' }) }));
    await Promise.all(widgets.map((widget) => loaded(widget)));
    expect(gets()).toHaveLength(1);
    expect(new Set(widgets.map((widget) => widget.balance))).toEqual(new Set([widgets[0]!.balance]));

    const other = mount({ 'publishable-key': key, 'account-id': 'acct_other1' });
    expect(await inside(other).findByText(usd(ssusd(key, 'acct_other1')))).toBeTruthy();
    expect(gets()).toHaveLength(2);
    expect(gets()[1]!.headers['x-account-id']).toBe('acct_other1');
  });

  it('attributes that differ only in spelling (a trailing slash, a padded key) share one client: one request', async () => {
    const key = freshKey();
    const widgets = [
      mount({ 'publishable-key': key }),
      mount({ 'publishable-key': key, 'api-base': `${api.url}/` }),
      mount({ 'publishable-key': ` ${key} ` }),
    ];
    await Promise.all(widgets.map((widget) => loaded(widget)));
    expect(gets()).toHaveLength(1);
  });

  it('an app client and five widgets of one key cost one balance request, in either order', async () => {
    const { createClient, getBalance } = await import('../src/index.js');
    const key = freshKey();
    const app = createClient({ publishableKey: key, apiBase: api.url });
    api.fault({ delay: 100 });
    const fromApp = getBalance(app); // in flight while the widgets load: they join it
    const widgets = Array.from({ length: 5 }, () => mount({ 'publishable-key': key }));
    await Promise.all(widgets.map((widget) => loaded(widget)));
    expect(widgets[0]!.balance).toBe(await fromApp);
    expect(gets()).toHaveLength(1);

    const later = freshKey();
    const first = mount({ 'publishable-key': later });
    await loaded(first);
    expect(await getBalance(createClient({ publishableKey: later, apiBase: `${api.url}/` }))).toBe(first.balance); // the widget's answer
    expect(gets()).toHaveLength(2);
  });

  it('the client property: the widget reads through the app\'s client, attributes not needed; unset, it goes back to them', async () => {
    const { createClient } = await import('../src/index.js');
    const key = freshKey();
    const client = createClient({ publishableKey: key, apiBase: api.url, accountId: 'acct_app1' });
    const element = document.createElement('stateset-balance');
    element.setAttribute('locale', 'en-US');
    element.client = client;
    expect(element.client).toBe(client);
    document.body.append(element);
    expect(await inside(element).findByText(usd(ssusd(key, 'acct_app1')))).toBeTruthy();
    expect(gets().map((sent) => [sent.headers.authorization, sent.headers['x-account-id']])).toEqual([[`Bearer ${key}`, 'acct_app1']]);

    const other = freshKey();
    element.client = createClient({ publishableKey: other, apiBase: api.url });
    expect(await inside(element).findByText(usd(ssusd(other)))).toBeTruthy();
    element.setAttribute('publishable-key', key);
    element.setAttribute('api-base', api.url);
    element.client = undefined;
    expect(await inside(element).findByText(usd(ssusd(key)))).toBeTruthy();
    expect(gets().map((sent) => sent.headers.authorization)).toEqual([`Bearer ${key}`, `Bearer ${other}`, `Bearer ${key}`]);
  });

  it('one widget leaving does not cancel the request another is waiting for', async () => {
    api.fault({ delay: 150 });
    const key = freshKey();
    const leaving = mount({ 'publishable-key': key });
    const staying = mount({ 'publishable-key': key });
    await waitFor(() => expect(gets()).toHaveLength(1));
    leaving.remove();
    expect(await inside(staying).findByText(usd(ssusd(key)))).toBeTruthy();
    expect(gets()).toHaveLength(1);
    expect(gets()[0]!.status).toBe(200);
  });
});

describe('share="tabs": the widget opts in to crossTab()', () => {
  /** The other tab: a realm of its own with an app client of `key` on crossTab(); this tab (the widget's) gets a new realm after it. */
  const otherTab = (key: string) => {
    newRealm();
    const share = crossTab();
    const client = createClient({ publishableKey: key, apiBase: api.url, share });
    newRealm();
    return { client, close: () => share.close() };
  };

  it('the widget’s answer reaches the other tabs: the next tab to ask sends nothing', async () => {
    const key = freshKey();
    const other = otherTab(key);
    try {
      await loaded(mount({ 'publishable-key': key, share: 'tabs' }));
      await deliver();
      expect(await getBalance(other.client)).toMatchObject({ object: 'balance' });
      expect(gets()).toHaveLength(1);
    } finally {
      other.close();
    }
  });

  it('(control) without the attribute, or with another value, the other tab asks again', async () => {
    for (const share of [undefined, 'tab']) {
      api.reset();
      const key = freshKey();
      const other = otherTab(key);
      try {
        await loaded(mount({ 'publishable-key': key, ...(share && { share }) }));
        await deliver();
        await getBalance(other.client);
        expect(gets()).toHaveLength(2);
      } finally {
        other.close();
      }
    }
  });

  it('reloads make a client each but open one channel per key and account', async () => {
    const opened: string[] = [];
    vi.stubGlobal('BroadcastChannel', class extends BroadcastChannel {
      constructor(name: string) {
        super(name);
        opened.push(name);
      }
    });
    const widget = mount({ 'publishable-key': freshKey(), share: 'tabs' });
    await loaded(widget);
    for (let count = 0; count < 5; count++) await widget.reload();
    expect(gets()).toHaveLength(6);
    expect(opened).toHaveLength(1);
  });
});

describe('share="persist": the widget opts in to crossTab({ persist: true })', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  /** A new page load: a new realm, the widget mounted; returns it, its events and how many responses had arrived at each. */
  const pageLoad = (key: string, responses: { count: number }) => {
    newRealm();
    document.body.replaceChildren();
    const events: Array<{ amount: unknown; responses: number }> = [];
    const widget = mount({ 'publishable-key': key, share: 'persist' });
    widget.addEventListener('stateset:load', (event) => events.push({ amount: (event as CustomEvent<Balance>).detail.available[0]!.amount, responses: responses.count }));
    return { widget, events };
  };
  const countResponses = () => {
    const responses = { count: 0 };
    const real = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (...args) => {
      const response = await real(...args);
      responses.count++;
      return response;
    });
    return responses;
  };

  it('past the TTL, the next page load shows the stored balance before any response, then the refreshed one', async () => {
    const key = freshKey();
    const responses = countResponses();
    const first = pageLoad(key, responses);
    await loaded(first.widget);
    expect(first.events).toEqual([{ amount: ssusd(key), responses: 1 }]);
    vi.setSystemTime(Date.now() + 6_000); // the balance's TTL is 5 s
    api.fault({ path: '/v1/account/balance', delay: 300 });
    const second = pageLoad(key, responses);
    await loaded(second.widget);
    expect(second.events).toEqual([{ amount: ssusd(key), responses: 1 }]); // from storage: no response yet
    await waitFor(() => expect(second.events).toHaveLength(2));
    expect(second.events[1]).toEqual({ amount: ssusd(key), responses: 2 });
    expect(gets()).toHaveLength(2);
  });

  it('within the TTL, the next page load shows the stored balance with no request and one event', async () => {
    const key = freshKey();
    const responses = countResponses();
    await loaded(pageLoad(key, responses).widget);
    vi.setSystemTime(Date.now() + 2_000);
    const second = pageLoad(key, responses);
    await loaded(second.widget);
    // A task later, a refresh started by this load would have called fetch (no timer stands before it: no other tab asks).
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(globalThis.fetch).toHaveBeenCalledTimes(1);
    expect(second.events).toEqual([{ amount: ssusd(key), responses: 1 }]);
    expect(gets()).toHaveLength(1);
  });

  it('(control) share="tabs" keeps nothing across page loads', async () => {
    const key = freshKey();
    newRealm();
    await loaded(mount({ 'publishable-key': key, share: 'tabs' }));
    newRealm();
    document.body.replaceChildren();
    await loaded(mount({ 'publishable-key': key, share: 'tabs' }));
    expect(gets()).toHaveLength(2);
  });
});

describe('refresh', () => {
  it('a refresh beyond a timer\'s range (1e10 s, Infinity) waits, instead of firing at once over and over', async () => {
    vi.useFakeTimers();
    const fetched = vi.spyOn(globalThis, 'fetch');
    for (const refresh of ['1e10', 'Infinity']) {
      fetched.mockClear();
      const element = mount({ 'publishable-key': freshKey(), refresh });
      await vi.waitFor(() => expect(element.getAttribute('state')).toBe('loaded'));
      await vi.advanceTimersByTimeAsync(60_000); // a timer given more than 2^31 - 1 ms would fire within 1 ms, and again
      expect(fetched, refresh).toHaveBeenCalledTimes(1);
      element.remove();
    }
  });

  it('re-reads every N seconds, pauses while the tab is hidden, and catches up at once when shown', async () => {
    vi.useFakeTimers();
    const element = mount({ 'publishable-key': freshKey(), refresh: '30' });
    await vi.waitFor(() => expect(element.getAttribute('state')).toBe('loaded'));
    expect(gets()).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(29_000);
    expect(gets()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(gets()).toHaveLength(2));
    await vi.waitFor(() => expect(element.shadowRoot!.querySelector('[role=status]')!.getAttribute('aria-busy')).toBe('false'));

    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(gets()).toHaveLength(2);

    setVisibility('visible');
    await vi.waitFor(() => expect(gets()).toHaveLength(3));
    expect(element.getAttribute('state')).toBe('loaded');
  });

  it('waits only for the rest of the interval when shown again before it is due', async () => {
    vi.useFakeTimers();
    const element = mount({ 'publishable-key': freshKey(), refresh: '30' });
    await vi.waitFor(() => expect(element.getAttribute('state')).toBe('loaded'));
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(10_000);
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(19_000);
    expect(gets()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(gets()).toHaveLength(2));
  });

  it('stops when the widget is removed', async () => {
    vi.useFakeTimers();
    const element = mount({ 'publishable-key': freshKey(), refresh: '10' });
    await vi.waitFor(() => expect(element.getAttribute('state')).toBe('loaded'));
    element.remove();
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(gets()).toHaveLength(1);
  });

  it('does not refresh without the attribute', async () => {
    vi.useFakeTimers();
    const element = mount({ 'publishable-key': freshKey() });
    await vi.waitFor(() => expect(element.getAttribute('state')).toBe('loaded'));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(gets()).toHaveLength(1);
  });
});

describe('attribute changes', () => {
  it('re-renders a new currency or locale from the data it has, without a request', async () => {
    const element = mount({ 'publishable-key': freshKey() });
    await loaded(element);
    element.setAttribute('currency', 'usdc');
    expect(await inside(element).findByText('$20.00')).toBeTruthy();
    element.setAttribute('locale', 'de-DE');
    expect(await inside(element).findByText('20,00 $')).toBeTruthy();
    element.setAttribute('label', 'Store credit');
    expect(await inside(element).findByText('Store credit')).toBeTruthy();
    expect(gets()).toHaveLength(1);
  });

  it('loads again for a new key, abandoning the request in flight', async () => {
    const first = freshKey();
    const second = freshKey();
    // The first answer sends its headers and half its body, then waits until the client goes away.
    api.fault({ stall: true, times: 1 });
    const loads: unknown[] = [];
    const element = mount({ 'publishable-key': first });
    element.addEventListener('stateset:load', (event) => loads.push(event.detail));
    await waitFor(() => expect(gets()).toHaveLength(1));
    element.setAttribute('publishable-key', second);
    expect(await inside(element).findByText(usd(ssusd(second)))).toBeTruthy();
    expect(gets().map((request) => request.headers.authorization)).toEqual([`Bearer ${first}`, `Bearer ${second}`]);
    // The event, not a sleep: the server saw the client drop the first request, so no answer to it can come.
    await waitFor(() => expect(gets()[0]!.gaveUp).toBe(true));
    expect(loads).toHaveLength(1);
    expect(inside(element).getByText(usd(ssusd(second)))).toBeTruthy();
  });

  it('batches several attribute changes into one load', async () => {
    const element = mount({ 'publishable-key': freshKey() });
    await loaded(element);
    const key = freshKey();
    element.setAttribute('publishable-key', key);
    element.setAttribute('account-id', 'acct_batch1');
    element.setAttribute('currency', 'ssusd');
    expect(await inside(element).findByText(usd(ssusd(key, 'acct_batch1')))).toBeTruthy();
    expect(gets()).toHaveLength(2);
  });

  it('reload() reads again, skipping the cached value, and announces it', async () => {
    const loads: unknown[] = [];
    const listening = new AbortController();
    document.addEventListener('stateset:load', (event) => loads.push(event.detail), { signal: listening.signal });
    const element = mount({ 'publishable-key': freshKey() });
    await loaded(element);
    const pending = element.reload();
    expect(inside(element).getByRole('status').getAttribute('aria-busy')).toBe('true');
    expect(element.getAttribute('state')).toBe('loaded'); // the amount stays while it re-reads
    await pending;
    listening.abort();
    expect(gets()).toHaveLength(2); // within the balance's cache TTL, so only a fresh read goes out
    expect(loads).toEqual([element.balance, element.balance]);
    expect(inside(element).getByRole('status').getAttribute('aria-busy')).toBe('false');
  });
});

describe('events', () => {
  it('fires stateset:load with the balance, bubbling out of other shadow roots', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const received = new Promise<CustomEvent<Balance>>((resolve) => document.addEventListener('stateset:load', (event) => resolve(event), { once: true }));
    const element = mount({ 'publishable-key': freshKey() }, shadow);
    const event = await received;
    expect(event.detail).toBe(element.balance);
    expect(event.detail.object).toBe('balance');
    expect(event.composed).toBe(true);
  });

  it('fires stateset:error with the typed error', async () => {
    const received = new Promise<CustomEvent<{ error: StateSetError }>>((resolve) => document.addEventListener('stateset:error', (event) => resolve(event), { once: true }));
    const element = mount({ 'publishable-key': 'pk_test_revoked' });
    const event = await received;
    expect(event.target).toBe(element);
    expect(event.detail.error.code).toBe('invalid_api_key');
    expect(event.detail.error).toBe(element.error);
  });
});

describe('rendering data as text', () => {
  it('renders markup in a currency from the API and in the label as inert text', async () => {
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await realFetch(input, init);
      const body = await response.json();
      body.available = [{ amount: '1.5', currency: HOSTILE_MARKUP }];
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    });
    const element = mount({ 'publishable-key': freshKey(), label: HOSTILE_MARKUP });
    expect(await inside(element).findByText(HOSTILE_MARKUP.toUpperCase())).toBeTruthy();
    expect(inside(element).getByText(HOSTILE_MARKUP)).toBeTruthy();
    expect(inside(element).getByText('1.50')).toBeTruthy();
    expect(element.shadowRoot!.querySelector('img')).toBeNull();
    expect(gets()).toHaveLength(1);
  });
});
