// @vitest-environment node
/**
 * `npm run demo` as a user runs it, stopped as a user (or a process manager) stops it: the signal goes
 * to npm's process only, and nothing may keep holding the demo's or the stand-in API's port.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { root } from '../scripts/bundles.js';

/** Resolves `true` when something accepts connections on `url`'s port, `false` on ECONNREFUSED. */
const listening = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function startNpmDemo() {
  // Port 0 is not an option of the script: the demo falls back to free ports when 5173/4010 are taken.
  // In a process group of its own, so that the test can clean up whatever a failure leaves behind.
  const npm = spawn('npm', ['run', 'demo'], { cwd: root, detached: true, env: { ...process.env, DEMO_NO_BUILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (chunk) => (output += chunk));
  npm.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(npm, 'exit');
  for (const started = Date.now(); !/storefront: (http\S+)/.test(output); ) {
    if (npm.exitCode !== null || Date.now() - started > 60_000) throw new Error(`the demo did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /storefront: (http\S+)/.exec(output)![1]!;
  const page = await (await fetch(url)).text();
  const api = /http:\/\/127\.0\.0\.1:\d+\/v1/.exec(page)?.[0];
  expect(api, 'the page names the stand-in API').toBeDefined();
  return { npm, url, api: api!, exited };
}

describe('npm run demo', () => {
  it.concurrent.each(['SIGTERM', 'SIGINT'] as const)('stops its servers when npm alone gets %s', async (signal) => {
    const { npm, url, api, exited } = await startNpmDemo();
    try {
      expect(await listening(url)).toBe(true);
      expect(await listening(api)).toBe(true);
      npm.kill(signal);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      expect(npm.exitCode ?? npm.signalCode, 'npm exited').not.toBeNull();
      // The demo may finish closing just after npm exits: give it the 3 s it allows itself.
      for (const started = Date.now(); ((await listening(url)) || (await listening(api))) && Date.now() - started < 5_000; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await listening(url), 'the demo site').toBe(false);
      expect(await listening(api), 'the stand-in API').toBe(false);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL'); // whatever is left of the group (nothing, when the test passes)
      } catch {}
    }
  }, 90_000);
});
