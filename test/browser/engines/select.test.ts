// @vitest-environment node
// Which engines the browser suite runs, and that a missing one stops the run instead of being skipped.
// Part of `npm test` (no browser is started here).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEngines } from './launch.js';
import { ENGINES, missingEngines, selectedEngines } from './select.js';

afterEach(() => void vi.unstubAllEnvs());

describe('STATESET_ENGINES', () => {
  it('unset or empty: all three engines', () => {
    expect(selectedEngines({})).toEqual(['chromium', 'firefox', 'webkit']);
    expect(selectedEngines({ STATESET_ENGINES: ' ' })).toEqual([...ENGINES]);
  });

  it('a list picks engines, in the suite\'s order, whatever the case and spacing', () => {
    expect(selectedEngines({ STATESET_ENGINES: 'firefox' })).toEqual(['firefox']);
    expect(selectedEngines({ STATESET_ENGINES: ' WebKit , chromium,' })).toEqual(['chromium', 'webkit']);
  });

  it('an unknown name is an error naming it and the valid ones, not a smaller run', () => {
    expect(() => selectedEngines({ STATESET_ENGINES: 'firefox,safari' })).toThrow(/"safari".*chromium, firefox, webkit/);
    expect(() => selectedEngines({ STATESET_ENGINES: ',' })).toThrow(/STATESET_ENGINES/);
  });
});

describe('a selected engine that is not installed', () => {
  const nothing = (): boolean => false;

  it('is reported with the Debian package to install and the variable to set', () => {
    const [firefox, ...more] = missingEngines(['firefox'], { FIREFOX_PATH: '/nowhere/firefox' }, nothing);
    expect(more).toEqual([]);
    expect(firefox).toMatch(/^firefox: nothing at \/nowhere\/firefox\. Install Debian's firefox-esr .*FIREFOX_PATH/);
    expect(missingEngines(['chromium'], {}, nothing)).toEqual([expect.stringMatching(/\/usr\/bin\/chromium.*apt-get install -y chromium\b/)]);
  });

  it('WebKit needs its driver, the MiniBrowser and, without a display, xvfb-run', () => {
    expect(missingEngines(['webkit'], {}, nothing).map((m) => m.match(/Debian's (\S+)/)?.[1])).toEqual(['webkit2gtk-driver', 'webkit2gtk-driver', 'xvfb']);
    expect(missingEngines(['webkit'], { DISPLAY: ':0' }, nothing)).toHaveLength(2);
    expect(missingEngines(['webkit'], {}, (path) => path !== '/usr/bin/xvfb-run')).toEqual([expect.stringMatching(/^webkit: nothing at \/usr\/bin\/xvfb-run/)]);
  });

  it('only the selected engines are looked for', () => {
    expect(missingEngines(['chromium'], {}, (path) => path === '/usr/bin/chromium')).toEqual([]);
    expect(missingEngines(['chromium', 'firefox'], {}, (path) => path === '/usr/bin/chromium')).toHaveLength(1);
  });

  it('fails the global setup before any browser starts', async () => {
    vi.stubEnv('FIREFOX_PATH', '/nowhere/firefox-esr');
    await expect(startEngines(['firefox'])).rejects.toThrow(/Cannot run the browser suite:\n {2}firefox: nothing at \/nowhere\/firefox-esr/);
  });
});
