/**
 * Amount formatting for the widget. Exact for decimal strings of any length (no trip through a float):
 * Intl formats the integer part as a BigInt and supplies the locale's digits, separators and currency
 * symbol; the fraction digits are copied, never rounded.
 */

/** Stablecoins shown with the symbol of the currency they track, next to their own code (`$20.00 SSUSD`). */
const pegged: Record<string, string> = { ssusd: 'USD', usdc: 'USD' };

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

/**
 * Formats an API amount (a number or a decimal string such as `"20.00"`) for `locale`.
 * ISO currencies and USD stablecoins get the locale's symbol; at least the currency's usual number of
 * fraction digits is shown (2 when unknown), trailing zeros beyond that are dropped.
 * @example formatAmount('1234.5', 'ssusd', 'en-US') // { amount: '$1,234.50', currency: 'SSUSD' }
 */
export function formatAmount(value: number | string, currency: string, locale?: string): FormattedAmount {
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
