/**
 * Scenario 4: the widget loader (`dist/cdn/widget.js`) with five `<stateset-balance>` elements and a
 * sixth given a secret key by mistake (what each shows, its events, an rk_ key too). The same page under the
 * strict CSP of scenario 2 runs in every engine (engines/storefront.browser.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountBalance } from '../../src/testing/data.js';
import { startStandIn, type StandIn } from '../../src/testing/server.js';
import { calls, carryingSecrets, openPage, screenshot, secretKey } from './harness.js';
import { cdnDir, pagesDir } from './paths.js';
import { startSite, type Site } from './site.js';

const KEY = 'pk_test_widgetPage1';
const SECRET = secretKey();

let api: StandIn;
let site: Site;

beforeAll(async () => {
  api = await startStandIn();
  site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir }, vars: { API_BASE: api.url, KEY, SECRET_KEY: SECRET } });
});
afterAll(async () => {
  await Promise.all([api?.close(), site?.close()]);
});
beforeEach(() => {
  api.reset();
  site.headers = [];
});

interface Shown {
  id: string;
  state: string | null;
  errorCode: string | null;
  /** The shadow root's `role="status"` region: what a screen reader announces. */
  status: string;
  amount: string;
  label: string;
}

/** Opens widgets.html and waits until no widget is loading; returns what each one shows. */
async function loadWidgets() {
  const watched = await openPage();
  const { page } = watched;
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __events: string[] }).__events = []);
    for (const type of ['stateset:load', 'stateset:error']) {
      document.addEventListener(type, (event) => seen.push(`${(event.target as Element).id} ${type}`));
    }
  });
  await page.goto(`${site.origin}/widgets.html`);
  await page.waitForFunction(() => {
    const all = [...document.querySelectorAll('stateset-balance')];
    return all.length === 6 && all.every((w) => /^(loaded|error)$/.test(w.getAttribute('state') ?? ''));
  });
  const widgets: Shown[] = [];
  for (const host of await page.locator('stateset-balance').all()) {
    const status = host.getByRole('status');
    widgets.push({
      id: (await host.getAttribute('id')) ?? '',
      state: await host.getAttribute('state'),
      errorCode: await host.getAttribute('error-code'),
      status: (await status.textContent()) ?? '',
      amount: (await host.locator('[part~="amount"]').count()) ? ((await host.locator('[part~="amount"]').textContent()) ?? '') : '',
      label: (await host.locator('[part~="label"]').textContent()) ?? '',
    });
  }
  const events = await page.evaluate(() => (window as unknown as { __events: string[] }).__events);
  return { ...watched, widgets, events };
}

describe('scenario 4: the widget loader with five widgets and one secret key', () => {
  it('renders all five from one balance request; the secret-key widget shows its error and nothing carries a secret', async () => {
    const { page, widgets, events, consoleErrors, pageErrors } = await loadWidgets();
    await screenshot(page, 'widgets');
    const byId = Object.fromEntries(widgets.map((w) => [w.id, w]));
    const balance = accountBalance(KEY, undefined);
    const digits = (amount: number | string): string => Number(amount).toFixed(2).replace(/\D/g, '');
    const ssusd = digits(balance.available.find((m) => m.currency === 'ssusd')!.amount);
    const usdc = digits(balance.available.find((m) => m.currency === 'usdc')!.amount);

    for (const id of ['w1', 'w2', 'w3', 'w4', 'w5']) {
      expect(byId[id], id).toMatchObject({ state: 'loaded', errorCode: null });
      expect(byId[id]!.amount.replace(/\D/g, ''), id).toBe(id === 'w2' ? usdc : ssusd);
      expect(byId[id]!.status, id).toContain(byId[id]!.amount);
    }
    expect(byId.w2!.status).toMatch(/USDC/);
    expect(byId.w3!.amount).toMatch(/\d,\d\d/); // de-DE decimal comma
    expect(byId.w1!.amount).toMatch(/\d\.\d\d/);
    expect(byId.w5!.label).toBe('Store credit');

    const refused = byId.secret!;
    expect(refused).toMatchObject({ state: 'error', errorCode: 'secret_key_refused' });
    expect(refused.status.length).toBeGreaterThan(0);
    expect(refused.status).not.toContain(SECRET);
    expect(events.sort()).toEqual(['secret stateset:error', ...['w1', 'w2', 'w3', 'w4', 'w5'].map((id) => `${id} stateset:load`)]);

    expect(calls(api.requests)).toHaveLength(1);
    expect(calls(api.requests, '/v1/account/balance')).toHaveLength(1);
    expect(carryingSecrets(api.requests)).toEqual([]);
    expect(api.requests.length).toBeGreaterThan(0); // the check above looked at real traffic
    // One console.error naming the problem, with at most the key's prefix.
    expect(consoleErrors).toHaveLength(1);
    expect(consoleErrors[0]).toMatch(/stateset-balance/);
    expect(consoleErrors[0]).not.toContain(SECRET);
    expect(pageErrors).toEqual([]);
    // Nothing else in the page holds the secret in rendered text either.
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('sk_');
  });

  it('an rk_ key is refused the same way, sending nothing', async () => {
    site.vars.SECRET_KEY = secretKey('rk');
    try {
      const { widgets } = await loadWidgets();
      expect(widgets.find((w) => w.id === 'secret')).toMatchObject({ state: 'error', errorCode: 'secret_key_refused' });
      expect(carryingSecrets(api.requests)).toEqual([]);
      expect(calls(api.requests)).toHaveLength(1);
    } finally {
      site.vars.SECRET_KEY = SECRET;
    }
  });
  // (Under the strict CSP with Trusted Types, zero violations: in every engine, engines/storefront.browser.ts.)
});
