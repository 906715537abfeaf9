// @vitest-environment node
/** Importing the library touches no browser global: SSR bundles import it, and so does a page before it needs it. */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const watched = ['window', 'document', 'customElements', 'BroadcastChannel', 'localStorage', 'sessionStorage', 'navigator', 'location', 'HTMLElement'];

describe('no browser globals at import', () => {
  afterEach(() => { for (const name of watched) delete (globalThis as Record<string, unknown>)[name]; });

  it('every library module (all but the widget and the Node-only build entry) imports without touching one', async () => {
    const touched: string[] = [];
    for (const name of watched) {
      Object.defineProperty(globalThis, name, { configurable: true, get: () => { touched.push(name); return undefined; } });
    }
    vi.resetModules();
    const files = readdirSync(new URL('../src/', import.meta.url)).filter((file) => file.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const file of files) await import(/* @vite-ignore */ `../src/${file}`);
    expect(touched).toEqual([]);
  });

  it('works in plain Node: a call goes through Node\'s own fetch', async () => {
    const { startStandIn } = await import('../src/testing/server.js');
    const api = await startStandIn();
    try {
      const { createClient, getBalance } = await import('../src/index.js');
      const balance = await getBalance(createClient({ publishableKey: 'pk_test_node1', apiBase: api.url }));
      expect(balance.object).toBe('balance');
    } finally {
      await api.close();
    }
  });

  it('in plain Node a call that reaches no server is a NetworkError that says refused, not CORS (there is no page)', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const { createClient, getBalance, NetworkError } = await import('../src/index.js');
    const error = await getBalance(createClient({ publishableKey: 'pk_test_node2', apiBase: `http://127.0.0.1:${port}/v1`, retry: 0 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(`GET /account/balance could not reach http://127.0.0.1:${port}: offline, unknown host, or refused.`);
  });
});
