/**
 * `stateset-stand-in`: the stand-in API from the command line. The logic lives here so tests can run
 * it in-process; `cli.ts` is the executable.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { FAULT_SPEC_HELP, parseFault } from './fault-spec.js';
import { PLANS, startStandIn, type Fault, type StandIn, type StandInOptions } from './server.js';

export const USAGE = `Usage: stateset-stand-in [options]

Serves a local stand-in of the StateSet API (test data, the API's error bodies, CORS, rate limits)
on loopback and prints its base URL, e.g. http://127.0.0.1:4010/v1. Ctrl+C stops it.

Options:
  --port <n>            port (default: $PORT or 4010; 0 picks a free one)
  --host <addr>         address to listen on (default 127.0.0.1)
  --plan <name>         enforce a plan's rate limits: free, starter or growth (default: none)
  --fault <spec>        inject a fault (repeatable; the first matching one wins), see below
  --latency <ms>        delay every answer by <ms>, or by MIN-MAX drawn from --seed (default 0)
  --seed <n>            seed of latency ranges and N% faults (default 1)
  --no-expose-headers   leave out Access-Control-Expose-Headers (pages cannot read rate-limit headers)
  --cache-headers       send Cache-Control: private, max-age=<TTL>, ETag, and 304 on a matching If-None-Match
  -h, --help            show this help

${FAULT_SPEC_HELP}`;

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The stand-in options a command line asks for; throws a `ConfigError` (`invalid_option`) on bad input. */
export function parseCliArgs(args: readonly string[], env: Record<string, string | undefined> = {}): StandInOptions & { help: boolean } {
  const usage = (message: string, cause?: unknown) =>
    new ConfigError('invalid_option', `${message} Run stateset-stand-in --help for the options.`, cause === undefined ? undefined : { cause });
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        plan: { type: 'string' },
        fault: { type: 'string', multiple: true },
        latency: { type: 'string' },
        seed: { type: 'string' },
        'no-expose-headers': { type: 'boolean', default: false },
        'cache-headers': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw usage(`${(error as Error).message.replace(/\n[\s\S]*/, '')}`, error);
  }
  const { values } = parsed;

  const portText = values.port ?? env.PORT ?? '4010';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw usage(`Invalid --port '${portText}': use a port number from 0 to 65535.`);

  const plan = values.plan;
  if (plan !== undefined && !Object.hasOwn(PLANS, plan)) throw usage(`Unknown --plan '${plan}': use one of ${Object.keys(PLANS).join(', ')}.`);

  let latency: StandInOptions['latency'] = 0;
  if (values.latency !== undefined) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(values.latency);
    if (!range || (range[2] !== undefined && Number(range[2]) < Number(range[1]))) {
      throw usage(`Invalid --latency '${values.latency}': use milliseconds (50) or a range (20-200).`);
    }
    latency = range[2] === undefined ? Number(range[1]) : { min: Number(range[1]), max: Number(range[2]) };
  }

  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(seed)) throw usage(`Invalid --seed '${values.seed}': use an integer.`);

  const faults: Fault[] = (values.fault ?? []).map(parseFault);
  return {
    port,
    host: values.host ?? '127.0.0.1',
    plan: (plan as keyof typeof PLANS | undefined) ?? false,
    exposeHeaders: !values['no-expose-headers'],
    cacheHeaders: values['cache-headers'],
    latency,
    seed,
    faults,
    help: values.help,
  };
}

/** Runs the CLI: prints the URL once listening and resolves with the running stand-in, or with an exit code on a usage error. */
export async function runCli(args: readonly string[], io: CliIO, env: Record<string, string | undefined> = {}): Promise<StandIn | number> {
  let options: ReturnType<typeof parseCliArgs>;
  try {
    options = parseCliArgs(args, env);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { help: _help, ...standInOptions } = options;
  const standIn = await startStandIn(standInOptions);
  const faults = options.faults?.length ?? 0;
  io.stdout.write(`StateSet stand-in API: ${standIn.url}\n`);
  io.stdout.write(`ready (plan: ${options.plan || 'unlimited'}, latency: ${typeof options.latency === 'object' ? `${options.latency.min}-${options.latency.max}` : options.latency} ms, faults: ${faults}); Ctrl+C to stop\n`);
  return standIn;
}
