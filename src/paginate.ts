/** `paginate()`: walks every page of a list call, following `has_more` and the cursor. */
import type { Client } from './client.js';
import { InvalidResponseError } from './errors.js';
import { redactSecrets } from './key.js';
import { own } from './own.js';
import type { List, ListParams } from './list.js';
import type { CallOptions } from './transport.js';

/** Any list call: `listProducts` and those to come. */
export type ListCall<T, P extends ListParams> = (client: Client, params?: P, options?: CallOptions) => Promise<List<T>>;

/**
 * Yields every item of a list, page after page (forwards with `starting_after`, or backwards when
 * `ending_before` is given), and stops when `has_more` is `false`.
 * @example for await (const product of paginate(listProducts, client, { limit: 100 })) { … }
 */
export async function* paginate<T extends { id: string }, P extends ListParams>(
  // NoInfer: `P` comes from the call, so a misspelt parameter is an excess property here too.
  call: ListCall<T, P>, client: Client, params?: NoInfer<P>, options?: CallOptions,
): AsyncGenerator<T, void, undefined> {
  const first: P = own(params); // own properties only, read once
  const backwards = first.ending_before !== undefined;
  let cursor = backwards ? first.ending_before : first.starting_after;
  for (;;) {
    const page = await call(client, { ...first, [backwards ? 'ending_before' : 'starting_after']: cursor }, options);
    yield* page.data;
    const edge = backwards ? page.data[0] : page.data.at(-1);
    if (!page.has_more || !edge) return;
    const next = backwards ? edge.id : page.next_cursor ?? edge.id;
    if (next === cursor) throw new InvalidResponseError(`paginate ${redactSecrets(page.url ?? 'list')}`, 200, 'the cursor did not advance; stopping instead of looping.');
    cursor = next;
  }
}
