/** @module Sentry envelopes: one header line, then an item header line and a payload line per item. */
import type { ErrorEvent } from './types.js';
import { safeJson } from './util.js';

/** One envelope item: its header (with `type`) and its JSON payload. */
export interface EnvelopeItem {
  type: 'event' | 'check_in' | 'client_report' | 'session';
  payload: unknown;
}

/** An envelope ready to queue: the data category it is limited and counted under, and its bytes. */
export interface Envelope {
  category: 'error' | 'monitor' | 'internal' | 'session';
  body: string;
}

/** The rate-limit and client-report category of each item type. */
export const CATEGORY = { event: 'error', check_in: 'monitor', client_report: 'internal', session: 'session' } as const;

/**
 * Serialises an envelope; undefined when a payload cannot be made JSON.
 * JSON items carry no `length`, as the JS SDKs send them: each payload is one line.
 */
export function serializeEnvelope(header: Record<string, unknown>, item: EnvelopeItem): Envelope | undefined {
  const head = safeJson(header);
  const payload = safeJson(item.payload);
  if (head === undefined || payload === undefined) return undefined;
  return { category: CATEGORY[item.type], body: `${head}\n{"type":"${item.type}"}\n${payload}` };
}

/** The envelope header of an error event (event id, send time, SDK and trace context). */
export function eventEnvelopeHeader(event: ErrorEvent, publicKey: string, traceId: string): Record<string, unknown> {
  const trace: Record<string, string> = { public_key: publicKey, trace_id: traceId };
  if (event.environment) trace.environment = event.environment;
  if (event.release) trace.release = event.release;
  return { event_id: event.event_id, sent_at: new Date().toISOString(), sdk: event.sdk, trace };
}
