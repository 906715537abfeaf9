/**
 * Registers `<stateset-balance>`: the package's only module with a side effect. Does nothing where
 * there is no `customElements` (SSR) or when the tag is already defined (say, by the CDN build too).
 */
import { StateSetBalanceElement } from './element.js';

if (typeof customElements !== 'undefined' && !customElements.get('stateset-balance')) {
  customElements.define('stateset-balance', StateSetBalanceElement);
}
