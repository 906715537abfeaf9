/**
 * `@stateset/browser/widget`: defines `<stateset-balance>` on import and exports its class.
 * @example import '@stateset/browser/widget'; // then <stateset-balance publishable-key="pk_test_…">
 */
import './define.js';

export { StateSetBalanceElement } from './element.js';
export type { StateSetBalanceEventMap } from './element.js';
export { formatAmount } from './format.js';
export type { FormattedAmount } from './format.js';
export type {
  StateSetBalanceAttributes, StateSetBalanceProperties, StateSetBalanceEvents, StateSetBalanceReactProps,
  StateSetBalanceVueProps, StateSetBalanceSvelteAttributes,
} from './jsx.js';
