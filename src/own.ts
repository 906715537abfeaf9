/**
 * Reading what a caller hands in (options, parameters) safely. Pure: imports nothing, so any step may use it.
 */

/**
 * A copy of `value`'s own enumerable properties (each read once), without a prototype: an option set on
 * `Object.prototype` (a polluted page) is not an option, and a getter cannot answer a check one value and its use another.
 */
export const own = <T extends object>(value: T | undefined): T => ({ __proto__: null, ...value }) as T;

/**
 * The name in `known` closest to `name` (ignoring case; at most 2 edits, or a third of its length), or `undefined`:
 * for "did you mean" in the refusal of an unknown option or parameter.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, name.length / 3) + 1;
  for (const candidate of known) {
    const a = name.toLowerCase();
    const b = candidate.toLowerCase();
    // Levenshtein distance, one row at a time.
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + +(a[i - 1] !== b[j - 1]));
      row = next;
    }
    if (row[b.length]! < bestDistance) [best, bestDistance] = [candidate, row[b.length]!];
  }
  return best;
}
