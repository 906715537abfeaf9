/**
 * A tiny static server for the browser suite: serves directories under URL prefixes on one loopback
 * origin, fills `{{NAME}}` placeholders in .html/.js files from `vars` (HTML-escaped, so a test can put
 * the stand-in's URL or a runtime-built key into a page), and adds per-path headers such as a CSP.
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

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
}

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
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end(); // no 404 in the console
      const file = await resolveFile(url.pathname);
      const base: Record<string, string> = { 'Cache-Control': 'no-store', ...(options.cors && { 'Access-Control-Allow-Origin': '*' }) };
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
      }
      const extra = site.headers.find(([pattern]) => pattern.test(url.pathname))?.[1];
      res.writeHead(200, { ...base, 'Content-Type': type, ...extra }).end(body);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(site, {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
