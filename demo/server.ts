/**
 * `npm run demo`: the stand-in API and the demo storefront, one URL.
 *
 *   /              storefront page: the CDN build (`dist/cdn/stateset.js`) from a plain <script type="module">, through
 *                  the edge mounted on this origin at /stateset/v1 (no CORS preflight), which counts its upstream requests
 *   /widgets.html  the widget loader (`dist/cdn/widget.js`): several <stateset-balance>, one refusing a secret key;
 *                  served with a strict CSP (no inline script or style, Trusted Types)
 *   /spa.html      a small SPA from the npm entry (`src/index.ts` through Vite): products, paginated
 *   /react.html    the catalogue as a React 19 + TanStack Query app (`@stateset/browser/query`), infinite scroll
 *
 * The CDN pages are static files, as a merchant would have them; the demo server only fills in
 * `%STATESET_API_BASE%` (the stand-in's URL) and serves `dist/cdn/`, built first when it is missing or
 * older than `src/`. Everything else goes to Vite's dev middleware.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createServer as createVite } from 'vite';
import { createEdgeHandler, memoryStore, type EdgeHandler } from '../src/edge/index.js';
import { toNodeListener } from '../src/edge/node/index.js';
import { startStandIn, type StandIn } from '../src/testing/server.js';

const demoDir = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const cdnDir = `${root}dist/cdn/`;

export interface Demo {
  /** The one URL to open. */
  url: string;
  api: StandIn;
  /** The edge mounted on the demo's own origin at `/stateset/v1`, in front of the stand-in (the storefront page uses it). */
  edge: EdgeHandler;
  close(): Promise<void>;
}

/** Newest modification time under a folder, in ms. */
function newest(dir: string): number {
  return Math.max(...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => statSync(`${dir}/${name}`).mtimeMs));
}

/** The CDN files: `dist/cdn/` from `npm run build` (run when stale), else bundled from source with esbuild. */
async function cdnFiles(log: (line: string) => void): Promise<Map<string, string>> {
  const files = ['stateset.js', 'widget.js'];
  const built = () => files.every((name) => existsSync(cdnDir + name));
  const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  // (DEMO_NO_BUILD=1, for the demo's own test: bundle from source at once, do not spend a minute building dist/.)
  if (process.env.DEMO_NO_BUILD === '1') return bundleFromSource();
  if (scripts.build && (!built() || Math.min(...files.map((name) => statSync(cdnDir + name).mtimeMs)) < newest(`${root}src`))) {
    log('Building dist/ (npm run build)…');
    const result = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) log(`npm run build failed; bundling the CDN files from source instead.\n${result.stdout}${result.stderr}`);
  }
  if (built()) return new Map(files.map((name) => [name, readFileSync(cdnDir + name, 'utf8')]));
  return bundleFromSource();
}

async function bundleFromSource(): Promise<Map<string, string>> {
  const bundles = new Map<string, string>();
  for (const [name, entry] of [['stateset.js', 'src/index.ts'], ['widget.js', 'src/widget/index.ts']] as const) {
    const output = await build({ absWorkingDir: root, entryPoints: [entry], bundle: true, minify: true, format: 'esm', write: false, logLevel: 'silent' });
    bundles.set(name, output.outputFiles[0]!.text);
  }
  return bundles;
}

/** The strict policy of the widget page: only our own scripts and styles, the API for fetch, Trusted Types on. */
const csp = (api: string) =>
  `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${api}; ` +
  `base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'`;

async function listen(server: Server, port: number): Promise<number> {
  for (const candidate of [port, 0]) {
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(candidate, '127.0.0.1', () => resolve(true));
    });
    if (bound) return (server.address() as AddressInfo).port;
  }
  throw new Error('No free port for the demo.');
}

/** Starts the stand-in API (free plan, so pacing is real) and the demo site. */
export async function startDemo({ port = 5173, apiPort = 4010, log = console.log } = {}): Promise<Demo> {
  const cdn = await cdnFiles(log);
  const api = await startStandIn({ port: apiPort, plan: 'free' }).catch(() => startStandIn({ plan: 'free' }));
  const server = createServer();
  // The storefront page calls the edge on this origin (apiBase '/stateset/v1'): no CORS, so no preflight.
  const edge = createEdgeHandler({ upstream: api.url, basePath: '/stateset/v1', plan: 'free', store: memoryStore() });
  const edgeListener = toNodeListener(edge);
  const vite = await createVite({
    root: demoDir,
    configFile: false,
    appType: 'mpa',
    logLevel: 'warn',
    define: { __STATESET_API_BASE__: JSON.stringify(api.url) },
    optimizeDeps: { include: ['ky', 'zod/mini', 'react-dom/client', 'react/jsx-dev-runtime', '@tanstack/react-query'] },
    server: { middlewareMode: true, hmr: { server }, fs: { allow: [root] } },
  });

  // Balance requests the stand-in received (preflights aside), for the widget page's counter.
  const balanceRequests = () => api.requests.filter((request) => request.method === 'GET' && request.path === '/v1/account/balance').length;
  const send = (res: ServerResponse, type: string, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
    res.end(body);
  };
  const pages: Record<string, string> = { '/': 'index.html', '/index.html': 'index.html', '/widgets.html': 'widgets.html' };
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    const page = pages[path];
    if (page) {
      const html = readFileSync(`${demoDir}${page}`, 'utf8')
        .replaceAll('%STATESET_API_BASE%', api.url)
        .replaceAll('%DEMO_REQUESTS%', String(balanceRequests()))
        .replaceAll('%EDGE_UPSTREAM%', String(edge.stats().upstream));
      send(res, 'text/html; charset=utf-8', html, page === 'widgets.html' ? { 'Content-Security-Policy': csp(api.origin) } : {});
    } else if (path === '/widgets.js') {
      send(res, 'text/javascript; charset=utf-8', readFileSync(`${demoDir}widgets.js`, 'utf8'));
    } else if (path.startsWith('/cdn/') && cdn.has(path.slice(5))) {
      send(res, 'text/javascript; charset=utf-8', cdn.get(path.slice(5))!);
    } else if (path.startsWith('/stateset/')) {
      edgeListener(req, res);
    } else if (path === '/__demo/upstream') {
      send(res, 'application/json', JSON.stringify(edge.stats()));
    } else if (path === '/__demo/requests') {
      send(res, 'application/json', String(balanceRequests()));
    } else {
      vite.middlewares(req, res);
    }
  });
  const bound = await listen(server, port);
  return {
    url: `http://127.0.0.1:${bound}/`,
    api,
    edge,
    async close() {
      await vite.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}

/**
 * Stops the demo on SIGINT (Ctrl+C), SIGTERM (`kill`) or SIGHUP (the terminal closed): servers closed, then exit.
 * A second signal, or a close that takes over 3 s, exits at once; either way nothing keeps holding the ports.
 * (`npm run demo` execs node itself, so the signal npm forwards reaches this process and not a shell between.)
 */
export function stopOnSignals(demo: Pick<Demo, 'close'>, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return exit(1);
    stopping = true;
    setTimeout(() => exit(1), 3000).unref();
    void demo.close().then(() => exit(0), () => exit(1));
  };
  for (const signal of signals) process.on(signal, stop);
  return () => {
    for (const signal of signals) process.off(signal, stop);
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const demo = await startDemo();
  stopOnSignals(demo);
  console.log(`StateSet demo storefront: ${demo.url}  (stand-in API inside; Ctrl+C to stop)`);
}
