/** `formatAmount` / `formatAmountParts` of the main entry: Money or a bare amount, options read once, typed errors. */
import { describe, expect, it } from 'vitest';
import { formatAmount, formatAmountParts, ValidationError } from '../src/index.js';
import { formatAmount as widgetFormatAmount } from '../src/widget/index.js';

describe('formatAmount', () => {
  it('formats Money for a locale: a symbol for ISO codes, the code after a stablecoin', () => {
    expect(formatAmount({ amount: '1234.5', currency: 'ssusd' }, { locale: 'en-US' })).toBe('$1,234.50 SSUSD');
    expect(formatAmount({ amount: 1234.5, currency: 'usd' }, { locale: 'en-US' })).toBe('$1,234.50');
    expect(formatAmount({ amount: '1234.5', currency: 'eur' }, { locale: 'de-DE' })).toBe('1.234,50\u00a0€');
    expect(formatAmount({ amount: '7', currency: 'points' }, { locale: 'en-US' })).toBe('7.00 POINTS');
  });

  it('takes a bare amount with `currency`, and `currency` over the Money\'s own', () => {
    expect(formatAmount('20', { locale: 'en-US', currency: 'usd' })).toBe('$20.00');
    expect(formatAmount({ amount: '20', currency: 'ssusd' }, { locale: 'en-US', currency: 'usd' })).toBe('$20.00');
    expect(formatAmount(3.5, { locale: 'en-US' })).toBe('3.50');
  });

  it('gives the widget\'s parts, and the widget entry keeps its own signature', () => {
    expect(formatAmountParts({ amount: '-0.5', currency: 'usdc' }, { locale: 'en-US' })).toEqual({ amount: '-$0.50', currency: 'USDC' });
    expect(widgetFormatAmount('-0.5', 'usdc', 'en-US')).toEqual(formatAmountParts({ amount: '-0.5', currency: 'usdc' }, { locale: 'en-US' }));
  });

  it('refuses what is not an amount with a ValidationError naming the parameter', () => {
    expect(() => formatAmount(null as never)).toThrow(ValidationError);
    expect(() => formatAmount({ amount: true, currency: 'usd' } as never)).toThrow(/Invalid money: must be a Money object/);
    expect(() => formatAmount({ amount: '1', currency: 5 } as never)).toThrow(/currency/);
    expect(() => formatAmount('1', { locale: 5 as never })).toThrow(/locale/);
  });

  it('reads only own options (a polluted prototype is not an option)', () => {
    const proto = Object.prototype as { currency?: string };
    proto.currency = 'usd';
    try {
      expect(formatAmount({ amount: '1', currency: 'ssusd' }, { locale: 'en-US' })).toBe('$1.00 SSUSD');
    } finally {
      delete proto.currency;
    }
  });
});
