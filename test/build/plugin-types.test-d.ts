/**
 * Type-level checks (Vitest typecheck and `tsc --noEmit`): the guard's plugin object is accepted
 * both by Vite's `defineConfig({ plugins })` and by Rollup's `plugins` option.
 */
import type { NormalizedOutputOptions, OutputBundle, PluginContext, Plugin as RollupPlugin, RollupOptions } from 'rollup';
import { defineConfig, type PluginOption, type Plugin as VitePlugin, type ResolvedConfig, type Rolldown } from 'vite';
import { describe, expectTypeOf, it } from 'vitest';
import {
  checkViteConfig,
  DEFAULT_INCLUDE,
  secretKeyGuard,
  type GuardOutputBundle,
  type GuardOutputOptions,
  type GuardPluginContext,
  type GuardViteConfig,
  type SecretKeyGuardOptions,
  type SecretKeyGuardPlugin,
} from '../../src/build-guard/plugin.js';

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

describe('secretKeyGuard types without importing vite or rollup', () => {
  it("accepts Vite's and Rollup's own types where it declares its own", () => {
    expectTypeOf<ResolvedConfig>().toExtend<Parameters<typeof checkViteConfig>[0]>();
    expectTypeOf<ResolvedConfig>().toExtend<GuardViteConfig>();
    expectTypeOf<OutputBundle>().toExtend<GuardOutputBundle>();
    expectTypeOf<Rolldown.OutputBundle>().toExtend<GuardOutputBundle>();
    expectTypeOf<NormalizedOutputOptions>().toExtend<GuardOutputOptions>();
    expectTypeOf<PluginContext>().toExtend<GuardPluginContext>();
    expectTypeOf<SecretKeyGuardPlugin>().toExtend<VitePlugin>();
    expectTypeOf<SecretKeyGuardPlugin>().toExtend<RollupPlugin>();
  });

  it('takes readonly arrays, such as its own DEFAULT_INCLUDE or an `as const` list', () => {
    expectTypeOf(secretKeyGuard).toBeCallableWith({ include: DEFAULT_INCLUDE, allow: ['pk_test_fixture', /fixture$/] as const });
  });
});
