/** The lab page (`pages/lab.html`): the CDN build's exports on `window.stateset`, for tests that drive it. */
import type { Page } from 'playwright-core';

export type Stateset = typeof import('../../src/index.js');
export type LabWindow = Window & { stateset: Stateset };

/** Opens the lab page and waits until the CDN build is on `window.stateset`. */
export async function openLab(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/lab.html`);
  await page.locator('html[data-ready]').waitFor();
}
