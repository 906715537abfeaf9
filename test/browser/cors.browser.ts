/**
 * Scenario 6: the API answers without CORS headers (a misconfigured proxy, or this origin not allowed).
 * The browser blocks the call after the preflight; the client reports it as a `NetworkError` that
 * names CORS, and the widget shows its error state.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../../src/testing/server.js';
import { calls, openPage } from './harness.js';
import { cdnDir, pagesDir } from './paths.js';
import { startSite, type Site } from './site.js';

let api: StandIn;
let site: Site;

beforeAll(async () => {
  api = await startStandIn({ cors: false });
  site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir }, vars: { API_BASE: api.url, KEY: 'pk_test_corsPage1', SECRET_KEY: 'pk_test_corsPage1' } });
});
afterAll(async () => {
  await Promise.all([api?.close(), site?.close()]);
});
beforeEach(() => api.reset());

describe('scenario 6: the API answers without CORS headers', () => {
  it('the call rejects with NetworkError (network_error) whose message mentions CORS', async () => {
    const { page, consoleErrors } = await openPage();
    await page.goto(`${site.origin}/balance.html`);
    const out = page.locator('#balance:not([data-state="loading"])');
    await out.waitFor();
    expect(await out.getAttribute('data-state')).toBe('error');
    expect(await out.getAttribute('data-name')).toBe('NetworkError');
    expect(await out.getAttribute('data-code')).toBe('network_error');
    expect(await out.textContent()).toMatch(/CORS/);
    // The browser itself refused: the preflight reached the stand-in, the GET never did.
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.every((r) => r.method === 'OPTIONS')).toBe(true);
    expect(consoleErrors.join('\n')).toMatch(/CORS policy/);
  });

  it('the widgets show their error state with error-code="network_error"', async () => {
    const { page } = await openPage();
    await page.goto(`${site.origin}/widgets.html`);
    await page.waitForFunction(() => [...document.querySelectorAll('stateset-balance')].every((w) => w.getAttribute('state') === 'error'));
    const codes = await page.locator('stateset-balance').evaluateAll((all) => all.map((w) => w.getAttribute('error-code')));
    expect(codes).toEqual(Array(6).fill('network_error'));
    expect(await page.locator('#w1').getByRole('status').textContent()).toMatch(/reach/i);
    expect(calls(api.requests)).toEqual([]);
  });
});
