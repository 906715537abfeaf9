/** The widget's amount formatting: exact for long decimal strings, the locale's symbols, never rounding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from '../src/widget/format.js';

/** en-US grouping done by hand, to check Intl's integer formatting independently. */
const group = (integer: string): string => integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

describe('formatAmount', () => {
  it('keeps every digit of a decimal string longer than a float holds', () => {
    const integer = '123456789012345678901234567890';
    expect(formatAmount(`${integer}.123456789`, 'ssusd', 'en-US')).toEqual({ amount: `$${group(integer)}.123456789`, currency: 'SSUSD' });
  });

  it('shows a USD stablecoin with the locale’s dollar pattern and its own code', () => {
    expect(formatAmount('20.00', 'usdc', 'en-US')).toEqual({ amount: '$20.00', currency: 'USDC' });
    expect(formatAmount(1234.5, 'ssusd', 'de-DE')).toEqual({ amount: '1.234,50\u00a0$', currency: 'SSUSD' });
    expect(formatAmount('1234567.5', 'ssusd', 'en-IN').amount).toBe('$12,34,567.50');
  });

  it('uses the currency’s own number of fraction digits and the locale’s digits', () => {
    expect(formatAmount('1234', 'jpy', 'ja-JP').amount).toMatch(/^[¥￥]1,234$/);
    expect(formatAmount('12.5', 'ssusd', 'ar-EG').amount).toContain('١٢٫٥٠');
  });

  it('puts the sign where the locale does, and shows no minus for zero', () => {
    expect(formatAmount('-0.5', 'usd', 'en-US').amount).toBe('-$0.50');
    expect(formatAmount('-0.00', 'usd', 'en-US').amount).toBe('$0.00');
  });

  it('does not show float noise or lose a number’s cents', () => {
    expect(formatAmount(0.1 + 0.2, 'ssusd', 'en-US').amount).toBe('$0.30');
    expect(formatAmount(58828.27, 'ssusd', 'en-US').amount).toBe('$58,828.27');
    expect(formatAmount(1e22, 'ssusd', 'en-US').amount).toBe(`$${group('1'.padEnd(23, '0'))}.00`);
  });

  it('shows an unknown currency as its code and markup as plain text', () => {
    expect(formatAmount('12.5', 'xyz', 'en-US')).toEqual({ amount: '12.50', currency: 'XYZ' });
    expect(formatAmount('1', '<img src=x onerror=alert(1)>', 'en-US')).toEqual({ amount: '1.00', currency: '<IMG SRC=X ONERROR=ALERT(1)>' });
  });

  it('treats names of Object.prototype members as unknown currencies', () => {
    for (const currency of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(formatAmount('1.5', currency, 'en-US')).toEqual({ amount: '1.50', currency: currency.toUpperCase() });
    }
  });

  it('falls back to the default locale for an invalid tag', () => {
    expect(() => formatAmount('1', 'ssusd', 'not a locale!')).not.toThrow();
    expect(formatAmount('1', 'ssusd', 'not a locale!').currency).toBe('SSUSD');
  });

  it('round-trips any decimal string in en-US: same digits, trailing zeros trimmed to two places', () => {
    // The oracle: Intl itself, which formats a decimal string exactly (no float) with up to 12 fraction digits, and
    // with `signDisplay: 'negative'` shows no minus for a negative zero. Not the route formatAmount takes (its
    // integer as a BigInt, its fraction copied): the two must agree.
    const oracle = new Intl.NumberFormat('en-US', {
      style: 'currency', currency: 'USD', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 2, maximumFractionDigits: 12, signDisplay: 'negative' as never, // (ES2023 Intl: newer than the project's lib)
    });
    const decimal = fc.tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9]\d{0,40})$/), fc.option(fc.stringMatching(/^\d{1,12}$/)));
    fc.assert(
      fc.property(decimal, ([negative, integer, fraction]) => {
        const text = `${negative ? '-' : ''}${integer}${fraction === null ? '' : `.${fraction}`}`;
        expect(formatAmount(text, 'ssusd', 'en-US').amount).toBe(oracle.format(text as never));
      }),
    );
  });
});
