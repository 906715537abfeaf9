// @vitest-environment node
/**
 * The widget entry where there is no DOM (SSR, Node): importing it must not crash or define anything,
 * only `define.ts` registers the tag (once), and the library itself never imports the widget.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('the widget entry without a DOM', () => {
  it('imports, exports the element class and the formatter, and touches nothing', async () => {
    expect('customElements' in globalThis || 'HTMLElement' in globalThis || 'document' in globalThis).toBe(false);
    const widget = await import('../src/widget/index.js');
    expect(typeof widget.StateSetBalanceElement).toBe('function');
    expect(widget.StateSetBalanceElement.observedAttributes).toEqual(expect.arrayContaining(['publishable-key', 'currency', 'refresh']));
    expect(widget.formatAmount('1234.5', 'ssusd', 'en-US')).toEqual({ amount: '$1,234.50', currency: 'SSUSD' });
  });

  it('registers the tag only through define.ts, and only when it is not taken', async () => {
    const registry = { get: vi.fn(() => undefined), define: vi.fn() };
    vi.stubGlobal('customElements', registry);
    const { StateSetBalanceElement } = await import('../src/widget/element.js');
    expect(registry.define).not.toHaveBeenCalled();
    await import('../src/widget/define.js');
    expect(registry.define).toHaveBeenCalledExactlyOnceWith('stateset-balance', StateSetBalanceElement);

    vi.resetModules();
    const taken = { get: vi.fn(() => class {}), define: vi.fn() };
    vi.stubGlobal('customElements', taken);
    await import('../src/widget/index.js');
    expect(taken.get).toHaveBeenCalledWith('stateset-balance');
    expect(taken.define).not.toHaveBeenCalled();
  });

  it('is never imported by the library', () => {
    const src = new URL('../src/', import.meta.url);
    const library = readdirSync(src).filter((name) => name.endsWith('.ts'));
    expect(library).toContain('index.ts');
    for (const name of library) expect(readFileSync(new URL(name, src), 'utf8')).not.toMatch(/from ['"]\.\/widget\//);
  });
});
