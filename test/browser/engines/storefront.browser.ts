/**
 * The storefront scenarios in every engine (Chromium, Firefox, WebKit): the CDN file and the widget loader
 * under `script-src 'self'` with Trusted Types and zero violations, one request for five widgets, a refused
 * secret key that sends nothing, two tabs sharing through `crossTab()`, and the Free plan's burst with
 * no 429. Violations and errors are recorded in the page itself (watch.js) in all three engines:
 * WebKit's WebDriver classic has no console or error events; Chromium and Firefox are checked through
 * their own reports too (Firefox over BiDi reports CSP blocks as page errors, Chromium as console errors).
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Balance, Client, ClientOptions } from '../../../src/index.js';
import { accountBalance } from '../../../src/testing/data.js';
import { startStandIn, type StandIn } from '../../../src/testing/server.js';
import { calls, carryingSecrets, secretKey, strictCsp } from '../harness.js';
import type { LabWindow } from '../lab.js';
import { cdnDir, pagesDir } from '../paths.js';
import { startSite, type Site } from '../site.js';
import { describeEngines, expectClean, record, waitFor, type Tab } from './index.js';

const KEY = 'pk_test_enginesPage1';
const SECRET = secretKey();

let api: StandIn;
let site: Site;

beforeAll(async () => {
  api = await startStandIn();
  site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir }, vars: { API_BASE: api.url, KEY, SECRET_KEY: SECRET }, watch: true });
});
afterAll(async () => {
  await Promise.all([api?.close(), site?.close()]);
});
beforeEach(() => {
  api.reset();
  site.headers = [];
});

const withStrictCsp = (): void => {
  site.headers = [[/\.html$/, { 'Content-Security-Policy': strictCsp(api.origin) }]];
};

/** Opens the lab page (the CDN build on `window.stateset`) and waits until it is there. */
async function lab(tab: Tab): Promise<Tab> {
  await tab.goto(`${site.origin}/lab.html`);
  await waitFor(tab, () => document.documentElement.dataset.ready === 'true');
  return tab;
}

const userAgent: Record<string, RegExp> = {
  chromium: /Chrome\/\d+/,
  firefox: /^(?!.*Chrome).*Firefox\/\d+/,
  webkit: /^(?!.*(Chrome|Firefox)).*AppleWebKit\/\d+.*Safari/,
};

describeEngines('storefront pages', (engine) => {
  it('runs in the engine it names', async () => {
    const context = await engine.newContext();
    const tab = await context.newTab();
    expect(await tab.evaluate(() => navigator.userAgent)).toMatch(userAgent[engine.name]!);
    expect(context.version).toMatch(/\d+\.\d+/);
    console.log(`[browser] ${engine.name} ${context.version}`);
  });

  it('the CDN file under script-src \'self\' + Trusted Types shows the balance with 0 violations', async () => {
    withStrictCsp();
    const tab = await engine.open(`${site.origin}/balance.html`);
    await waitFor(tab, () => document.getElementById('balance')?.dataset.state !== 'loading');
    const [first] = accountBalance(KEY, undefined).available;
    expect(await tab.evaluate(() => [document.getElementById('balance')!.dataset.state, document.getElementById('balance')!.textContent]))
      .toEqual(['loaded', `${first!.amount} ${first!.currency.toUpperCase()}`]);
    expect(calls(api.requests)).toMatchObject([{ method: 'GET', path: '/v1/account/balance', status: 200 }]);
    await expectClean(tab);
  });

  it('(control) the in-page record does see violations, an uncaught error and an unhandled rejection', async () => {
    withStrictCsp();
    const tab = await engine.open(`${site.origin}/balance.html`);
    await waitFor(tab, () => document.getElementById('balance')?.dataset.state === 'loaded');
    const sink = await tab.evaluate(() => {
      setTimeout(() => {
        throw new Error('thrown on purpose');
      });
      void Promise.reject(new Error('rejected on purpose'));
      void fetch('/page.css').catch(() => undefined); // connect-src lists only the API
      try {
        document.body.innerHTML = '<b>markup</b>';
        return 'no error';
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(sink).toBe('TypeError'); // Trusted Types are enforced in this engine
    await waitFor(tab, () => (window as unknown as { __statesetWatch: { violations: unknown[] } }).__statesetWatch.violations.length >= 2);
    const seen = await record(tab);
    expect(seen.violations.map((v) => v.directive).sort()).toEqual(['connect-src', 'require-trusted-types-for']);
    expect(seen.errors.sort()).toEqual(['uncaught Error: thrown on purpose', 'unhandled rejection Error: rejected on purpose']);
    // What the engine reports itself, where it can: Firefox gives the CSP blocks as page errors, Chromium as console errors.
    if (engine.name === 'webkit') expect(tab.engineErrors).toBeUndefined();
    else expect(tab.engineErrors!.join('\n')).toMatch(engine.name === 'firefox' ? /Content-Security-Policy.*require-trusted-types-for/ : /TrustedHTML/);
  });

  it('five widgets under script-src \'self\' + Trusted Types: one request, 0 violations; the sk_ widget refuses and nothing carries it', async () => {
    withStrictCsp();
    const tab = await engine.open(`${site.origin}/widgets.html`);
    await waitFor(tab, () => {
      const all = [...document.querySelectorAll('stateset-balance')];
      return all.length === 6 && all.every((w) => /^(loaded|error)$/.test(w.getAttribute('state') ?? ''));
    });
    const widgets = await tab.evaluate(() =>
      [...document.querySelectorAll('stateset-balance')].map((host) => ({
        id: host.id,
        state: host.getAttribute('state'),
        code: host.getAttribute('error-code'),
        amount: host.shadowRoot?.querySelector('[part~="amount"]')?.textContent ?? '',
        status: host.shadowRoot?.querySelector('[role="status"]')?.textContent ?? '',
        // Styled through adopted stylesheets, which the CSP allows where a <style> would be refused.
        weight: Number(getComputedStyle(host.shadowRoot?.querySelector('[part~="amount"]') ?? host).fontWeight),
      })));
    const balance = accountBalance(KEY, undefined);
    const digits = (currency: string): string =>
      Number(balance.available.find((m) => m.currency === currency)!.amount).toFixed(2).replace(/\D/g, '');
    for (const w of widgets.filter((w) => w.id !== 'secret')) {
      expect(w, w.id).toMatchObject({ state: 'loaded', code: null });
      expect(w.amount.replace(/\D/g, ''), w.id).toBe(digits(w.id === 'w2' ? 'usdc' : 'ssusd'));
      expect(w.weight, w.id).toBeGreaterThan(400);
    }
    expect(widgets.map((w) => w.id)).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'secret']);
    const refused = widgets.find((w) => w.id === 'secret')!;
    expect(refused).toMatchObject({ state: 'error', code: 'secret_key_refused' });
    expect(refused.status).not.toContain(SECRET);
    expect(calls(api.requests)).toMatchObject([{ method: 'GET', path: '/v1/account/balance', status: 200 }]);
    expect(carryingSecrets(api.requests)).toEqual([]);
    const seen = await expectClean(tab, [/stateset-balance/]); // the refusal's one console.error, on purpose
    expect(seen.consoleErrors[0]).not.toContain(SECRET);
  });

  it('a refused sk_ key sends nothing at all: not from createClient, not from a widget', async () => {
    const tab = await lab(await engine.open());
    const outcome = await tab.evaluate(async (secret) => {
      const { createClient } = (window as unknown as LabWindow).stateset;
      let client: string;
      try {
        createClient({ publishableKey: secret });
        client = 'created';
      } catch (error) {
        client = `${(error as Error).name} ${(error as { code: string }).code}`;
      }
      const loader = document.createElement('script'); // the widget loader, as a page would add it
      loader.type = 'module';
      loader.src = '/cdn/widget.js';
      document.head.append(loader);
      await customElements.whenDefined('stateset-balance');
      const widget = document.createElement('stateset-balance');
      widget.setAttribute('publishable-key', secret);
      document.body.append(widget);
      await new Promise((resolve) => widget.addEventListener('stateset:error', resolve, { once: true }));
      return { client, widget: `${widget.getAttribute('state')} ${widget.getAttribute('error-code')}`, text: document.body.innerText };
    }, SECRET);
    expect(outcome).toMatchObject({ client: 'SecretKeyError secret_key_refused', widget: 'error secret_key_refused' });
    expect(outcome.text).not.toContain(SECRET);
    expect(api.requests).toEqual([]); // not even a preflight
    await expectClean(tab, [/stateset-balance/]);
  });

  type TabWindow = LabWindow & { client: Client; pending?: Promise<Balance>; posted: number; received: number };

  /**
   * Two tabs of one context (one origin, one storage partition), each with its own client. Each tab
   * counts the BroadcastChannel messages it posts and receives, so a test can wait until everything one
   * tab sent has reached the other (an event, not a sleep).
   */
  async function twoTabs(shared: boolean): Promise<[Tab, Tab]> {
    const context = await engine.newContext();
    const tabs = [await context.newTab(), await context.newTab()] as const;
    for (const tab of tabs) {
      await lab(tab);
      await tab.evaluate(({ apiBase, shared }) => {
        const w = window as unknown as TabWindow;
        w.posted = w.received = 0;
        const Native = BroadcastChannel;
        globalThis.BroadcastChannel = class extends Native {
          constructor(name: string) {
            super(name);
            this.addEventListener('message', () => void w.received++);
          }
          override postMessage(message: unknown): void {
            w.posted++;
            super.postMessage(message);
          }
        };
        const { createClient, crossTab } = w.stateset;
        w.client = createClient({ publishableKey: 'pk_test_enginesTabs1', apiBase, ...(shared && { share: crossTab() }) });
      }, { apiBase: api.url, shared });
    }
    return [...tabs];
  }
  const balanceIn = (tab: Tab): Promise<Balance> =>
    tab.evaluate(() => {
      const w = window as unknown as TabWindow;
      return w.stateset.getBalance(w.client);
    });
  /** Waits until `to` has received every message `from` posted so far. */
  async function delivered(from: Tab, to: Tab): Promise<void> {
    const posted = await from.evaluate(() => (window as unknown as TabWindow).posted);
    expect(posted).toBeGreaterThan(0);
    await waitFor(to, (n) => (window as unknown as TabWindow).received >= n, posted);
  }

  it('two tabs with crossTab(): the second reads the first one\'s answer, one request', async () => {
    const [first, second] = await twoTabs(true);
    const one = await balanceIn(first);
    await delivered(first, second);
    expect(await balanceIn(second)).toEqual(one);
    expect(calls(api.requests)).toHaveLength(1);
    await expectClean(first);
    await expectClean(second);
  });

  it('two tabs with crossTab(): asking while the other tab\'s request is in flight waits for it, one request', async () => {
    api.fault({ path: '/v1/account/balance', delay: 1_000, times: 1 });
    const [first, second] = await twoTabs(true);
    await first.evaluate(() => {
      const w = window as unknown as TabWindow;
      w.pending = w.stateset.getBalance(w.client);
    });
    await expect.poll(() => calls(api.requests).length).toBe(1); // the first tab's request is out
    await delivered(first, second); // and the second tab knows it started
    expect(calls(api.requests)[0]!.status, 'the first tab\'s request is still in flight').toBe(0);
    const two = await balanceIn(second);
    const one = await first.evaluate(() => (window as unknown as TabWindow).pending);
    expect(two).toEqual(one);
    expect(calls(api.requests)).toHaveLength(1);
    await expectClean(second);
  });

  it('(control) two tabs without crossTab(): a request each', async () => {
    const [first, second] = await twoTabs(false);
    await balanceIn(first);
    await balanceIn(second);
    expect(calls(api.requests, '/v1/account/balance')).toHaveLength(2);
    expect(await first.evaluate(() => (window as unknown as TabWindow).posted)).toBe(0);
  });

  it('the Free plan (10/s, burst 20) with the client\'s defaults: a burst of 32 distinct calls, 0 × 429', async () => {
    api.setOptions({ plan: 'free', exposeHeaders: false }); // hidden headers: the client's own pacing is all that holds
    const tab = await lab(await engine.open());
    const n = 32;
    const outcome = await tab.evaluate(async ({ apiBase, n }) => {
      const { createClient, listProducts } = (window as unknown as LabWindow).stateset;
      const client = createClient({ publishableKey: 'pk_test_enginesFree1', apiBase } satisfies ClientOptions);
      const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => listProducts(client, { limit: i + 1 })));
      return settled.map((s) => (s.status === 'fulfilled' ? `ok ${s.value.data.length}` : `${s.reason.name} ${s.reason.code}`));
    }, { apiBase: api.url, n });
    expect(outcome).toEqual(Array.from({ length: n }, (_, i) => `ok ${i + 1}`));
    const sent = calls(api.requests, '/v1/products');
    expect(new Set(sent.map((r) => r.url)).size).toBe(n);
    expect(sent.filter((r) => r.status !== 200)).toEqual([]); // not one 429, retried or not
    await expectClean(tab);
  });
});
