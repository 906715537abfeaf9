/**
 * BroadcastChannel, counting (happy-dom's, wrapped): `deliver()` resolves once every message posted so far has
 * reached every other open channel of its name and that channel's own handlers have run (it delivers messages as
 * tasks), so a test waits for the event, not for a guessed delay. Importing this module installs it on globalThis.
 */
const pending = new Map<BroadcastChannel, number>(); // per open channel, the messages on their way to it
const posts: unknown[] = [];
let onArrival = (): void => undefined;
globalThis.BroadcastChannel = class extends BroadcastChannel {
  constructor(name: string) {
    super(name);
    pending.set(this, 0);
    this.addEventListener('message', () => {
      pending.set(this, pending.get(this)! - 1);
      onArrival();
    });
  }
  override postMessage(message: unknown): void {
    for (const [other, count] of pending) if (other !== this && other.name === this.name) pending.set(other, count + 1);
    posts.push(message);
    super.postMessage(message);
    onArrival();
  }
  override close(): void {
    pending.delete(this);
    super.close();
  }
};
const when = (done: () => boolean) => new Promise<void>((resolve) => {
  // (A task later: the message's other handlers, the library's, run after this counter.)
  onArrival = () => {
    if (!done()) return;
    onArrival = () => undefined;
    setTimeout(resolve, 0);
  };
  onArrival();
});
/** Resolves once every message posted so far has been delivered and handled. */
export const deliver = (): Promise<void> => when(() => [...pending.values()].every((count) => count <= 0));
/** Resolves once a tab has said it started a request, and the others have heard it. */
export const started = (): Promise<void> => {
  const from = posts.length;
  return when(() => posts.slice(from).some((message) => (message as { started?: boolean } | null)?.started) && [...pending.values()].every((count) => count <= 0));
};
