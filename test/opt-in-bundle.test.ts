// @vitest-environment node
/**
 * Cross-tab sharing (with its persistence across page loads) and stale-while-revalidate are pulled in by importing them, not by a boolean: a page using
 * createClient + getBalance carries neither (bundled from src with esbuild, ky and zod external).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The bundle's text and how many bytes of each source file it holds. */
async function bundle(names: string, use: string): Promise<{ code: string; bytes: Record<string, number> }> {
  const result = await build({
    stdin: { contents: `import { ${names} } from './src/index.ts'; console.log(${use});`, resolveDir: root, loader: 'ts' },
    bundle: true, write: false, minify: true, format: 'esm', external: ['ky', 'zod'], logLevel: 'silent', metafile: true,
  });
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
  return { code: result.outputFiles[0]!.text, bytes: Object.fromEntries(Object.entries(inputs).map(([file, { bytesInOutput }]) => [file, bytesInOutput])) };
}

describe('opt-in features stay out of bundles that do not use them', () => {
  it('createClient + getBalance carries the pacer and the cache, but no cross-tab and no stale-while-revalidate code', async () => {
    const plain = await bundle('createClient, getBalance', "getBalance(createClient({ publishableKey: 'pk_test_x' }))");
    const swr = await bundle('createClient, getBalance, staleWhileRevalidate', "getBalance(createClient({ publishableKey: 'pk_test_x', cache: { swr: staleWhileRevalidate() } }))");
    const shared = await bundle('createClient, getBalance, crossTab', "getBalance(createClient({ publishableKey: 'pk_test_x', share: crossTab() }))");

    expect(plain.code).toContain('X-RateLimit-Remaining');
    expect(plain.bytes['src/cache.ts']).toBeGreaterThan(300);
    expect(plain.code).not.toContain('BroadcastChannel');
    expect(plain.bytes['src/cross-tab.ts']).toBeUndefined();
    expect(plain.bytes['src/stale.ts']).toBeUndefined();
    expect(plain.code).not.toContain('localStorage');
    expect(plain.bytes['src/persist.ts']).toBeUndefined();
    expect(swr.bytes['src/stale.ts']).toBeGreaterThan(150);

    expect(shared.code).toContain('BroadcastChannel');
    expect(shared.bytes['src/cross-tab.ts']).toBeGreaterThan(500);
    // crossTab({ persist }) is an option, so crossTab carries the persistence (bytes reported in the README).
    expect(shared.code).toContain('localStorage');
    expect(shared.bytes['src/persist.ts']).toBeGreaterThan(500);
  });
});
