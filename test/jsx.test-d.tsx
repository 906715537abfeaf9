/** `<stateset-balance>` in React 19 JSX (through `@stateset/browser/jsx-react`), and the Vue and Svelte prop types. */
import type {} from '@stateset/browser/jsx-react';
import { expectTypeOf, test } from 'vitest';
import { createClient, type Balance, type StateSetError } from '../src/index.js';
import type {
  StateSetBalanceAttributes, StateSetBalanceElement, StateSetBalanceSvelteAttributes, StateSetBalanceVueProps,
} from '../src/widget/index.js';

const client = createClient({ publishableKey: 'pk_test_jsx' });

test('React 19: attributes, client, typed event listeners and a ref', () => {
  const ok = (
    <stateset-balance
      publishable-key="pk_test_jsx" api-base="https://api.example" account-id="acct_1" currency="ssusd" locale="de-DE"
      refresh={30} label="Balance" client={client} className="wide" share="tabs"
      ref={(element) => { expectTypeOf(element).toEqualTypeOf<StateSetBalanceElement | null>(); }}
      onstateset:load={(event) => expectTypeOf(event.detail).toEqualTypeOf<Balance>()}
      onstateset:error={(event) => expectTypeOf(event.detail.error).toEqualTypeOf<StateSetError>()}
    />
  );
  void ok;
  // @ts-expect-error refresh is seconds, not a boolean
  void <stateset-balance refresh={true} />;
  // @ts-expect-error a misspelt attribute does not compile
  void <stateset-balance publishable_key="pk_test_jsx" />;
  void <stateset-balance share="persist" />;
  // @ts-expect-error share is 'tabs' or 'persist'
  void <stateset-balance share="pages" />;
  // @ts-expect-error client is a client made by createClient, not its options
  void <stateset-balance client={{ publishableKey: 'pk_test_jsx' }} />;
});

test('Vue props: attributes, client and onStateset:* listeners', () => {
  const props: StateSetBalanceVueProps = { 'publishable-key': 'pk_test_jsx', client, 'onStateset:load': (event) => event.detail.available };
  expectTypeOf(props['onStateset:error']).parameter(0).toEqualTypeOf<CustomEvent<{ error: StateSetError }>>();
  expectTypeOf<StateSetBalanceVueProps>().toMatchTypeOf<StateSetBalanceAttributes>();
  // @ts-expect-error locale is a string
  const bad: StateSetBalanceVueProps = { locale: 5 };
  void bad;
});

test('Svelte 5 attributes: onstateset:* listeners, null allowed', () => {
  const attributes: StateSetBalanceSvelteAttributes = { refresh: '30', 'onstateset:load': null, client };
  expectTypeOf(attributes['onstateset:load']).toEqualTypeOf<((event: CustomEvent<Balance>) => void) | null | undefined>();
  // @ts-expect-error refresh must be a number or a numeric string
  const bad: StateSetBalanceSvelteAttributes = { refresh: 'soon' };
  void bad;
});
