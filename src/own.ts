/**
 * Reading what a caller hands in (options, parameters) safely. Pure: imports nothing, so any step may use it.
 */

/**
 * A copy of `value`'s own enumerable properties (each read once), without a prototype: an option set on
 * `Object.prototype` (a polluted page) is not an option, and a getter cannot answer a check one value and its use another.
 */
export const own = <T extends object>(value: T | undefined): T => ({ __proto__: null, ...value }) as T;

/**
 * The name in `known` closest to `name` (ignoring case; at most 3 edits, or a third of its length), or `undefined`:
 * for "did you mean" in the refusal of an unknown option or parameter.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let most = Math.max(3, name.length / 3);
  for (const candidate of known) {
    // Levenshtein distance, ignoring case, one row at a time.
    const row = [...Array(candidate.length + 1).keys()];
    for (const char of name.toLowerCase()) {
      let diagonal = row[0]!++;
      for (let j = 1; j < row.length; j++) {
        const above = row[j]!;
        row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + +(char !== candidate[j - 1]!.toLowerCase()));
        diagonal = above;
      }
    }
    const distance = row[candidate.length]!;
    if (distance <= most) [best, most] = [candidate, distance - 1];
  }
  return best;
}
