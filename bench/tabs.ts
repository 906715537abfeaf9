/**
 * `npm run bench -- 8 9`: tabs of one origin sharing one key with `crossTab()`, in a real browser (Chromium; the
 * engines `STATESET_ENGINES` names when it is set). Each tab is the lab page with the CDN build (`dist/cdn/`, built
 * first when missing or stale) and a client of its own, driven through the browser suite's engine layer and its tab
 * helpers (test/browser/engines/tabs.ts, which the tab scenarios of every engine use too).
 *
 * 8. 5 tabs × 60 distinct list calls at once: 429s, failed calls, elapsed vs the plan's minimum for 300 calls.
 * 9. 5 tabs × the same 60 URLs at the same instant: GETs sent, failed calls.
 */
import type { StandIn } from '../src/testing/server.js';
import { connectEngine, startEngines } from '../test/browser/engines/launch.js';
import { selectedEngines, type EngineName } from '../test/browser/engines/select.js';
import { askTogether, distinct, openTabs, same, type Outcome } from '../test/browser/engines/tabs.js';
import { ensureBuild } from '../test/browser/global-setup.js';
import { cdnDir, pagesDir } from '../test/browser/paths.js';
import { startSite } from '../test/browser/site.js';

export interface TabRow {
  engine: EngineName;
  scenario: '8' | '9';
  gets: number;
  limited: number;
  failed: number;
  /** Ms from the start to the last tab's last answer. */
  elapsed: number;
}

/** Runs the wanted tab scenarios against `api` (the Free plan enforced), a fresh key each. */
export async function measureTabs(api: StandIn, nextKey: () => string, wanted: Array<'8' | '9'>): Promise<TabRow[]> {
  const engines = process.env.STATESET_ENGINES ? selectedEngines() : (['chromium'] as EngineName[]);
  if (!process.env.STATESET_CDN_DIR) ensureBuild();
  const site = await startSite({ mounts: { '/': pagesDir, '/cdn/': cdnDir } });
  const running = await startEngines(engines);
  const rows: TabRow[] = [];
  try {
    for (const engine of engines) {
      const driver = await connectEngine(engine, running.endpoints[engine]!);
      try {
        for (const scenario of wanted) {
          const context = await driver.newContext();
          try {
            const tabs = await openTabs(context, 5, { origin: site.origin, apiBase: api.url, publishableKey: nextKey(), crossTab: true });
            api.reset();
            const outcomes: Outcome[] = await askTogether(tabs, scenario === '8' ? distinct(5, 60) : same(5, 60), 120_000);
            const gets = api.requests.filter((sent) => sent.method === 'GET');
            rows.push({
              engine,
              scenario,
              gets: gets.length,
              limited: gets.filter((sent) => sent.status === 429).length,
              failed: outcomes.reduce((sum, { failed }) => sum + failed, 0),
              elapsed: Math.max(...outcomes.map(({ elapsed }) => elapsed)),
            });
          } finally {
            await context.close();
          }
        }
      } finally {
        await driver.disconnect();
      }
    }
  } finally {
    await running.stop();
    await site.close();
  }
  return rows;
}
