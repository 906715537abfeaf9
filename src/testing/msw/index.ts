/**
 * `@stateset/browser/testing/msw`: the stand-in API as MSW 2 request handlers, for tests that mock
 * `fetch` instead of running a server (Vitest or Jest with `msw/node`, Storybook or a dev page with
 * `msw/browser`'s worker). Same data, errors, rate limits and fault switches as `startStandIn`; `msw`
 * is an optional peer dependency.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { createStandInEngine, type StandInEngine, type StandInOptions } from '../server.js';

export interface StandInHandlersOptions extends Omit<StandInOptions, 'port' | 'host'> {
  /**
   * The API base the handlers answer for: your client's `apiBase`. Paths below it map to the API's `/v1/...`.
   * @default 'https://api.stateset.com/v1'
   */
  apiBase?: string;
}

/** MSW handlers plus the stand-in's controls (`requests`, `fault`, `clearFaults`, `reset`, `setOptions`). */
export interface StandInHandlers extends Omit<StandInEngine, 'respond' | 'dispose'> {
  /** Pass to `setupServer(...handlers)` or `setupWorker(...handlers)`. */
  handlers: HttpHandler[];
}

/** Null-body statuses, which a `Response` must not be given a body for. */
const NO_BODY = new Set([101, 204, 205, 304]);

/** Stand-in handlers with their own state (requests, faults, rate-limit buckets). */
/* @__NO_SIDE_EFFECTS__ */
export function createHandlers(options: StandInHandlersOptions = {}): StandInHandlers {
  const { apiBase = 'https://api.stateset.com/v1', ...standInOptions } = options;
  const base = new URL(apiBase);
  const basePath = base.pathname.replace(/\/+$/, '');
  const engine = createStandInEngine(standInOptions);

  const handler = http.all(`${base.origin}${basePath}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => { headers[name] = value; });
    const outcome = await engine.respond(
      { method: request.method, url: `/v1${url.pathname.slice(basePath.length)}${url.search}`, headers },
      () => request.signal.aborted,
    );
    // A destroyed socket, or a client that gave up during a delay: fetch rejects with a TypeError.
    if (outcome === undefined || outcome.destroy) return HttpResponse.error();
    const { record, status, headers: replyHeaders, body, stall } = outcome;
    const init = { status, headers: replyHeaders };
    if (NO_BODY.has(status)) return new HttpResponse(null, init);
    if (!stall) return new HttpResponse(body, init);
    // Half of the body, then nothing. `gaveUp` is set if the abort reaches the handler (msw/node 2.15 does not pass it on).
    const bytes = new TextEncoder().encode(body.slice(0, body.length >> 1));
    const gaveUp = () => { record.gaveUp = true; };
    request.signal.addEventListener('abort', gaveUp, { once: true });
    return new HttpResponse(new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(bytes), cancel: gaveUp }), init);
  });

  return {
    handlers: [handler],
    requests: engine.requests,
    fault: engine.fault,
    clearFaults: engine.clearFaults,
    reset: engine.reset,
    setOptions: engine.setOptions,
  };
}

/** Shared stand-in handlers for `https://api.stateset.com/v1`; `standIn.fault(...)`/`standIn.reset()` control them. */
export const standIn: StandInHandlers = /* @__PURE__ */ createHandlers();

/** `standIn.handlers`: `setupServer(...handlers)`. */
export const handlers: HttpHandler[] = standIn.handlers;
