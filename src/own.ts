/**
 * Reading what a caller hands in (options, parameters) safely. Pure: imports nothing, so any step may use it.
 */

/**
 * A copy of `value`'s own enumerable properties (each read once), without a prototype: an option set on
 * `Object.prototype` (a polluted page) is not an option, and a getter cannot answer a check one value and its use another.
 */
export const own = <T extends object>(value: T | undefined): T => ({ __proto__: null, ...value }) as T;
