#!/usr/bin/env node
/** The `stateset-guard` executable (compiled to `dist/build-guard/cli.js`). See `run-cli.ts`. */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
