/**
 * Smoke test and screenshot of the demo in Chromium: `npx tsx demo/screenshot.ts` (needs /usr/bin/chromium).
 * Opens each page, checks it rendered, that the only console error is the widget page's intentional refusal,
 * that the hostile product name stayed text, and that paging works; writes demo/screenshot.png.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startDemo } from './server.js';

const out = fileURLToPath(new URL('screenshot.png', import.meta.url));
/** The other pages' screenshots, for a look: not committed. */
const extra = (name: string) => join(tmpdir(), `stateset-demo-${name}.png`);
const demo = await startDemo({ port: 0, apiPort: 0, log: () => {} });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const problems: string[] = [];
const check = (ok: boolean, what: string) => { if (!ok) problems.push(what); };

async function open(path: string, width = 1280): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => { errors.push(`dialog: ${dialog.message()}`); void dialog.dismiss(); });
  await page.goto(new URL(path, demo.url).href);
  return { page, errors };
}
const settled = () => [...document.querySelectorAll('stateset-balance')].every((w) => /^(loaded|error)$/.test(w.getAttribute('state') ?? ''));

try {
  {
    const { page, errors } = await open('/');
    await page.locator('#products .product').first().waitFor();
    await page.waitForFunction(() => !document.getElementById('credit')!.textContent!.startsWith('…'));
    check((await page.locator('#products .product').count()) === 8, 'storefront: 8 products');
    check(/\$[\d,]+\.\d\d SSUSD/.test((await page.locator('#credit').textContent()) ?? ''), 'storefront: store credit shown');
    check(errors.length === 0, `storefront console errors: ${errors.join(' | ')}`);
    await page.screenshot({ path: extra('storefront'), fullPage: true });
  }
  {
    const { page, errors } = await open('/spa.html');
    await page.locator('#products .product').first().waitFor();
    const names = await page.locator('#products h3').allTextContents();
    check(names.some((name) => name.includes('<img src=x onerror=alert(1)>')), 'spa: hostile name shown as text');
    check((await page.locator('#products img').count()) === 0, 'spa: no injected <img>');
    const first = names[0];
    await page.click('#next');
    await page.waitForFunction(() => document.getElementById('page-status')!.textContent!.startsWith('Page 2'));
    await page.click('#previous');
    await page.waitForFunction(() => document.getElementById('page-status')!.textContent!.startsWith('Page 1'));
    check((await page.locator('#products h3').first().textContent()) === first, 'spa: previous returns to the first page');
    await page.waitForFunction(settled);
    check(errors.length === 0, `spa console errors: ${errors.join(' | ')}`);
    await page.screenshot({ path: extra('spa'), fullPage: true });
  }
  {
    const { page, errors } = await open('/widgets.html');
    await page.waitForFunction(settled);
    await page.waitForFunction(() => document.getElementById('requests')!.textContent !== '0');
    const states = await page.locator('stateset-balance').evaluateAll((all) => all.map((w) => `${w.getAttribute('state')}:${w.getAttribute('error-code') ?? ''}`));
    check(states.filter((s) => s === 'loaded:').length === 5 && states.includes('error:secret_key_refused'), `widgets: states ${states.join(', ')}`);
    check(errors.length === 1 && /stateset-balance.*sk_test_…/.test(errors[0]!) && !errors[0]!.includes('Oops'), `widgets: one refusal error, got ${errors.join(' | ')}`);
    check((await page.locator('#requests').textContent()) === '2', `widgets: 2 balance requests, got ${await page.locator('#requests').textContent()}`);
    await page.screenshot({ path: out, fullPage: true });
  }
  {
    const { page, errors } = await open('/widgets.html', 390);
    await page.waitForFunction(settled);
    check(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'widgets: no horizontal scroll on a phone');
    check(errors.length === 1, 'widgets (phone): one console error');
    await page.screenshot({ path: extra('phone'), fullPage: true });
  }
} finally {
  await browser.close();
  await demo.close();
}
if (problems.length) {
  console.error(`Demo check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`Demo check passed; screenshot: ${out} (other pages: ${extra('*')})`);
