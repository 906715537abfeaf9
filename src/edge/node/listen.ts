/**
 * The edge on Node 20: `toNodeListener(handler)` for an existing `node:http` server (or Express, Vite's
 * `server.middlewares`), and `listen(options)` for a server of its own (what `stateset-edge` runs).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdgeHandler, fastPath, type EdgeHandler, type EdgeOptions, type FastAnswer } from '../handler.js';

/** A made-up origin for the `Request` URLs: the edge never reads the `Host` header. */
const base = 'http://edge.invalid';

const envelope = (status: number, code: string, message: string): string =>
  JSON.stringify({ error: { type: 'invalid_request_error', code, message, param: null, doc_url: `https://docs.stateset.com/errors/${code}` } });

/**
 * `(req, res)` for `node:http`: the request as a fetch `Request` (no body read), the socket's address as `ctx.clientIp`.
 * A GET that is byte for byte one the handler already let through every check (same target, same raw headers)
 * and whose answer is a fresh hit is written straight from the store, without a `Request` or `Response`; anything
 * else (a new header, a secret, a miss, a stale answer) goes through the whole handler.
 */
export function toNodeListener(handler: EdgeHandler): (req: IncomingMessage, res: ServerResponse) => void {
  const fast = (handler as { [fastPath]?: (name: string) => Promise<FastAnswer | undefined> | undefined })[fastPath];
  const failed = (res: ServerResponse): void => {
    const body = envelope(500, 'api_error', 'The edge failed.');
    res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const full = (req: IncomingMessage, res: ServerResponse, name: string | undefined): void => {
    const raw = req.url ?? '/';
    const headers = new Headers();
    for (let index = 0; index < req.rawHeaders.length; index += 2) headers.append(req.rawHeaders[index]!, req.rawHeaders[index + 1]!);
    let request: Request;
    try {
      // An absolute-form target (`GET http://other.host/…`) becomes a path here, which no row matches.
      request = new Request(base + (raw.startsWith('/') ? raw : `/${raw}`), { method: req.method ?? 'GET', headers });
    } catch {
      // A method fetch refuses to represent (CONNECT, TRACE) or a URL it cannot parse.
      const body = envelope(405, 'method_not_allowed', 'This edge answers GET only.');
      res.writeHead(405, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Allow: 'GET, OPTIONS' });
      res.end(body);
      return;
    }
    const ctx = { clientIp: req.socket.remoteAddress, waitUntil: (promise: Promise<unknown>) => void promise.catch(() => {}), [fastPath]: name };
    handler(request, undefined, ctx).then(async (response) => {
      const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
      const out: Record<string, string> = {};
      for (const [header, value] of response.headers) out[header] = value;
      out['content-length'] = String(body?.length ?? 0);
      res.writeHead(response.status, out);
      res.end(body);
    }, () => failed(res));
  };
  return (req, res) => {
    // The request's raw name: its method, how many raw header entries, its target and every raw header, in order.
    const name = fast && req.method === 'GET' ? `GET\n${req.rawHeaders.length}\n${req.url ?? '/'}\n${req.rawHeaders.join('\n')}` : undefined;
    const hit = name === undefined ? undefined : fast!(name);
    if (!hit) return full(req, res, name);
    hit.then((answer) => {
      if (!answer) return full(req, res, name);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    }, () => failed(res));
  };
}

/** Options of `listen`: the handler's, and where to listen. */
export interface ListenOptions extends EdgeOptions {
  /** @default 8787 */
  port?: number | undefined;
  /** @default '127.0.0.1' */
  host?: string | undefined;
}

/** A running edge: the URL to give the client as `apiBase`, the handler (for `stats()`), and `close`. */
export interface RunningEdge {
  url: string;
  handler: EdgeHandler;
  server: Server;
  close(): Promise<void>;
}

/** Starts a `node:http` server for the edge. Oversized requests get a 431 in the API's error envelope. */
export async function listen(options: ListenOptions = {}): Promise<RunningEdge> {
  const { port = 8787, host = '127.0.0.1', ...edge } = options;
  const handler = createEdgeHandler(edge);
  // Node's own limit is raised above the handler's (`maxHeaderBytes`), so the handler answers most oversized requests;
  // beyond Node's, the parser fails and `clientError` answers.
  const server = createServer({ maxHeaderSize: 65_536 }, toNodeListener(handler));
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const large = error.code === 'HPE_HEADER_OVERFLOW';
    const body = large ? envelope(431, 'request_header_fields_too_large', 'The request headers are too large.') : envelope(400, 'parameter_invalid', 'Malformed request.');
    socket.end(`HTTP/1.1 ${large ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  // CONNECT (a tunnel: the open proxy this edge never is) and Upgrade never reach the handler.
  const deny = (_req: IncomingMessage, socket: import('node:stream').Duplex): void => {
    const body = envelope(405, 'method_not_allowed', 'This edge answers GET only.');
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };
  server.on('connect', deny);
  server.on('upgrade', deny);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}${(edge.basePath ?? '/v1').replace(/\/+$/, '')}`,
    handler,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
