/**
 * Runs the stand-in API from the command line:
 *   tsx test/stand-in/cli.ts [--port 4010] [--host 127.0.0.1] [--plan free|starter|growth] [--no-expose-headers]
 * The port also comes from the PORT environment variable. Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { PLANS, startStandIn } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    plan: { type: 'string' },
    'no-expose-headers': { type: 'boolean', default: false },
  },
});

const port = Number(values.port ?? process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port: ${values.port ?? process.env.PORT}`);
  process.exit(1);
}
const plan = values.plan;
if (plan !== undefined && !(plan in PLANS)) {
  console.error(`Unknown plan '${plan}'; use one of: ${Object.keys(PLANS).join(', ')}.`);
  process.exit(1);
}

const standIn = await startStandIn({
  port,
  host: values.host ?? '127.0.0.1',
  plan: (plan as keyof typeof PLANS | undefined) ?? false,
  exposeHeaders: !values['no-expose-headers'],
});
console.log(`StateSet stand-in API: ${standIn.url}`);
console.log(`ready (plan: ${plan ?? 'unlimited'}, expose headers: ${values['no-expose-headers'] ? 'no' : 'yes'}); Ctrl+C to stop`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void standIn.close().then(() => console.log('stopped'));
  });
}
