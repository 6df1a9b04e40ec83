/** @module Building Sentry error events from thrown values and messages (cause chains included). */
import { parseStack } from './stack.js';
import type { ErrorEvent, ExceptionValue, Level, Mechanism } from './types.js';
import { safeJson } from './util.js';

const MAX_CAUSES = 5;

type ErrorLike = { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown };

const isErrorLike = (e: unknown): e is ErrorLike =>
  typeof e === 'object' && e !== null && (e instanceof Error || (typeof (e as ErrorLike).message === 'string' && 'stack' in e));

function single(e: unknown): ExceptionValue {
  if (isErrorLike(e)) {
    const v: ExceptionValue = { type: typeof e.name === 'string' && e.name ? e.name : 'Error', value: String(e.message ?? '') };
    const frames = typeof e.stack === 'string' ? parseStack(e.stack) : [];
    if (frames.length) v.stacktrace = { frames };
    return v;
  }
  const text = typeof e === 'string' ? e : `Non-Error thrown: ${safeJson(e) ?? String(e)}`;
  return { type: 'Error', value: text.slice(0, 2000) };
}

/**
 * The `exception.values` of a thrown value: its causes first, the thrown error last, as the Sentry SDKs send them.
 * @example
 * exceptionValues(new Error('x', { cause: new Error('y') }), { type: 'generic', handled: true }).length; // 2
 */
export function exceptionValues(err: unknown, mechanism: Mechanism): ExceptionValue[] {
  const chain: unknown[] = [err];
  for (let e = err; isErrorLike(e) && e.cause !== undefined && chain.length <= MAX_CAUSES && !chain.includes(e.cause); e = e.cause) {
    chain.push(e.cause);
  }
  const values = chain.map((e, i) => {
    const v = single(e);
    if (chain.length === 1) v.mechanism = mechanism;
    else if (i === 0) v.mechanism = { ...mechanism, exception_id: 0 };
    else v.mechanism = { type: 'chained', handled: mechanism.handled, source: 'cause', exception_id: i, parent_id: i - 1 };
    return v;
  });
  return values.reverse();
}

/** Fields every event of a client shares. */
export type EventBase = Pick<ErrorEvent, 'platform' | 'sdk' | 'release' | 'environment'>;

/** An event skeleton: id, time, level, and the client's fixed fields. */
export function baseEvent(base: EventBase, eventId: string, level: Level): ErrorEvent {
  const ev: ErrorEvent = { event_id: eventId, timestamp: Date.now() / 1000, platform: base.platform, level, sdk: base.sdk };
  if (base.release) ev.release = base.release;
  if (base.environment) ev.environment = base.environment;
  return ev;
}

/** A message event's synthetic exception: the message and where it was sent from (minus the SDK's own frame on top). */
export function messageException(message: string, stack: string | undefined): ExceptionValue {
  const v: ExceptionValue = { value: message, mechanism: { type: 'generic', handled: true, synthetic: true } };
  const frames = parseStack(stack ?? '').slice(0, -1);
  if (frames.length) v.stacktrace = { frames };
  return v;
}
