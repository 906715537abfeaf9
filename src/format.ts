/**
 * Money formatting, for any page (exported from `@stateset/browser`) and for the widget. Exact for decimal strings of any length (no trip through a float):
 * Intl formats the integer part as a BigInt and supplies the locale's digits, separators and currency
 * symbol; the fraction digits are copied, never rounded.
 */

/** Stablecoins shown with the symbol of the currency they track, next to their own code (`$20.00 SSUSD`). */
const pegged: Record<string, string> = { ssusd: 'USD', usdc: 'USD' };

import { ValidationError } from './errors.js';
import type { Money } from './money.js';
import { own } from './own.js';

/** The parts the widget renders: `amount` with the locale's symbol and separators, `currency` as an upper-case code. */
export interface FormattedAmount {
  amount: string;
  currency: string;
}

function numberFormat(locale: string | undefined, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, options);
  } catch {
    return new Intl.NumberFormat(undefined, options); // an invalid locale tag: the browser's own locale
  }
}

/** Options of `formatAmount` and `formatAmountParts`. */
export interface FormatAmountOptions {
  /** A BCP 47 locale tag (`'de-DE'`); an invalid one falls back to the browser's. @default undefined (the browser's locale) */
  locale?: string | undefined;
  /** The currency: needed for a bare amount, and shown instead of `money.currency` when given. @default money.currency */
  currency?: string | undefined;
}

/**
 * The widget's form (kept as `formatAmount` in `@stateset/browser/widget`): an amount, its currency, a locale.
 * ISO currencies and USD stablecoins get the locale's symbol; at least the currency's usual number of
 * fraction digits is shown (2 when unknown), trailing zeros beyond that are dropped.
 * @example formatParts('1234.5', 'ssusd', 'en-US') // { amount: '$1,234.50', currency: 'SSUSD' }
 */
export function formatParts(value: number | string, currency: string, locale?: string): FormattedAmount {
  const code = currency.toUpperCase();
  const lower = currency.toLowerCase();
  // Own keys only: a currency named "constructor" or "__proto__" (from the server or an attribute) is just unknown.
  const iso = Object.hasOwn(pegged, lower) ? pegged[lower] : /^[A-Z]{3}$/.test(code) ? code : undefined;
  const plain = numberFormat(locale);
  const money = iso ? numberFormat(locale, { style: 'currency', currency: iso, currencyDisplay: 'narrowSymbol' }) : plain;
  const text = typeof value !== 'number' ? value : Math.abs(value) < 1e21 ? value.toFixed(6) : Number.isFinite(value) ? BigInt(value).toString() : '';
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { amount: String(value), currency: code };
  const [, sign, integer = '0', fraction = ''] = match;
  const digits = fraction.replace(/0+$/, '').padEnd(iso ? (money.resolvedOptions().minimumFractionDigits ?? 2) : 2, '0');
  const point = plain.formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
  const number = plain.format(BigInt(integer)) + (digits && point + digits.replace(/\d/g, (digit) => plain.format(Number(digit))));
  // The locale's pattern (sign, symbol, spacing) around our exact number; a symbol that is just the code is left to `currency`.
  let placed = false;
  const amount = money
    .formatToParts(sign && /[1-9]/.test(integer + digits) ? -1 : 1)
    .map(({ type, value: part }) =>
      /^(integer|group|decimal|fraction)$/.test(type) ? (placed ? '' : ((placed = true), number)) : type === 'currency' && part === iso ? '' : part,
    )
    .join('')
    .trim();
  return { amount, currency: code };
}

/** Reads `money` and the options once; a clear `ValidationError` for anything that is not an amount. */
function parts(money: Money | number | string, options: FormatAmountOptions | undefined): FormattedAmount {
  const { locale, currency } = own(options); // own properties only, read once
  const amount = typeof money === 'object' && money !== null ? money.amount : money;
  const code = currency ?? (typeof money === 'object' && money !== null ? money.currency : '');
  if (typeof amount !== 'number' && typeof amount !== 'string') {
    throw new ValidationError('money', 'must be a Money object ({ amount, currency }), a number or a decimal string.');
  }
  if (typeof code !== 'string') throw new ValidationError('currency', 'must be a currency code such as "usd".');
  if (locale !== undefined && typeof locale !== 'string') throw new ValidationError('locale', 'must be a locale tag such as "en-US".');
  return formatParts(amount, code, locale);
}

/**
 * Formats `Money` (or a bare amount with `currency`) as its two parts: the amount with the locale's symbol and
 * separators, and the upper-case currency code. Exact for decimal strings of any length.
 * @throws ValidationError when `money` is not an amount; nothing else is checked.
 * @example formatAmountParts({ amount: '1234.5', currency: 'ssusd' }, { locale: 'en-US' }) // { amount: '$1,234.50', currency: 'SSUSD' }
 */
/* @__NO_SIDE_EFFECTS__ */
export function formatAmountParts(money: Money | number | string, options?: FormatAmountOptions): FormattedAmount {
  return parts(money, options);
}

/**
 * Formats `Money` (or a bare amount with `currency`) as one string for `locale`. An ISO currency shows as its
 * symbol only (`$1,234.50`); a stablecoin or any other code is written after the amount (`$1,234.50 SSUSD`).
 * @throws ValidationError when `money` is not an amount.
 * @example formatAmount({ amount: '20.00', currency: 'ssusd' }, { locale: 'en-US' }) // '$20.00 SSUSD'
 */
/* @__NO_SIDE_EFFECTS__ */
export function formatAmount(money: Money | number | string, options?: FormatAmountOptions): string {
  const { amount, currency } = parts(money, options);
  return currency && !/^[A-Z]{3}$/.test(currency) ? `${amount} ${currency}` : amount;
}
