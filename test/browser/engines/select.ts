/**
 * Which engines a browser run covers, and where each one is installed. No browser code here: the
 * Vitest config, the global setup and its unit test (select.test.ts, part of `npm test`) import it.
 *
 * `STATESET_ENGINES=firefox npm run test:browser` runs one engine (a comma-separated list runs
 * several); unset, it runs all three. `.ci/run` always runs all three. A selected engine that is
 * not installed is an error, never a skip: nothing stops running silently because a package went missing.
 */
import { existsSync } from 'node:fs';

export const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINES)[number];

/** The engines named in `STATESET_ENGINES` (all three when it is unset or empty). */
export function selectedEngines(env: NodeJS.ProcessEnv = process.env): EngineName[] {
  const raw = env.STATESET_ENGINES?.trim();
  if (!raw) return [...ENGINES];
  const names = raw.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !(ENGINES as readonly string[]).includes(name));
  if (unknown.length || !names.length) {
    throw new Error(`STATESET_ENGINES=${JSON.stringify(raw)}: unknown engine ${unknown.map((n) => JSON.stringify(n)).join(', ')}; use a comma-separated list of ${ENGINES.join(', ')}.`);
  }
  return ENGINES.filter((name) => names.includes(name));
}

/** Where each engine's programs are: Debian's packages, or the paths given in the environment. */
export function enginePaths(env: NodeJS.ProcessEnv = process.env) {
  return {
    chromium: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    firefox: env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    webkitDriver: env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver',
    miniBrowser: env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    xvfbRun: env.XVFB_RUN_PATH ?? '/usr/bin/xvfb-run',
  };
}

/**
 * Why the given engines cannot run here: one message per missing program, naming the Debian package
 * that provides it and the variable that points elsewhere. Empty when all are there.
 */
export function missingEngines(engines: readonly EngineName[], env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string[] {
  const paths = enginePaths(env);
  const need: Array<[EngineName, string, string, string]> = [
    ['chromium', paths.chromium, 'chromium', 'CHROMIUM_PATH'],
    ['firefox', paths.firefox, 'firefox-esr', 'FIREFOX_PATH'],
    ['webkit', paths.webkitDriver, 'webkit2gtk-driver', 'WEBKIT_DRIVER_PATH'],
    ['webkit', paths.miniBrowser, 'webkit2gtk-driver', 'MINIBROWSER_PATH'],
  ];
  // MiniBrowser needs an X display: xvfb-run gives it one; a desktop session already has one.
  if (!env.DISPLAY) need.push(['webkit', paths.xvfbRun, 'xvfb', 'XVFB_RUN_PATH']);
  return need
    .filter(([engine, path]) => engines.includes(engine) && !exists(path))
    .map(([engine, path, pkg, variable]) =>
      `${engine}: nothing at ${path}. Install Debian's ${pkg} (apt-get install -y ${pkg}), set ${variable}, ` +
      `or leave ${engine} out of STATESET_ENGINES.`);
}
