/** Amount and money schemas shared by the calls. Amounts come as a number or a decimal string (`"20.00"`). */
import * as z from 'zod/mini';

/** A decimal string such as `"20.00"` or `"-1.5"`. */
export const decimalString = /* @__PURE__ */ z.string().check(z.regex(/^-?\d+(?:\.\d+)?$/));
/** An amount: a number or a decimal string, as the API sends it. */
export const amount = /* @__PURE__ */ z.union([z.number(), decimalString]);
/** `{ amount, currency }`; unknown fields pass through. */
export const money = /* @__PURE__ */ z.looseObject({ amount, currency: z.string() });
/** An amount with its currency (`ssusd`, …). */
export type Money = z.infer<typeof money>;
