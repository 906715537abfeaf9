/** @stateset/browser/edge/node: the edge on Node 20 (`node:http`): `toNodeListener(handler)` and `listen(options)`. */
export { toNodeListener, listen } from './listen.js';
export type { ListenOptions, RunningEdge } from './listen.js';
