#!/usr/bin/env node
/** The `stateset-stand-in` executable (compiled to `dist/testing/cli.js`). See `run-cli.ts`. */
import { runCli } from './run-cli.js';

const result = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, process.env);
if (typeof result === 'number') {
  process.exitCode = result;
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void result.close().then(() => console.log('stopped'));
    });
  }
}
