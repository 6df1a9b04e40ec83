/**
 * @module Sentry envelopes: bytes to a header and items (with or without `length`, binary payloads,
 * no trailing newline), plus the `X-Sentry-Auth` header and DSNs. Parsing only, no decisions.
 */
import { type Outcome, ok, reject } from '../kernel/index.js';

/** One item of an envelope: its header (always has `type`) and raw payload bytes. */
export interface EnvelopeItem {
  type: string;
  header: Record<string, unknown>;
  payload: Buffer;
}

/** A parsed envelope. */
export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

const NL = 0x0a;

function jsonObject(buf: Buffer, what: string): Outcome<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    return reject('envelope.invalid', `The ${what} is not valid JSON: ${(err as Error).message}.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return reject('envelope.invalid', `The ${what} must be a JSON object.`);
  return ok(v as Record<string, unknown>);
}

/** The end of the line starting at `from` (the index of `\n`, or the buffer's length). */
function lineEnd(buf: Buffer, from: number): number {
  const i = buf.indexOf(NL, from);
  return i === -1 ? buf.length : i;
}

/** Parses envelope bytes; never throws. `maxItems` bounds the work done on hostile input. */
export function parseEnvelope(buf: Buffer, maxItems = 1000): Outcome<Envelope> {
  let pos = 0;
  const headEnd = lineEnd(buf, 0);
  const head = jsonObject(buf.subarray(0, headEnd), 'envelope header (first line)');
  if (!head.ok) return head;
  pos = headEnd + 1;
  const items: EnvelopeItem[] = [];
  while (pos < buf.length) {
    const end = lineEnd(buf, pos);
    const line = buf.subarray(pos, end);
    // Blank lines between items (a trailing newline after the last payload) are allowed.
    if (line.length === 0 || (line.length === 1 && line[0] === 0x0d)) {
      pos = end + 1;
      continue;
    }
    if (items.length >= maxItems) return reject('envelope.invalid', `An envelope may hold at most ${maxItems} items.`);
    const h = jsonObject(line, `header of item ${items.length + 1}`);
    if (!h.ok) return h;
    const type = h.value.type;
    if (typeof type !== 'string' || type === '') {
      return reject('envelope.invalid', `Item ${items.length + 1} has no "type" in its header.`);
    }
    pos = end + 1;
    const length = h.value.length;
    let payload: Buffer;
    if (length !== undefined && length !== null) {
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
        return reject('envelope.invalid', `Item ${items.length + 1} has an invalid "length" (${String(length).slice(0, 20)}).`);
      }
      if (pos + length > buf.length) {
        return reject(
          'envelope.invalid',
          `Item ${items.length + 1} says length ${length} but only ${Math.max(0, buf.length - pos)} bytes follow.`,
        );
      }
      payload = buf.subarray(pos, pos + length);
      pos += length;
      // The newline after a payload of known length is optional at the end.
      if (pos < buf.length && buf[pos] === NL) pos++;
    } else {
      const pend = lineEnd(buf, pos);
      payload = buf.subarray(Math.min(pos, buf.length), pend);
      pos = pend + 1;
    }
    items.push({ type, header: h.value, payload });
  }
  return ok({ header: head.value, items });
}

/** Parses `X-Sentry-Auth: Sentry sentry_key=..., sentry_version=7, ...` into its pairs. */
export function parseSentryAuth(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value) return out;
  const body = value.replace(/^\s*Sentry\s+/i, '');
  for (const part of body.split(',')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** The public key and project id of a DSN (`http://key@host/path/42`), or undefined. */
export function parseDsn(dsn: unknown): { key: string; projectId: number } | undefined {
  if (typeof dsn !== 'string') return undefined;
  try {
    const u = new URL(dsn);
    const id = Number(u.pathname.split('/').filter(Boolean).pop());
    if (!u.username || !Number.isSafeInteger(id) || id < 1) return undefined;
    return { key: decodeURIComponent(u.username), projectId: id };
  } catch {
    return undefined;
  }
}
