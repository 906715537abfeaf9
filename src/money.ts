/** Amount and money schemas shared by the calls. Amounts come as a number or a decimal string (`"20.00"`). */
import * as z from 'zod/mini';

const decimal = /^-?\d+(?:\.\d+)?$/;
const isDecimal = (value: unknown): value is string => typeof value === 'string' && decimal.test(value);

// z.custom rather than z.union + z.regex: the same check for about 0.5 kB less in every bundle.
/** A decimal string such as `"20.00"` or `"-1.5"`. */
export const decimalString = /* @__PURE__ */ z.custom<string>(isDecimal, 'expected a decimal string');
/** An amount: a number or a decimal string, as the API sends it. */
export const amount = /* @__PURE__ */ z.custom<number | string>(
  (value) => typeof value === 'number' || isDecimal(value),
  'expected a number or a decimal string',
);
/** An amount with its currency (`ssusd`, …). */
export interface Money {
  /** A number, or a decimal string such as `"20.00"` (exact: never turned into a float). */
  amount: number | string;
  currency: string;
}
/** `{ amount, currency }`; unknown fields pass through at run time (the types list the documented ones). */
export const money: z.ZodMiniType<Money> = /* @__PURE__ */ z.looseObject({ amount, currency: z.string() });
