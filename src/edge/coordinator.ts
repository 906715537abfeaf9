/**
 * One budget for a key across every location of the edge: `KeyBudget`, a Cloudflare Durable Object (one instance per
 * key, wherever its locations are), holds the key's pacer and the day's count; each location's handler asks it for a
 * slot before it sends upstream (`createEdgeHandler({ coordinator })`) and tells it how the request ended. The
 * answers themselves stay in each location's cache: only the budget is shared.
 *
 * The wire between them is two small JSON requests on the Durable Object's stub (never on the internet):
 * `POST /take` `{ plan, url, timeout }` → `{ wait, spent, urls, daily?, slot? }` and `POST /see` `{ slot, status, headers }`.
 */
import { createPacer, type Pacer } from '../pace.js';

/** What a location needs of the coordinator: a Durable Object stub (`namespace.get(namespace.idFromName(id))`), or anything with its `fetch`. */
export interface Coordinator {
  fetch(input: string, init: RequestInit): Promise<Response>;
}

/** The coordinator's answer to `take`. */
export interface Grant {
  /** 0: a slot, to be ended with `see` (naming `slot`). Otherwise the milliseconds of a server-set pause longer than the pacer waits (no slot). */
  wait: number;
  /** Upstream requests of the key today, across every location (this one included). */
  spent: number;
  /** Distinct URLs (cache keys) the key's locations sent upstream today. */
  urls: number;
  /** The daily limit is spent: `wait` is the time to midnight UTC (no slot). */
  daily?: true;
  /** With a slot: its name, for `see`. A slot not ended within its lease (1.5 × the location's timeout) is ended for it. */
  slot?: string;
}

type Plan = { perSecond: number; burst: number; daily: number };
/** The headers the pacer reads off an upstream answer, all that `see` passes on. */
export const pacedHeaders = ['Retry-After', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as const;

const DAY = 86_400_000;
const MAX_URLS = 10_000;
const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const positive = (value: unknown): value is number => typeof value === 'number' && value > 0;

/** The little a Durable Object's state offers that `KeyBudget` uses: storage for the day's count, so it survives an eviction. */
interface BudgetState {
  storage?: { get(key: string): Promise<unknown>; put(key: string, value: unknown): Promise<void> };
  blockConcurrencyWhile?<T>(run: () => Promise<T>): Promise<T>;
}

/**
 * The key's budget, as a Durable Object class: export it from your Worker and bind it (see the README's
 * `wrangler.toml`). Its pacer runs at the plan the locations send (the stricter, when two disagree); the day's count
 * is kept in the object's storage. Also usable as a plain object (`new KeyBudget()`) behind any `Coordinator`.
 */
export class KeyBudget {
  #pacer: Pacer | undefined;
  #plan: Plan | undefined;
  #day = 0;
  #spent = 0;
  #urls = new Set<string>();
  /** The slots granted and not yet ended, each with the timer that ends it when its location never says. */
  readonly #open = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #state: BudgetState;
  readonly #now: () => number;

  constructor(state: BudgetState = {}, _env?: unknown, now: () => number = Date.now) {
    this.#state = state;
    this.#now = now;
    void state.blockConcurrencyWhile?.(async () => {
      const saved = (await state.storage?.get('day')) as { day?: unknown; spent?: unknown } | undefined;
      if (typeof saved?.day === 'number' && typeof saved.spent === 'number') [this.#day, this.#spent] = [saved.day, saved.spent];
    });
  }

  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST') return json({ error: 'POST /take or /see' }, 405);
    const path = new URL(request.url).pathname;
    const body = (await request.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (path === '/take') {
      const plan = body?.plan as Partial<Plan> | undefined;
      if (!positive(plan?.perSecond) || !positive(plan.burst) || !positive(plan.daily) || typeof body?.url !== 'string' || !positive(body.timeout)) {
        return json({ error: 'take needs { plan: { perSecond, burst, daily }, url, timeout }' }, 400);
      }
      // Gives up before the location does, at 80 % of its timeout (the pacer lets an aborted wait leave at its turn);
      // a slot granted to a location that has stopped waiting anyway is ended by its lease (see `#take`).
      return json(await this.#take(plan as Plan, body.url, Math.min(body.timeout, 60_000) * 0.8, Math.min(body.timeout, 600_000) * 1.5));
    }
    if (path === '/see') {
      // Only a slot granted and still open is ended, once: a repeated or made-up `see` frees nothing.
      const timer = typeof body?.slot === 'string' ? this.#open.get(body.slot) : undefined;
      if (timer === undefined) return json({});
      clearTimeout(timer);
      this.#open.delete(body!.slot as string);
      const status = body!.status;
      const headers = (body?.headers ?? {}) as Record<string, unknown>;
      const passed = new Headers();
      for (const name of pacedHeaders) if (typeof headers[name] === 'string') passed.set(name, headers[name]);
      this.#pacer?.see(typeof status === 'number' && status >= 200 && status <= 599 ? new Response(null, { status, headers: passed }) : undefined);
      return json({});
    }
    return json({ error: 'POST /take or /see' }, 404);
  }

  async #take(plan: Plan, url: string, timeout: number, lease: number): Promise<Grant> {
    if (!this.#pacer || !this.#plan) [this.#pacer, this.#plan] = [createPacer(plan, this.#now), { ...plan }];
    else if (plan.perSecond < this.#plan.perSecond || plan.burst < this.#plan.burst || plan.daily < this.#plan.daily) {
      this.#pacer.tighten(plan);
      this.#plan = { perSecond: Math.min(plan.perSecond, this.#plan.perSecond), burst: Math.min(plan.burst, this.#plan.burst), daily: Math.min(plan.daily, this.#plan.daily) };
    }
    /** Today (UTC, as the API counts), started afresh at midnight; the time left of it. */
    const today = (): number => {
      const day = Math.floor(this.#now() / DAY);
      if (day !== this.#day) [this.#day, this.#spent, this.#urls] = [day, 0, new Set()];
      return (day + 1) * DAY - this.#now();
    };
    const counts = () => ({ spent: this.#spent, urls: this.#urls.size });
    const untilMidnight = today();
    if (this.#spent >= this.#plan.daily) return { wait: untilMidnight, daily: true, ...counts() };
    const wait = await this.#pacer.take(AbortSignal.timeout(timeout));
    if (wait > 0) return { wait, ...counts() };
    // Read again after the wait: midnight may have passed, or those queued ahead spent the day.
    const left = today();
    if (this.#spent >= this.#plan.daily) {
      this.#pacer.see(); // the slot goes back unused
      return { wait: left, daily: true, ...counts() };
    }
    this.#spent++;
    if (this.#urls.size < MAX_URLS) this.#urls.add(url);
    // A location that never says how its request ended (evicted, crashed) would hold the slot for ever.
    const slot = crypto.randomUUID(); // not a counter: a report from before a restart must not end a new slot
    const pacer = this.#pacer;
    this.#open.set(slot, setTimeout(() => this.#open.delete(slot) && pacer.see(), lease));
    await this.#state.storage?.put('day', { day: this.#day, spent: this.#spent });
    return { wait: 0, slot, ...counts() };
  }
}
