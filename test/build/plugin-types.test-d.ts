/**
 * Type-level checks (Vitest typecheck and `tsc --noEmit`): the guard's plugin object is accepted
 * both by Vite's `defineConfig({ plugins })` and by Rollup's `plugins` option.
 */
import type { Plugin as RollupPlugin, RollupOptions } from 'rollup';
import { defineConfig, type PluginOption } from 'vite';
import { describe, expectTypeOf, it } from 'vitest';
import { secretKeyGuard, type SecretKeyGuardOptions } from '../../src/build/index.js';

describe('secretKeyGuard types', () => {
  it('fits Vite and Rollup plugin lists', () => {
    const viteConfig = defineConfig({ plugins: [secretKeyGuard({ mode: 'warn', allow: [/^sk_test_(?:0{24})$/] })] });
    const rollupOptions: RollupOptions = { input: 'x.js', plugins: [secretKeyGuard({ include: '**/*.js' })] };
    expectTypeOf(viteConfig).not.toBeAny();
    expectTypeOf(rollupOptions).not.toBeAny();
    expectTypeOf(secretKeyGuard()).toExtend<RollupPlugin>();
    expectTypeOf(secretKeyGuard()).toExtend<PluginOption>();
  });

  it('accepts only the documented options', () => {
    expectTypeOf<SecretKeyGuardOptions['mode']>().toEqualTypeOf<'error' | 'warn' | undefined>();
    // @ts-expect-error: unknown mode
    secretKeyGuard({ mode: 'silent' });
  });
});
