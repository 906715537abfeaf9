/** Types of the widget entry: the tag and its events are known to the DOM typings once the entry is imported. */
import { expectTypeOf, test } from 'vitest';
import type { Balance, StateSetError } from '../src/index.js';
import { formatAmount, StateSetBalanceElement, type FormattedAmount } from '../src/widget/index.js';

test('document.createElement and querySelector know the tag', () => {
  expectTypeOf(document.createElement('stateset-balance')).toEqualTypeOf<StateSetBalanceElement>();
  expectTypeOf(document.querySelector('stateset-balance')).toEqualTypeOf<StateSetBalanceElement | null>();
  expectTypeOf<StateSetBalanceElement>().toMatchTypeOf<HTMLElement>();
});

test('the element exposes its data, its error and reload()', () => {
  const element = new StateSetBalanceElement();
  expectTypeOf(element.balance).toEqualTypeOf<Balance | undefined>();
  expectTypeOf(element.error).toEqualTypeOf<StateSetError | undefined>();
  expectTypeOf(element.reload()).toEqualTypeOf<Promise<void>>();
});

test('the events are typed on the element and on document', () => {
  document.addEventListener('stateset:load', (event) => expectTypeOf(event.detail).toEqualTypeOf<Balance>());
  document.addEventListener('stateset:error', (event) => expectTypeOf(event.detail.error).toEqualTypeOf<StateSetError>());
  new StateSetBalanceElement().addEventListener('stateset:load', (event) => expectTypeOf(event.detail.available).toBeArray());
  // They bubble and cross shadow roots, so window and a shadow root hear them too.
  window.addEventListener('stateset:load', (event) => expectTypeOf(event.detail).toEqualTypeOf<Balance>());
  document.body.attachShadow({ mode: 'open' }).addEventListener('stateset:error', (event) => expectTypeOf(event.detail.error).toEqualTypeOf<StateSetError>());
});

test('formatAmount takes an API amount', () => {
  expectTypeOf(formatAmount).parameter(0).toEqualTypeOf<number | string>();
  expectTypeOf(formatAmount('1', 'ssusd')).toEqualTypeOf<FormattedAmount>();
});
