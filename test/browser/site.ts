/**
 * A tiny static server for the browser suite: serves directories under URL prefixes on one loopback
 * origin, fills `{{NAME}}` placeholders in .html/.js files from `vars` (HTML-escaped, so a test can put
 * the stand-in's URL or a runtime-built key into a page), and adds per-path headers such as a CSP.
 * With `watch`, every HTML page gets the cross-engine suite's in-page recorder first in its <head>;
 * with `upstream`, what no mount serves is passed through to another server (e.g. the demo), WebSockets too.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Site {
  /** E.g. 'http://127.0.0.1:41235'. */
  origin: string;
  /** Values for `{{NAME}}` placeholders; change them between tests. */
  vars: Record<string, string>;
  /** Extra response headers for paths matching the pattern (first match wins); change them between tests. */
  headers: Array<[pattern: RegExp, headers: Record<string, string>]>;
  /** Paths requested, in order (query included). */
  requests: string[];
  close(): Promise<void>;
}

export interface SiteOptions {
  /** URL prefix → directory, e.g. { '/': pagesDir, '/cdn/': distCdnDir }; the longest prefix wins. */
  mounts: Record<string, string>;
  /** Send `Access-Control-Allow-Origin: *` on every answer (a CDN origin). */
  cors?: boolean;
  vars?: Record<string, string>;
  /** Put `<script src="/__watch.js">` (engines/watch.js, the in-page recorder) first in every HTML page's <head>. */
  watch?: boolean;
  /** E.g. 'http://127.0.0.1:5173': paths no mount serves are proxied there (HTML gets the recorder too with `watch`). */
  upstream?: string;
}

const WATCH_PATH = '/__watch.js';
const watchFile = fileURLToPath(new URL('./engines/watch.js', import.meta.url));
/** Inserts the recorder right after `<head …>` (or at the very start when a page has no head tag). */
const withWatch = (html: string): string => {
  const tag = `<script src="${WATCH_PATH}"></script>`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  return head ? html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length) : tag + html;
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startSite(options: SiteOptions): Promise<Site> {
  const prefixes = Object.keys(options.mounts).sort((a, b) => b.length - a.length);
  const site: Omit<Site, 'origin' | 'close'> = { vars: { ...options.vars }, headers: [], requests: [] };

  async function resolveFile(pathname: string): Promise<string | undefined> {
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    if (prefix === undefined) return undefined;
    const dir = options.mounts[prefix] as string;
    let file = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
    if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = join(file, 'index.html');
    else if (!info?.isFile()) return undefined;
    return file;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    site.requests.push(url.pathname + url.search);
    void (async () => {
      const base: Record<string, string> = { 'Cache-Control': 'no-store', ...(options.cors && { 'Access-Control-Allow-Origin': '*' }) };
      if (options.watch && url.pathname === WATCH_PATH) {
        return void res.writeHead(200, { ...base, 'Content-Type': TYPES['.js']! }).end(await readFile(watchFile));
      }
      const file = await resolveFile(url.pathname);
      if (file === undefined && options.upstream) return proxy(req, res);
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end(); // no 404 in the console
      if (file === undefined) {
        res.writeHead(404, { ...base, 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      let body: Buffer | string = await readFile(file);
      if (/\.(html|m?js)$/.test(file)) {
        body = body.toString('utf8').replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
          const value = site.vars[name];
          return value === undefined ? whole : file.endsWith('.html') ? escapeHtml(value) : JSON.stringify(value).slice(1, -1);
        });
        if (options.watch && file.endsWith('.html')) body = withWatch(body);
      }
      const extra = site.headers.find(([pattern]) => pattern.test(url.pathname))?.[1];
      res.writeHead(200, { ...base, 'Content-Type': type, ...extra }).end(body);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
    });
  });
  /** Passes a request on to `upstream` (uncompressed, so HTML can get the recorder), with this site's extra headers. */
  function proxy(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(req.url ?? '/', options.upstream);
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    delete headers['accept-encoding'];
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      const extra = site.headers.find(([pattern]) => pattern.test(target.pathname))?.[1];
      const html = options.watch && /^text\/html/.test(answer.headers['content-type'] ?? '');
      if (!html) {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...extra });
        return void answer.pipe(res);
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
        const { 'content-length': _, ...rest } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, { ...rest, ...extra }).end(withWatch(Buffer.concat(chunks).toString('utf8')));
      });
    });
    upstream.on('error', (error) => res.writeHead(502, { 'Content-Type': 'text/plain' }).end(String(error)));
    req.pipe(upstream);
  }

  // WebSockets (Vite's HMR client on a proxied page) go through as raw bytes.
  const tunnels = new Set<Duplex>();
  server.on('upgrade', (req, socket, head) => {
    if (!options.upstream) return void socket.destroy();
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    const target = new URL(options.upstream);
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      lines.push(`${req.rawHeaders[i]}: ${/^host$/i.test(req.rawHeaders[i]!) ? target.host : req.rawHeaders[i + 1]}`);
    }
    const upstream = connect(Number(target.port), target.hostname, () => {
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(site, {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
      }),
  });
}
