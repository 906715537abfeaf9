#!/usr/bin/env node
/**
 * `stateset-edge`: the edge on Node, from the command line.
 *   stateset-edge [--upstream URL] [--port 8787] [--host 127.0.0.1] [--plan free|starter|growth]
 *                 [--allowed-origin ORIGIN]… [--key pk_…]… [--base-path /v1] [--client-ip socket|HEADER]
 * Prints the URL it listens on (give it to the client as `apiBase`). Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { plans } from '../pace.js';
import { listen } from './node/index.js';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    plan: { type: 'string', default: 'free' },
    'allowed-origin': { type: 'string', multiple: true, default: [] },
    key: { type: 'string', multiple: true },
    'base-path': { type: 'string' },
    'client-ip': { type: 'string' },
  },
});

const fail = (message: string): never => {
  console.error(`stateset-edge: ${message}`);
  process.exit(1);
};
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be 0 to 65535; got ${values.port}.`);
if (!(values.plan in plans)) fail(`--plan must be one of ${Object.keys(plans).join(', ')}; got ${values.plan}.`);

try {
  const edge = await listen({
    port, host: values.host, plan: values.plan as keyof typeof plans, upstream: values.upstream,
    allowedOrigins: values['allowed-origin'], publishableKeys: values.key, basePath: values['base-path'], clientIp: values['client-ip'],
  });
  console.log(`StateSet edge: ${edge.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void edge.close().then(() => process.exit(0)));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
