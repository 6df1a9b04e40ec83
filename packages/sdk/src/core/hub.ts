/** @module The global API: calls go to the current client, do nothing without one, and never throw. */
import type { CaptureContext, Client } from './client.js';
import { DEBUG_BUILD } from './debug-build.js';
import type { Breadcrumb, KpiEvent, Level, Tags, User } from './types.js';

let current: Client | undefined;

/**
 * Makes `client` the one the global calls use, closing the previous one (its queue is still flushed, in the background).
 * @example
 * setClient(createClient({ dsn }, myPlatform));
 */
export function setClient(client: Client | undefined): void {
  const old = current;
  current = client;
  if (old && old !== client) void old.close(2000).catch(() => {});
}

/**
 * The current client, if `init` created one.
 * @example
 * getClient()?.stats();
 */
export function getClient(): Client | undefined {
  return current;
}

// The SDK's own bugs end here rather than in the host app.
function guard<T>(fallback: T, fn: (c: Client) => T): T {
  try {
    return current ? fn(current) : fallback;
  } catch (e) {
    if (DEBUG_BUILD) current?.log('internal error', e);
    return fallback;
  }
}

/** Options of `track`. */
export interface TrackOptions {
  /** The amount (e.g. a payment's total); counted events default to 1. */
  value?: number;
  /** Segments, e.g. `{ plan: 'pro' }`. */
  tags?: Tags;
  /** How many events this record stands for (`value` is then their sum). */
  count?: number;
  /** When it happened (default: now). */
  ts?: number | Date;
}

/**
 * Counts a business event; batched and sent in the background.
 * @example
 * track('checkout.completed', { value: 49.9, tags: { currency: 'EUR' } });
 */
export function track(name: string, opts: TrackOptions = {}): void {
  guard(undefined, (c) => {
    const e: KpiEvent = { name, ts: opts.ts === undefined ? Date.now() : Number(opts.ts) };
    if (opts.value !== undefined) e.value = opts.value;
    if (opts.count !== undefined) e.count = opts.count;
    const tags = withGlobal(c, opts.tags);
    if (tags) e.tags = tags;
    c.record(e);
  });
}

/**
 * Records the level of something (a gauge), e.g. users online or queue depth.
 * @example
 * gauge('queue.depth', 17, { queue: 'emails' });
 */
export function gauge(name: string, value: number, tags?: Tags): void {
  guard(undefined, (c) => {
    const e: KpiEvent = { name, type: 'gauge', value, ts: Date.now() };
    const t = withGlobal(c, tags);
    if (t) e.tags = t;
    c.record(e);
  });
}

function withGlobal(c: Client, tags: Tags | undefined): Tags | undefined {
  const g = c.options.tags;
  for (const _ in g) return { ...g, ...tags };
  return tags;
}

/**
 * Reports an error (with its `cause` chain) as a Sentry event; returns its id, or '' when not sent.
 * @example
 * try { pay(); } catch (e) { captureException(e, { tags: { step: 'pay' } }); }
 */
export function captureException(err: unknown, ctx?: CaptureContext): string {
  return guard('', (c) => c.captureException(err, ctx));
}

/**
 * Reports a message as a Sentry event; returns its id, or '' when not sent.
 * @example
 * captureMessage('payment provider slow', 'warning');
 */
export function captureMessage(message: string, level: Level = 'info'): string {
  const stack = new Error(message).stack;
  return guard('', (c) => c.captureMessage(message, level, stack));
}

/**
 * Adds a breadcrumb to the trail sent with the next errors.
 * @example
 * addBreadcrumb({ category: 'cart', message: 'item added', data: { sku: 'SKU-1' } });
 */
export function addBreadcrumb(crumb: Breadcrumb): void {
  guard(undefined, (c) => {
    const b = c.options.beforeBreadcrumb ? c.options.beforeBreadcrumb(crumb) : crumb;
    if (b) c.scope.addBreadcrumb(b);
  });
}

/**
 * Sets the user sent with errors (`null` clears it).
 * @example
 * setUser({ id: 'u-123', email: 'jane@example.com' });
 */
export function setUser(user: User | null): void {
  guard(undefined, (c) => void (c.scope.user = user ?? undefined));
}

/**
 * Sets a tag sent with errors.
 * @example
 * setTag('region', 'eu-west-1');
 */
export function setTag(key: string, value: string | number | boolean): void {
  guard(undefined, (c) => void (c.scope.tags[key] = String(value)));
}

/**
 * Sets several tags sent with errors.
 * @example
 * setTags({ feature: 'checkout', tier: 'pro' });
 */
export function setTags(tags: Tags): void {
  for (const k in tags) setTag(k, tags[k] as string);
}

/**
 * Sets a named context object sent with errors (`null` removes it).
 * @example
 * setContext('cart', { items: 3 });
 */
export function setContext(name: string, context: Record<string, unknown> | null): void {
  guard(undefined, (c) => {
    if (context) c.scope.contexts[name] = context;
    else delete c.scope.contexts[name];
  });
}

/**
 * Sends what is queued; resolves true when everything was delivered within `timeoutMs`.
 * @example
 * await flush(2000);
 */
export function flush(timeoutMs = 2000): Promise<boolean> {
  return guard(Promise.resolve(true), (c) => c.flush(timeoutMs).catch(() => false));
}

/**
 * Flushes, then stops the SDK and removes its listeners and instrumentation.
 * @example
 * await close();
 */
export function close(timeoutMs = 2000): Promise<boolean> {
  const c = current;
  current = undefined;
  return c ? c.close(timeoutMs).catch(() => false) : Promise.resolve(true);
}
