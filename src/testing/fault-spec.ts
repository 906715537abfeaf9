/**
 * Fault specs, the short text form of a stand-in `Fault` that `stateset-stand-in --fault` takes (and
 * `faults`/`fault()` accept as well): `[METHOD] [PATH] WHAT... [xN] [N%]`, separated by spaces.
 */
import { ConfigError } from '../errors.js';
import type { Fault } from './server.js';

export const FAULT_SPEC_HELP = `A fault spec is [METHOD] [PATH] WHAT... [xN] [N%], for example
  'GET /account/balance 503 x2'   two 503s, then normal answers
  '/products 429 no-headers x20'  a storm of 20 bare 429s (no Retry-After, no X-RateLimit-*)
  '* 429 rate-limit-headers'      429s with Retry-After and X-RateLimit-Limit/Remaining/Reset
  '/products/* 200 html'          a proxy's HTML page; also malformed-json, empty
  '/account/balance drift-extra'  unknown fields added; drift-missing drops a required one
  'GET * stall 30%'               headers and half the body, then nothing, for 30% of requests
  '/account/balance close'        the socket closed without an answer
  '/products 2000ms 502 retry-after=3'
METHOD: GET, HEAD, POST... or * (default: any). PATH: relative to /v1 (or starting with /v1), * matches
one path segment, a lone * any path (default: any). WHAT: a status (100-599), html, malformed-json,
empty, drift-extra, drift-missing, stall, close, a delay (250ms, 2s), retry-after=VALUE, no-headers,
rate-limit-headers. xN: only the next N matching requests. N%: that share of matching requests.`;

const BODIES = new Set(['html', 'malformed-json', 'empty', 'drift-extra', 'drift-missing']);

function invalid(spec: string, problem: string): ConfigError {
  return new ConfigError('invalid_option', `Invalid fault '${spec}': ${problem}. A fault spec is [METHOD] [PATH] WHAT... [xN] [N%], e.g. 'GET /account/balance 503 x2' (stateset-stand-in --help lists every WHAT).`);
}

/** A path pattern: '/v1' added unless present; '*' matches one segment. */
function pathPattern(path: string): string | RegExp {
  const full = path.startsWith('/v1/') || path === '/v1' ? path : `/v1${path}`;
  if (!full.includes('*')) return full;
  const source = full.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  return new RegExp(`^${source}$`);
}

/** Parses a fault spec such as `'GET /account/balance 503 x2'`; throws a `ConfigError` (`invalid_option`) saying what is wrong. */
export function parseFault(spec: string): Fault {
  const tokens = spec.trim().split(/\s+/).filter(Boolean);
  const fault: Fault = {};
  let effect = false;
  let index = 0;
  if (tokens[index] !== undefined && /^([A-Z]+|\*)$/.test(tokens[index]!) && tokens[index + 1] !== undefined && /^[/*]/.test(tokens[index + 1]!)) {
    if (tokens[index] !== '*') fault.method = tokens[index]!;
    index++;
  }
  if (tokens[index] !== undefined && /^[/*]/.test(tokens[index]!)) {
    if (tokens[index] !== '*') fault.path = pathPattern(tokens[index]!);
    index++;
  }
  for (const token of tokens.slice(index)) {
    let match: RegExpExecArray | null;
    if (/^\d{3}$/.test(token)) {
      const status = Number(token);
      if (status < 100 || status > 599) throw invalid(spec, `status ${token} is not from 100 to 599`);
      fault.status = status;
      effect = true;
    } else if (BODIES.has(token)) {
      fault.body = token as NonNullable<Fault['body']>;
      effect = true;
    } else if (token === 'stall') {
      fault.stall = true;
      effect = true;
    } else if (token === 'close') {
      fault.destroy = true;
      effect = true;
    } else if ((match = /^(\d+)(ms|s)$/.exec(token))) {
      fault.delay = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
      effect = true;
    } else if ((match = /^retry-after=(\S+)$/.exec(token))) {
      fault.retryAfter = match[1]!;
    } else if (token === 'no-headers') {
      fault.rateLimitHeaders = 'none';
    } else if (token === 'rate-limit-headers') {
      fault.rateLimitHeaders = 'all';
    } else if ((match = /^x(\d+)$/.exec(token))) {
      fault.times = Number(match[1]);
      if (fault.times < 1) throw invalid(spec, `x${match[1]} would never apply; use x1 or more`);
    } else if ((match = /^(\d+(?:\.\d+)?)%$/.exec(token))) {
      const percent = Number(match[1]);
      if (percent > 100) throw invalid(spec, `${token} is more than 100%`);
      fault.chance = percent / 100;
    } else {
      throw invalid(spec, `'${token}' is not a method, path, status, body, delay or count`);
    }
  }
  if (!effect) throw invalid(spec, 'it says where but not what (a status, html, malformed-json, empty, drift-extra, drift-missing, stall, close or a delay)');
  return fault;
}
