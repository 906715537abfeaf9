/**
 * Starts the selected engines once per run (called by the global setup) and stops them afterwards:
 * Chromium as a playwright server, Firefox through puppeteer-core (then disconnected, so each test file
 * opens its own BiDi session), WebKitWebDriver under xvfb-run (each context is a session of it).
 * Only Debian's installed browsers are used; nothing is ever downloaded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { chromiumArgs } from '../paths.js';
import { connectChromium } from './chromium.js';
import type { Driver } from './driver.js';
import { connectFirefox } from './firefox.js';
import { enginePaths, missingEngines, type EngineName } from './select.js';
import { connectWebKit } from './webkit.js';

export interface Endpoints {
  chromium?: string;
  firefox?: string;
  webkit?: string;
}

export interface Running {
  endpoints: Endpoints;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** WebKitWebDriver on a free port, under xvfb-run when there is no display; resolves once /status says ready. */
async function startWebKitDriver(): Promise<{ url: string; child: ChildProcess }> {
  const paths = enginePaths();
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const driver = [paths.webkitDriver, `--port=${port}`];
    // -a picks a free display number; two runs starting at once may pick the same one, hence the retries.
    const [command, ...args] = process.env.DISPLAY ? driver : [paths.xvfbRun, '-a', '-s', '-screen 0 1280x1024x24', ...driver];
    const child = spawn(command!, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const ready = await fetch(`${url}/status`).then((r) => r.json() as Promise<{ value?: { ready?: boolean } }>, () => undefined);
      if (ready?.value?.ready) return { url, child };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    lastError = `exit code ${child.exitCode}, stderr: ${stderr.trim() || '(empty)'}`;
    stopGroup(child);
  }
  throw new Error(`WebKitWebDriver did not start (${lastError}).`);
}

/** Ends a detached child and everything it started (xvfb-run: Xvfb, the driver, MiniBrowsers). */
function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return Promise.resolve();
  }
  return exited;
}

export async function startEngines(engines: readonly EngineName[]): Promise<Running> {
  const missing = missingEngines(engines);
  if (missing.length) throw new Error(`Cannot run the browser suite:\n  ${missing.join('\n  ')}`);
  const paths = enginePaths();
  const endpoints: Endpoints = {};
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => void (await Promise.allSettled(stops.map((s) => s())));
  try {
    await Promise.all(engines.map(async (engine) => {
      if (engine === 'chromium') {
        const server = await chromium.launchServer({ executablePath: paths.chromium, headless: true, args: chromiumArgs });
        stops.push(() => server.close());
        endpoints.chromium = server.wsEndpoint();
      } else if (engine === 'firefox') {
        const browser = await puppeteer.launch({ browser: 'firefox', executablePath: paths.firefox, headless: true, timeout: 90_000 });
        const process = browser.process();
        endpoints.firefox = browser.wsEndpoint();
        await browser.disconnect(); // Firefox allows one BiDi session at a time: the test files take turns
        stops.push(async () => {
          const again = await puppeteer.connect({ browserWSEndpoint: endpoints.firefox!, protocol: 'webDriverBiDi' }).catch(() => undefined);
          if (again) await again.close().catch(() => undefined);
          if (process && process.exitCode === null && process.signalCode === null) {
            const exited = new Promise((resolve) => process.once('exit', resolve));
            process.kill('SIGTERM');
            await exited;
          }
        });
      } else {
        const { url, child } = await startWebKitDriver();
        stops.push(() => stopGroup(child));
        endpoints.webkit = url;
      }
    }));
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, stop };
}

/** A connection to the engine `startEngines` started at `endpoint`, through that engine's driver. */
export function connectEngine(name: EngineName, endpoint: string): Promise<Driver> {
  return name === 'chromium' ? connectChromium(endpoint) : name === 'firefox' ? connectFirefox(endpoint) : connectWebKit(endpoint);
}
