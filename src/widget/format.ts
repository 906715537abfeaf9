/**
 * The widget entry's `formatAmount(value, currency, locale)`, kept for compatibility: the same formatting as
 * `formatAmountParts` of `@stateset/browser` (src/format.ts), which the element uses.
 */
export { formatParts as formatAmount } from '../format.js';
export type { FormattedAmount } from '../format.js';
