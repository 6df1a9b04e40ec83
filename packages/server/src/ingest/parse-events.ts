/** @module Parsing a KPI body (a JSON array, one object, or NDJSON) into raw items: no decisions here. */
import { ApiError } from '../kernel/index.js';

/** A body item: the parsed value, or the reason its line could not be parsed. */
export type RawItem = { ok: true; value: unknown } | { ok: false; code: 'event.invalid_json'; message: string };

const JSON_TYPES = new Set([
  '',
  'application/json',
  'text/plain',
  'application/x-ndjson',
  // curl -d sends this by default; the body is still read as JSON.
  'application/x-www-form-urlencoded',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
]);

/** Checks the media type; beacons send text/plain, and a missing type is read as JSON. */
export function checkMediaType(contentType: string | undefined): void {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPES.has(type)) {
    throw new ApiError(
      'request.unsupported_media_type',
      `Content-Type '${type}' is not accepted; send application/json (an array or one event) or application/x-ndjson.`,
    );
  }
}

/** Parses the body: a JSON array or object, else NDJSON with one event a line. */
export function parseEvents(text: string): RawItem[] {
  const first = text.trimStart()[0];
  if (first === '[' || first === '{') {
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? v.map((value) => ({ ok: true, value })) : [{ ok: true, value: v }];
    } catch (err) {
      if (first === '[' || !text.includes('\n')) {
        throw new ApiError('request.invalid_json', `The body is not valid JSON: ${(err as Error).message}.`);
      }
    }
  } else if (text.trim() !== '') {
    throw new ApiError(
      'request.invalid_json',
      'The body must be a JSON array of events, one event object, or NDJSON (one event object a line).',
    );
  }
  const out: RawItem[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const s = raw.trim();
    if (s === '') continue;
    try {
      out.push({ ok: true, value: JSON.parse(s) as unknown });
    } catch (err) {
      out.push({
        ok: false,
        code: 'event.invalid_json',
        message: `Line ${line} of the body is not valid JSON: ${(err as Error).message}.`,
      });
    }
  }
  return out;
}
