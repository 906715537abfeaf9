/**
 * `@stateset/browser/testing` (Node only): the stand-in API, a local fake of the StateSet API on a real
 * HTTP server, for merchants' tests and for this project's own. `@stateset/browser/testing/msw` has the
 * same API as MSW handlers.
 */
export {
  createStandInEngine,
  HOSTILE_MARKUP,
  PLANS,
  PRODUCT_COUNT,
  products,
  startStandIn,
  type Fault,
  type IncomingCall,
  type Outcome,
  type Plan,
  type Product,
  type RecordedRequest,
  type StandIn,
  type StandInEngine,
  type StandInOptions,
  type Variant,
} from './server.js';
export { accountBalance, stablecoinBalance } from './data.js';
export { FAULT_SPEC_HELP, parseFault } from './fault-spec.js';
