/**
 * Fake time for tests that also talk to the stand-in over loopback: `setTimeout`, `clearTimeout` and `Date` are
 * faked, real I/O is not. `advanceUntil` moves the clock in small steps and, before each step, lets every request
 * in flight (counted by `countingFetch`) finish in real time, so network latency is zero on the fake clock.
 */
import { vi } from 'vitest';

const realSetTimeout = globalThis.setTimeout;
export const realSleep = (ms = 1): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms));

export const useFakeClock = (): void => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
};

/** A `fetch` that counts the requests in flight and records when (fake clock) each was sent. */
export function countingFetch(inner: typeof fetch = (input, init) => fetch(input, init)) {
  const state = { pending: 0, sent: [] as number[] };
  const counted = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    state.pending++;
    state.sent.push(Date.now());
    try {
      const response = await inner(input, init);
      await response.clone().arrayBuffer(); // the body is on the wire too
      return response;
    } finally {
      state.pending--;
    }
  };
  return Object.assign(counted, { state });
}

/** Settles real I/O, then advances the fake clock by `step` ms, until `done()`; returns the fake time it took. */
export async function advanceUntil(done: () => boolean, fetcher?: { state: { pending: number } }, step = 10, limit = 120_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    for (let spins = 0; spins < 2 || (fetcher && fetcher.state.pending > 0); spins++) await realSleep();
    if (done()) return Date.now() - start;
    if (Date.now() - start > limit) throw new Error(`not done after ${limit} ms of fake time`);
    await vi.advanceTimersByTimeAsync(step);
  }
}

/** Tracks a promise's outcome synchronously. */
export function track<T>(promise: Promise<T>): { settled: boolean; value?: T; error?: unknown } {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then((value) => Object.assign(state, { settled: true, value }), (error: unknown) => Object.assign(state, { settled: true, error }));
  return state;
}
